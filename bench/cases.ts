/**
 * What the Analytics tab sends, as benchmark cases. Every Cube query comes from the web app's
 * own builders (`web/lib/analytics/queries.ts`) with the windows of `web/lib/timeframe.ts`,
 * exactly as the widgets' hooks call them; each is paired with its raw-SQL oracle.
 *
 * One entry per widget in `WIDGETS`. A Phase 2 widget is one more entry: its queries for a tab
 * state (from its builder in web/lib/analytics/queries.ts) and the SQL that answers them.
 */
import {
  TOP_TEMPLATES_LIMIT,
  TREND_METRIC_SPECS,
  topTemplatesAllTimeQuery,
  topTemplatesWindowQuery,
  trendQuery,
  WOW_MEMBERS,
  wowQuery,
} from '../web/lib/analytics/queries';
import { TREND_METRICS, WOW_METRICS } from '../web/lib/analytics/schemas';
import type { TypedQuery } from '../web/lib/cube/query';
import {
  DEFAULT_WOW_WEEKS,
  startOfUtcHour,
  TIMEFRAMES,
  type Timeframe,
  timeframeWindow,
  WOW_WEEKS,
  type WowWeeks,
  wowWindows,
} from '../web/lib/timeframe';
import {
  type SqlQuery,
  TREND_SOURCES,
  topTemplatesAllTimeSql,
  topTemplatesWindowSql,
  trendSql,
  wowExportSuccessSql,
  wowPayingUsersSql,
} from './oracles';

/** What the tab shows: its chips, and the instant its hooks compute windows from. */
export type TabState = { timeframe: Timeframe; weeks: WowWeeks; now: number };

export type BenchQuery = {
  /** Unique and stable across runs, e.g. `trend.prompts@30d`. */
  id: string;
  widget: string;
  /** The Cube query the tab sends. */
  query: TypedQuery;
  /** Hand-written SQL over the raw tables giving the same answer. */
  oracle: SqlQuery;
};

export type Widget = {
  id: string;
  title: string;
  phase: 1 | 2;
  /** The queries the widget sends in this tab state (in the order the tab issues them). */
  queries(state: TabState): BenchQuery[];
};

/** The hooks compute every window from the start of the current UTC hour (`useUtcHour`). */
const hourOf = (state: TabState) => startOfUtcHour(state.now);

const topTemplates: Widget = {
  id: 'top_templates',
  title: 'Top templates',
  phase: 1,
  queries(state) {
    const id = `top_templates@${state.timeframe}`;
    if (state.timeframe === 'all') {
      return [
        {
          id,
          widget: this.id,
          query: topTemplatesAllTimeQuery(TOP_TEMPLATES_LIMIT),
          oracle: topTemplatesAllTimeSql(TOP_TEMPLATES_LIMIT),
        },
      ];
    }
    const { dateRange } = timeframeWindow(state.timeframe, hourOf(state));
    return [
      {
        id,
        widget: this.id,
        query: topTemplatesWindowQuery(dateRange, TOP_TEMPLATES_LIMIT),
        oracle: topTemplatesWindowSql(dateRange, TOP_TEMPLATES_LIMIT),
      },
    ];
  },
};

/** The sparkline row: one `TrendWidget` (one query) per metric. */
const trends: Widget[] = TREND_METRICS.map((metric) => ({
  id: `trend.${metric}`,
  title: `Trend: ${TREND_METRIC_SPECS[metric].label}`,
  phase: 1,
  queries(state: TabState): BenchQuery[] {
    const window = timeframeWindow(state.timeframe, hourOf(state));
    const spec = TREND_METRIC_SPECS[metric];
    return [
      {
        id: `trend.${metric}@${state.timeframe}`,
        widget: `trend.${metric}`,
        query: trendQuery(metric, window),
        oracle: trendSql(TREND_SOURCES[metric], window, {
          bucket: `${spec.timeDimension}.${window.granularity}`,
          count: spec.measure,
        }),
      },
    ];
  },
}));

/** The week-over-week cards: one `compareDateRange` query each, independent of the timeframe. */
const wowCards: Widget[] = WOW_METRICS.map((metric) => ({
  id: `wow.${metric}`,
  title: `WoW: ${metric}`,
  phase: 1,
  queries(state: TabState): BenchQuery[] {
    const windows = wowWindows(state.weeks, hourOf(state));
    return [
      {
        id: `wow.${metric}@${state.weeks}w`,
        widget: `wow.${metric}`,
        query: wowQuery(metric, windows),
        oracle:
          metric === 'export_success'
            ? wowExportSuccessSql(windows, WOW_MEMBERS.export_success)
            : wowPayingUsersSql(windows, WOW_MEMBERS.paying_users),
      },
    ];
  },
}));

/** The tab's widgets in the order `AnalyticsDashboard` renders them (sparklines first). */
export const WIDGETS: readonly Widget[] = [...trends, topTemplates, ...wowCards];

/** Every query the tab sends in one state: what the browser fires at once. */
export function tabQueries(state: TabState, widgets: readonly Widget[] = WIDGETS): BenchQuery[] {
  return widgets.flatMap((widget) => widget.queries(state));
}

/** The tab states the bench measures: each timeframe chip, with the default WoW window. */
export function tabStates(now: number, timeframes: readonly Timeframe[] = TIMEFRAMES): TabState[] {
  return timeframes.map((timeframe) => ({ timeframe, weeks: DEFAULT_WOW_WEEKS, now }));
}

/**
 * Every distinct query the tab can send at `now`: each timeframe chip × each WoW window chip
 * (queries that do not depend on a chip appear once).
 */
export function allQueries(
  now: number,
  timeframes: readonly Timeframe[] = TIMEFRAMES,
  weeks: readonly WowWeeks[] = WOW_WEEKS,
  widgets: readonly Widget[] = WIDGETS,
): BenchQuery[] {
  const byId = new Map<string, BenchQuery>();
  for (const timeframe of timeframes) {
    for (const w of weeks) {
      for (const q of tabQueries({ timeframe, weeks: w, now }, widgets)) {
        if (!byId.has(q.id)) byId.set(q.id, q);
      }
    }
  }
  return [...byId.values()];
}
