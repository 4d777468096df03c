/**
 * Where the tab's all-time charts start: one week for the whole page, the earliest week any of
 * its series over time (the overview's trends, the sections' weekly charts: every widget with a
 * `series`) has data in. Each series then runs from that week to the current one, empty weeks
 * drawn by its own rule (0 for counts, a gap for shares), so charts side by side line up instead
 * of each starting at its own first row.
 *
 * The queries asked for are the series' own (registry.ts lists them), so they hit the same
 * rollups, and Cube answers the repeats from its cache.
 */
import type { CubeLoader } from '../cube/client';
import type { TypedQuery } from '../cube/query';
import type { LoadResponse } from '../cube/response';
import { type TimeframeWindow, withAllTimeStart } from '../timeframe';
import { PHASE1_WIDGETS, trendWidgetId } from './phase1';
import { TREND_METRICS } from './schemas';
import { SECTIONS } from './sections';
import type { SectionWidget, TimeSeriesSpec } from './sections/define';

type SeriesWidget = {
  readonly id: string;
  readonly queries: SectionWidget['queries'];
  readonly series: TimeSeriesSpec;
};

const seriesOf = (id: string, spec: SectionWidget): SeriesWidget[] =>
  spec.series ? [{ id, queries: spec.queries, series: spec.series }] : [];

/** Every widget of the tab that draws a series over time, by id (`phase1.ts`, `<section>.<widget>`). */
export const SERIES_WIDGETS: readonly SeriesWidget[] = [
  // Phase 1's series are its trends (the leaderboard and the week-over-week cards draw none).
  ...TREND_METRICS.flatMap((metric) =>
    seriesOf(trendWidgetId(metric), PHASE1_WIDGETS[trendWidgetId(metric)]),
  ),
  ...Object.values(SECTIONS).flatMap((section) =>
    Object.entries(section.widgets as Record<string, SectionWidget>).flatMap(([name, spec]) =>
      seriesOf(`${section.id}.${name}`, spec),
    ),
  ),
];

/** The query of each series at the window (at `all`: what the page's first week is read from). */
export function seriesQueries(window: TimeframeWindow): TypedQuery[] {
  return SERIES_WIDGETS.map((w) => {
    const built = w.queries(window)[w.series.query];
    if (!built) throw new Error(`${w.id}: no query ${w.series.query} for its series`);
    return built.query;
  });
}

/** The earliest bucket start any series has data in (answers in `seriesQueries` order). */
export function firstDataBucket(
  responses: readonly LoadResponse[],
  window: TimeframeWindow,
): number | null {
  let first: number | null = null;
  SERIES_WIDGETS.forEach((w, i) => {
    const response = responses[i];
    if (!response) throw new Error(`${w.id}: no answer for its series`);
    for (const at of w.series.dataBuckets(response, window)) {
      if (first === null || at < first) first = at;
    }
  });
  return first;
}

/**
 * The window a widget's answer is built on: at `all`, with the page's first week (read from every
 * series' query); other windows as they are. Returns the answers it read too (their freshness
 * is the widget's).
 */
export async function resolveWindow(
  window: TimeframeWindow,
  loader: Pick<CubeLoader, 'load'>,
  signal?: AbortSignal,
): Promise<{ window: TimeframeWindow; responses: LoadResponse[] }> {
  if (window.bucketCount !== null) return { window, responses: [] };
  const responses = await Promise.all(
    seriesQueries(window).map((q) => loader.load(q, signal ? { signal } : {})),
  );
  return { window: withAllTimeStart(window, firstDataBucket(responses, window)), responses };
}
