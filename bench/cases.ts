/**
 * What the Analytics tab sends, as benchmark cases: the tab's own query list
 * (`web/lib/analytics/registry.ts`, built from the widgets' entries in `phase1.ts` and
 * `sections/`) at the windows of `web/lib/timeframe.ts`, exactly as the widgets' hooks send them,
 * each paired with its raw-SQL oracle (`oracles/queries.ts`, keyed by the same widget ids).
 * Ids read `<widget>@<timeframe>` (`@<weeks>w` for week-over-week; `#<i>` when a widget sends
 * several queries).
 */

import { tabQueryOracle } from '../oracles/queries';
import type { SqlQuery } from '../oracles/sql';
import { PHASE1_WIDGETS, type Phase1WidgetId } from '../web/lib/analytics/phase1';
import {
  phase1Queries,
  sectionQueries,
  type TabQuery,
  wowQueries,
} from '../web/lib/analytics/registry';
import { SECTION_IDS, SECTIONS, type SectionId } from '../web/lib/analytics/sections';
import type { TypedQuery } from '../web/lib/cube/query';
import {
  DEFAULT_WOW_WEEKS,
  startOfUtcHour,
  TIMEFRAMES,
  type Timeframe,
  WINDOW_TIMEFRAMES,
  type WindowTimeframe,
  WOW_WEEKS,
  type WowWeeks,
} from '../web/lib/timeframe';

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

/** A registry query as a bench case: `<widget>@<chip>`, with its oracle. */
function benchQuery(q: TabQuery, chip: string, hour: number): BenchQuery {
  const index = /#(\d+)$/.exec(q.name)?.[1];
  return {
    id: `${q.widget}@${chip}${index === undefined ? '' : `#${index}`}`,
    widget: q.widget,
    query: q.query,
    oracle: tabQueryOracle(q, hour),
  };
}

/** Phase 1's widgets (`phase1.ts`), in the order `AnalyticsDashboard` renders them. */
export const WIDGETS: readonly Widget[] = (Object.keys(PHASE1_WIDGETS) as Phase1WidgetId[]).map(
  (id) => ({
    id,
    title: PHASE1_WIDGETS[id].title,
    phase: 1,
    queries(state: TabState): BenchQuery[] {
      const hour = hourOf(state);
      const wow = PHASE1_WIDGETS[id].chip === 'wow';
      const chip = wow ? `${state.weeks}w` : state.timeframe;
      const queries = wow ? wowQueries(state.weeks, hour) : phase1Queries(state.timeframe, hour);
      return queries.filter((q) => q.widget === id).map((q) => benchQuery(q, chip, hour));
    },
  }),
);

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

/** Every query the section sends at once in this state (the registry's list, in render order). */
export function sectionBenchQueries(state: SectionState): BenchQuery[] {
  const hour = hourOf(state);
  return sectionQueries(state.section, state.timeframe, hour).map((q) =>
    benchQuery(q, state.timeframe, hour),
  );
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
