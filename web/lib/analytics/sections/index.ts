/** The six Phase 2 sections, in the order of the tab's section tabs. */
import { z } from 'zod';
import { type WindowTimeframe, windowTimeframeSchema } from '../../timeframe';
import { assetsSection } from './assets';
import { engagementSection } from './engagement';
import { exportsSection } from './exports';
import { llmSection } from './llm';
import { monetizationSection } from './monetization';
import { releasesSection } from './releases';

export const SECTIONS = {
  releases: releasesSection,
  exports: exportsSection,
  engagement: engagementSection,
  monetization: monetizationSection,
  llm: llmSection,
  assets: assetsSection,
} as const;

export type SectionId = keyof typeof SECTIONS;
export const SECTION_IDS = Object.keys(SECTIONS) as SectionId[];
export const sectionIdSchema = z.enum(SECTION_IDS as [SectionId, ...SectionId[]]);
export const DEFAULT_SECTION: SectionId = 'releases';

export interface SectionParams {
  readonly section: SectionId;
  readonly timeframe: WindowTimeframe;
  /** What the link asked for but the page could not show (so it can say it fell back). */
  readonly rejectedSection: string | null;
  readonly rejectedTimeframe: string | null;
}

/**
 * `?section=&stf=` → the section and its timeframe. An unknown section is the default section;
 * a timeframe the section does not offer (or an unknown one) is the section's default. Both
 * keep the rejected value so the page can say so.
 */
export function parseSectionParams(
  rawSection: string | null | undefined,
  rawTimeframe: string | null | undefined,
): SectionParams {
  const s = sectionIdSchema.safeParse(rawSection);
  const section = s.success ? s.data : DEFAULT_SECTION;
  const rejectedSection = !s.success && rawSection ? rawSection : null;
  const spec = SECTIONS[section];
  const tf = windowTimeframeSchema.safeParse(rawTimeframe);
  const offered = tf.success && spec.timeframes.includes(tf.data);
  return {
    section,
    timeframe: offered && tf.success ? tf.data : spec.defaultTimeframe,
    rejectedSection,
    rejectedTimeframe: !offered && rawTimeframe ? rawTimeframe : null,
  };
}

export {
  assetsSection,
  engagementSection,
  exportsSection,
  llmSection,
  monetizationSection,
  releasesSection,
};
