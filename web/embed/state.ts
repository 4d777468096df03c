/**
 * The tab's view state from its URL query: `?tf=24h|7d|30d|all&wow=1|2|4&section=…&stf=…`.
 * Two timeframes, never mixed: `tf` is the top row's (sparklines, leaderboard), `stf` the open
 * section's, so one part's control never changes the other. One parser for the browser (the router adapter's search string) and the server (the page's
 * searchParams), so the server prefills exactly what the browser's hooks will ask for.
 */
import { parseSectionParams, type SectionParams } from '../lib/analytics/sections';
import {
  parseTimeframeParam,
  parseWowWeeksParam,
  type Timeframe,
  type WowWeeks,
} from '../lib/timeframe';

export interface TabState {
  readonly timeframe: Timeframe;
  readonly weeks: WowWeeks;
  readonly rejectedTimeframe: string | null;
  readonly rejectedWeeks: string | null;
  readonly sections: SectionParams;
}

/** Next's `searchParams` (or any record) as a query string; repeated keys keep the first. */
export function searchOf(params: Record<string, string | string[] | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') search.set(key, first);
  }
  return search.toString();
}

export function parseTabState(search: string): TabState {
  const params = new URLSearchParams(search);
  const tf = parseTimeframeParam(params.get('tf'));
  const wow = parseWowWeeksParam(params.get('wow'));
  return {
    timeframe: tf.value,
    weeks: wow.value,
    rejectedTimeframe: tf.rejected,
    rejectedWeeks: wow.rejected,
    sections: parseSectionParams(params.get('section'), params.get('stf')),
  };
}
