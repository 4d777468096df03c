'use client';

/**
 * One hook per Phase 2 endpoint of the plan. Each takes `{ timeframe, widget }` (both checked
 * against the section's definition in web/lib/analytics/sections/) and returns that widget's data.
 */
import {
  assetsSection,
  engagementSection,
  exportsSection,
  llmSection,
  monetizationSection,
  releasesSection,
} from '../../../lib/analytics/sections';
import { type SectionWidgetInput, useSectionWidget } from './useSectionWidget';

type WidgetOf<S extends { widgets: object }> = keyof S['widgets'] & string;

/** getReleaseAnalytics: views per release (with the drill-down), cadence, media coverage. */
export function useReleaseAnalytics<K extends WidgetOf<typeof releasesSection>>(
  input: SectionWidgetInput<K>,
) {
  return useSectionWidget('useReleaseAnalytics', releasesSection, input);
}

/** getExportFunnel: totals, success rate, render time, formats, top errors. */
export function useExportFunnel<K extends WidgetOf<typeof exportsSection>>(
  input: SectionWidgetInput<K>,
) {
  return useSectionWidget('useExportFunnel', exportsSection, input);
}

/** getEngagement: prompts per user, iterations to success, edit mix, time to first scene. */
export function useEngagement<K extends WidgetOf<typeof engagementSection>>(
  input: SectionWidgetInput<K>,
) {
  return useSectionWidget('useEngagement', engagementSection, input);
}

/** getMonetizationFunnel: paywall funnel, credits used vs purchased. */
export function useMonetizationFunnel<K extends WidgetOf<typeof monetizationSection>>(
  input: SectionWidgetInput<K>,
) {
  return useSectionWidget('useMonetizationFunnel', monetizationSection, input);
}

/** getLLMUsage: calls and reliability, tokens by model, latency, tools, error hotspots. */
export function useLLMUsage<K extends WidgetOf<typeof llmSection>>(input: SectionWidgetInput<K>) {
  return useSectionWidget('useLLMUsage', llmSection, input);
}

/** getAssetStats: uploads by type, reuse, sizes. */
export function useAssetStats<K extends WidgetOf<typeof assetsSection>>(
  input: SectionWidgetInput<K>,
) {
  return useSectionWidget('useAssetStats', assetsSection, input);
}
