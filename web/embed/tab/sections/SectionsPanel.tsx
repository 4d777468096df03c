'use client';

import type { ComponentType } from 'react';
import { SECTION_IDS, SECTIONS, type SectionId } from '../../../lib/analytics/sections';
import { TIMEFRAME_LABELS, type WindowTimeframe } from '../../../lib/timeframe';
import { AssetsSection } from './AssetsSection';
import { EngagementSection } from './EngagementSection';
import { ExportsSection } from './ExportsSection';
import { LinkChips } from './LinkChips';
import { LlmSection } from './LlmSection';
import { MonetizationSection } from './MonetizationSection';
import { ReleasesSection } from './ReleasesSection';
import { RELEASE_PARAM, SectionNavContext } from './SectionNav';
import styles from './SectionsPanel.module.css';

const VIEWS: Record<SectionId, ComponentType<{ timeframe: WindowTimeframe }>> = {
  releases: ReleasesSection,
  exports: ExportsSection,
  engagement: EngagementSection,
  monetization: MonetizationSection,
  llm: LlmSection,
  assets: AssetsSection,
};

/** The section's own timeframe in the URL; the top row's (`tf`) is never touched here. */
export const SECTION_TIMEFRAME_PARAM = 'stf';

/**
 * The link of a section state, keeping the page's other parameters (the top row's `tf`, `wow`):
 * without `timeframe` the section opens at its default.
 */
export function sectionHref(search: string, section: SectionId, timeframe?: WindowTimeframe) {
  const params = new URLSearchParams(search);
  params.set('section', section);
  params.delete(RELEASE_PARAM);
  if (timeframe) params.set(SECTION_TIMEFRAME_PARAM, timeframe);
  else params.delete(SECTION_TIMEFRAME_PARAM);
  return `?${params.toString()}`;
}

export interface SectionsPanelProps {
  readonly section: SectionId;
  readonly timeframe: WindowTimeframe;
  readonly rejectedSection: string | null;
  readonly rejectedTimeframe: string | null;
  /** The current query string, for building links. */
  readonly search: string;
  readonly onNavigate: (href: string) => void;
}

/** Phase 2: the six sections as tabs, each with the timeframes it offers. */
export function SectionsPanel(props: SectionsPanelProps) {
  const spec = SECTIONS[props.section];
  const View = VIEWS[props.section];
  const chosen = new URLSearchParams(props.search).has(SECTION_TIMEFRAME_PARAM);
  return (
    <section
      className={styles.panel}
      aria-labelledby="sections-heading"
      data-testid="sections"
      data-section={props.section}
      data-timeframe={props.timeframe}
    >
      <h2 id="sections-heading" className="sr-only">
        Sections
      </h2>
      <LinkChips
        label="Sections"
        variant="tabs"
        testId="section-tabs"
        value={props.section}
        onNavigate={props.onNavigate}
        options={SECTION_IDS.map((id) => ({
          value: id,
          label: SECTIONS[id].label,
          // A timeframe chosen in this section carries over to the next when it offers it.
          href: sectionHref(
            props.search,
            id,
            chosen && SECTIONS[id].timeframes.includes(props.timeframe)
              ? props.timeframe
              : undefined,
          ),
        }))}
      />
      {props.rejectedSection !== null ? (
        <p className="notice" role="status" data-testid="section-notice">
          Unknown section “{props.rejectedSection}” in the link — showing {spec.label} instead.
        </p>
      ) : null}
      <div className={styles.header}>
        <div>
          <h3 className={styles.title}>{spec.label}</h3>
          <p className={styles.question}>
            {spec.question} ·{' '}
            <span data-testid="section-timeframe-label">{TIMEFRAME_LABELS[props.timeframe]}</span>
          </p>
          <p className={styles.scope}>
            This section’s own timeframe; the overview above keeps its own. Each widget’s “data as
            of” is its own rollup’s last refresh (every 10 minutes; lifetime figures daily at 00:00
            UTC): hover it for the rule.
          </p>
        </div>
        <LinkChips
          label={`${spec.label} timeframe (this section only)`}
          variant="chips"
          testId="section-timeframes"
          value={props.timeframe}
          onNavigate={props.onNavigate}
          options={spec.timeframes.map((tf) => ({
            value: tf,
            label: tf === 'all' ? 'All' : tf,
            description: TIMEFRAME_LABELS[tf],
            href: sectionHref(props.search, props.section, tf),
          }))}
        />
      </div>
      {props.rejectedTimeframe !== null ? (
        <p className="notice" role="status" data-testid="section-timeframe-notice">
          {spec.label} does not offer the timeframe “{props.rejectedTimeframe}” — showing{' '}
          {TIMEFRAME_LABELS[props.timeframe].toLowerCase()} instead.
        </p>
      ) : null}
      <div data-testid={`section-${props.section}`}>
        <SectionNavContext.Provider value={{ search: props.search, navigate: props.onNavigate }}>
          <View key={props.section} timeframe={props.timeframe} />
        </SectionNavContext.Provider>
      </div>
    </section>
  );
}
