'use client';

/**
 * One hook per Phase 2 endpoint (section). Each takes `{ timeframe, widget }` (both checked
 * against the section's definition in web/lib/analytics/sections/) and returns that widget's data.
 * The server functions of the same names without `use` (web/embed/server.ts) share the definitions.
 */
import { SECTION_ROUTES, type SectionWidgetInput } from '../../../lib/analytics/definitions';
import type {
  assetsSection,
  engagementSection,
  exportsSection,
  llmSection,
  monetizationSection,
  releasesSection,
} from '../../../lib/analytics/sections';
import { useSectionWidget } from './useSectionWidget';

type WidgetOf<S extends { widgets: object }> = keyof S['widgets'] & string;

/** getReleaseAnalytics: views per release (with the drill-down), cadence, media coverage. */
export function useReleaseAnalytics<K extends WidgetOf<typeof releasesSection>>(
  input: SectionWidgetInput<K>,
) {
  return useSectionWidget<typeof releasesSection, K>(SECTION_ROUTES.getReleaseAnalytics, input);
}

/** getExportFunnel: totals, success rate, render time, formats, top errors. */
export function useExportFunnel<K extends WidgetOf<typeof exportsSection>>(
  input: SectionWidgetInput<K>,
) {
  return useSectionWidget<typeof exportsSection, K>(SECTION_ROUTES.getExportFunnel, input);
}

/** getEngagement: prompts per user, iterations to success, edit mix, time to first scene. */
export function useEngagement<K extends WidgetOf<typeof engagementSection>>(
  input: SectionWidgetInput<K>,
) {
  return useSectionWidget<typeof engagementSection, K>(SECTION_ROUTES.getEngagement, input);
}

/** getMonetizationFunnel: paywall funnel, credits used vs purchased. */
export function useMonetizationFunnel<K extends WidgetOf<typeof monetizationSection>>(
  input: SectionWidgetInput<K>,
) {
  return useSectionWidget<typeof monetizationSection, K>(
    SECTION_ROUTES.getMonetizationFunnel,
    input,
  );
}

/** getLLMUsage: calls and reliability, tokens by model, latency, tools, error hotspots. */
export function useLLMUsage<K extends WidgetOf<typeof llmSection>>(input: SectionWidgetInput<K>) {
  return useSectionWidget<typeof llmSection, K>(SECTION_ROUTES.getLLMUsage, input);
}

/** getAssetStats: uploads by type, reuse, sizes. */
export function useAssetStats<K extends WidgetOf<typeof assetsSection>>(
  input: SectionWidgetInput<K>,
) {
  return useSectionWidget<typeof assetsSection, K>(SECTION_ROUTES.getAssetStats, input);
}
