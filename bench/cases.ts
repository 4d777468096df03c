/**
 * What the Analytics tab sends, as benchmark cases. Every Cube query comes from the web app's
 * own builders (`web/lib/analytics/queries.ts`) with the windows of `web/lib/timeframe.ts`,
 * exactly as the widgets' hooks call them; each is paired with its raw-SQL oracle.
 *
 * Phase 1 is one entry per widget in `WIDGETS`. The Phase 2 sections come from the query registry
 * (`web/lib/analytics/registry.ts`, `sectionQueries`): every query a section sends at one of its
 * timeframes, each paired with its oracle in `bench/section-oracles.ts`.
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
import { sectionQueries } from '../web/lib/analytics/registry';
import { TREND_METRICS, WOW_METRICS } from '../web/lib/analytics/schemas';
import { SECTION_IDS, SECTIONS, type SectionId } from '../web/lib/analytics/sections';
import type { TypedQuery } from '../web/lib/cube/query';
import {
  DEFAULT_WOW_WEEKS,
  startOfUtcHour,
  TIMEFRAMES,
  type Timeframe,
  timeframeWindow,
  WINDOW_TIMEFRAMES,
  type WindowTimeframe,
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
import { SECTION_ORACLES } from './section-oracles';

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
const hourOf = (state: { now: number }) => startOfUtcHour(state.now);

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

// ---------------------------------------------------------------- Phase 2 sections
/** One section at one of its timeframes: what the browser sends when `?section=&tf=` opens. */
export type SectionState = { section: SectionId; timeframe: WindowTimeframe; now: number };

/**
 * Every query the section sends at once in this state (the registry's list, in render order),
 * with its oracle. Ids read `<section>.<widget>@<timeframe>`, `#<i>` when a widget sends several.
 */
export function sectionBenchQueries(state: SectionState): BenchQuery[] {
  const window = timeframeWindow(state.timeframe, hourOf(state));
  const oracles: Record<string, (w: typeof window) => SqlQuery[]> = SECTION_ORACLES[state.section];
  const sqlByWidget = new Map<string, SqlQuery[]>();
  return sectionQueries(state.section, state.timeframe, hourOf(state)).map((q) => {
    const name = q.widget.slice(state.section.length + 1);
    const oracle = oracles[name];
    if (!oracle) throw new Error(`no SQL oracle for ${q.widget} (bench/section-oracles.ts)`);
    const sql = sqlByWidget.get(name) ?? oracle(window);
    sqlByWidget.set(name, sql);
    const index = Number(/#(\d+)$/.exec(q.name)?.[1] ?? 0);
    const text = sql[index];
    if (!text) throw new Error(`${q.name}: bench/section-oracles.ts has no SQL for query ${index}`);
    const suffix = q.name.includes('#') ? `#${index}` : '';
    return {
      id: `${q.widget}@${state.timeframe}${suffix}`,
      widget: q.widget,
      query: q.query,
      oracle: text,
    };
  });
}

/** Every section at every timeframe it offers (among `timeframes`), in the tab's order. */
export function sectionStates(
  now: number,
  timeframes: readonly WindowTimeframe[] = WINDOW_TIMEFRAMES,
  sections: readonly SectionId[] = SECTION_IDS,
): SectionState[] {
  return sections.flatMap((section) =>
    SECTIONS[section].timeframes
      .filter((timeframe) => timeframes.includes(timeframe))
      .map((timeframe) => ({ section, timeframe, now })),
  );
}
