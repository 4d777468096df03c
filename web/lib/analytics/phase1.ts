/**
 * Phase 1's widgets (the overview row: three trend sparklines, the template leaderboard, two
 * week-over-week cards), one entry each, in the shape of a Phase 2 section widget: the Cube
 * queries it sends for a window, how their answers become its data (checked by its zod schema),
 * its CSV table and its title. The entry's id is the one id everywhere:
 * - the tab's query list (`registry.ts`: `<id>/<timeframe>`) and the bench (`<id>@<timeframe>`);
 * - its hand-written SQL oracle (`oracles/queries.ts`, `QUERY_ORACLES[id]`);
 * - its data endpoint (`definitions.ts`: `useTrends`, `useTopTemplates`, `useWoW`, each built on
 *   these entries; the same definitions serve `web/embed/server.ts` and the MCP tools);
 * - its component (`web/embed/tab/`: `TrendWidget`, `TopTemplatesWidget`, `WowWidget`) and the
 *   e2e check of what the page shows (`tests/e2e/phase1-view.ts`).
 */
import type { z } from 'zod';
import type { LoadResponse } from '../cube/response';
import type { TimeframeWindow, WowWindows } from '../timeframe';
import type { ExploreTable } from './explore';
import { topTemplatesTable, trendTable, wowTable } from './exploreTables';
import {
  TOP_TEMPLATES_LIMIT,
  TREND_METRIC_SPECS,
  topTemplatesAllTimeQuery,
  topTemplatesWindowQuery,
  trendQuery,
  wowQuery,
} from './queries';
import {
  type TopTemplate,
  type TrendMetric,
  type Trends,
  topTemplatesSchema,
  trendSeriesSchema,
  type Wow,
  type WowMetric,
  wowSchema,
} from './schemas';
import { DISTINCT_WOW, type SectionWidget } from './sections/define';
import { toTopTemplates, toTrendSeries, toWow, trendPoints } from './transform';

/**
 * A Phase 1 widget: a section widget plus its title and CSV table. `table` reads the data its
 * hook returns (`D`: a trend's hook answers `Trends`) and what it needs of the window (`V`).
 */
export interface Phase1Widget<O extends z.ZodType, W, D = z.output<O>, V = W>
  extends SectionWidget<O, W> {
  /** The title the widget renders (and its CSV's name). */
  readonly title: string;
  /** The chip that sets its window: the row's timeframe, or the week-over-week span. */
  readonly chip: W extends WowWindows ? 'wow' : 'timeframe';
  /** The rows it shows, as a CSV table with human column names. */
  readonly table: (data: D, view: V) => ExploreTable;
}

function only(responses: readonly LoadResponse[]): LoadResponse {
  const [response] = responses;
  if (!response) throw new Error('Cube answered without a response');
  return response;
}

function trendWidget(
  metric: TrendMetric,
): Phase1Widget<typeof trendSeriesSchema, TimeframeWindow, Trends, void> {
  const title = TREND_METRIC_SPECS[metric].label;
  return {
    title,
    chip: 'timeframe',
    output: trendSeriesSchema,
    queries: (w) => [{ query: trendQuery(metric, w) }],
    parse: (responses, w) => toTrendSeries(only(responses), metric, w),
    series: {
      query: 0,
      dataBuckets: (response, w) =>
        trendPoints(response, metric, w).flatMap((p) => (p.count === 0 ? [] : [p.at])),
    },
    table: (trends) => trendTable(trends, metric, title),
  };
}

const WOW_TITLES: Record<WowMetric, string> = {
  export_success: 'Export success rate',
  paying_users: 'Paying users',
};

function wowWidget(
  metric: WowMetric,
): Phase1Widget<typeof wowSchema, WowWindows, Wow, Pick<WowWindows, 'weeks'>> {
  return {
    title: WOW_TITLES[metric],
    chip: 'wow',
    output: wowSchema,
    queries: (w) => [
      metric === 'paying_users'
        ? { query: wowQuery(metric, w), deliberatelyRaw: DISTINCT_WOW }
        : { query: wowQuery(metric, w) },
    ],
    parse: (responses, w) => toWow(only(responses), metric, w),
    table: (data, w) => wowTable(data, WOW_TITLES[metric], w.weeks),
  };
}

/** The leaderboard: `all` ranks by the lifetime counter, the others count uses in the window. */
const topTemplates: Phase1Widget<
  typeof topTemplatesSchema,
  TimeframeWindow,
  TopTemplate[],
  Pick<TimeframeWindow, 'timeframe'>
> & {
  /** With the hook's `limit` (the widget shows TOP_TEMPLATES_LIMIT). */
  readonly queries: (w: TimeframeWindow, limit?: number) => ReturnType<SectionWidget['queries']>;
} = {
  title: 'Top templates',
  chip: 'timeframe',
  output: topTemplatesSchema,
  queries: (w: TimeframeWindow, limit: number = TOP_TEMPLATES_LIMIT) => [
    {
      query:
        w.timeframe === 'all'
          ? topTemplatesAllTimeQuery(limit)
          : topTemplatesWindowQuery(w.dateRange, limit),
    },
  ],
  parse: (responses, w) => toTopTemplates(only(responses), w.timeframe === 'all'),
  table: (rows, w) => topTemplatesTable(rows, w.timeframe === 'all'),
};

type TrendId = `trend.${TrendMetric}`;
type WowId = `wow.${WowMetric}`;
export const trendWidgetId = (metric: TrendMetric): TrendId => `trend.${metric}`;
export const wowWidgetId = (metric: WowMetric): WowId => `wow.${metric}`;

/** Phase 1's widgets by id, in the order the overview row renders them. */
export const PHASE1_WIDGETS = {
  'trend.exports': trendWidget('exports'),
  'trend.prompts': trendWidget('prompts'),
  'trend.paywall': trendWidget('paywall'),
  top_templates: topTemplates,
  'wow.export_success': wowWidget('export_success'),
  'wow.paying_users': wowWidget('paying_users'),
} as const satisfies Record<TrendId | 'top_templates' | WowId, unknown>;

export type Phase1WidgetId = keyof typeof PHASE1_WIDGETS;
