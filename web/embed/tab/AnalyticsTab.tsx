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
 * The tab's view state lives in the URL: `?tf=24h|7d|30d|all&wow=1|2|4&section=…&stf=…`. The
 * overview row follows `tf`, the open section `stf` (its default when absent or not offered):
 * each control writes only its own key, so neither part changes the other. `search` and
 * `navigate` come from the host's router adapter.
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
