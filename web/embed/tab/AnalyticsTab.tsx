'use client';

import { parseTabState } from '../state';
import { AnalyticsDashboard } from './AnalyticsDashboard';
import { SectionsPanel } from './sections/SectionsPanel';

/** `key=value` onto the query string `search`, as an href. */
function withParam(search: string, key: string, value: string): string {
  const params = new URLSearchParams(search);
  params.set(key, value);
  return `?${params.toString()}`;
}

/**
 * The tab's view state lives in the URL: `?tf=24h|7d|30d|90d|all&wow=1|2|4&section=…`. One
 * timeframe for the page: the Phase 1 row shows it when it offers it (90d is the Releases
 * section's only), and each section falls back to its default when it does not offer it.
 * `search` and `navigate` come from the host's router adapter.
 */
export function AnalyticsTab(props: { search: string; navigate: (href: string) => void }) {
  const state = parseTabState(props.search);
  return (
    <>
      <AnalyticsDashboard
        timeframe={state.timeframe}
        weeks={state.weeks}
        rejectedTimeframe={state.rejectedTimeframe}
        rejectedWeeks={state.rejectedWeeks}
        onTimeframeChange={(value) => props.navigate(withParam(props.search, 'tf', value))}
        onWeeksChange={(value) => props.navigate(withParam(props.search, 'wow', String(value)))}
      />
      <SectionsPanel
        section={state.sections.section}
        timeframe={state.sections.timeframe}
        rejectedSection={state.sections.rejectedSection}
        rejectedTimeframe={state.sections.rejectedTimeframe}
        search={props.search}
        onNavigate={props.navigate}
      />
    </>
  );
}
