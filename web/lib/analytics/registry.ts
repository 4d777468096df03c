/**
 * The registry of every query the Admin → Analytics tab sends: Phase 1's row and the six Phase 2
 * sections, at every timeframe each offers (and every week-over-week span), with the reason for
 * each query that deliberately runs on the source tables. The web app's hooks build their queries
 * from the same builders; the model coverage test, the e2e checks, the fixture recorder and the
 * bench read this list, so what is tested and measured is what the tab sends. At `all`, a widget
 * that draws a series over time also sends the other series' weekly queries (the page's first
 * week is read from them, `allTime.ts`): those are listed under their own widgets, `pageStart`.
 */
import type { TypedQuery } from '../cube/query';
import {
  TIMEFRAMES,
  type Timeframe,
  timeframeWindow,
  WINDOW_TIMEFRAMES,
  type WindowTimeframe,
  WOW_WEEKS,
  type WowWeeks,
  wowWindows,
} from '../timeframe';
import { PHASE1_WIDGETS, type Phase1WidgetId } from './phase1';
import { SECTIONS, type SectionId } from './sections';
import type { SectionWidget, WidgetQuery } from './sections/define';

export type TabTimeframe = WindowTimeframe | `wow-${WowWeeks}w`;

export interface TabQuery {
  /** `<widget>/<timeframe>` (`#<i>` when a widget sends several queries), unique. */
  readonly name: string;
  /** Phase 1 widget id (`phase1.ts`), or `<section>.<widget>`. */
  readonly widget: string;
  readonly phase: 1 | 2;
  readonly section: SectionId | null;
  readonly timeframe: TabTimeframe;
  readonly query: TypedQuery;
  /** Why this query runs on the source tables instead of a rollup (absent: it must hit one). */
  readonly deliberatelyRaw?: string;
  /**
   * A series' weekly query at `all`: the page's first all-time week is read from it (`allTime.ts`),
   * so every widget that draws a series at `all` sends it, whichever part of the page it is in.
   */
  readonly pageStart?: true;
}

function entry(
  base: Omit<TabQuery, 'name' | 'query' | 'deliberatelyRaw' | 'pageStart'>,
  built: WidgetQuery,
  name: string,
  pageStart: boolean,
): TabQuery {
  return {
    ...base,
    name,
    query: built.query,
    ...(built.deliberatelyRaw ? { deliberatelyRaw: built.deliberatelyRaw } : {}),
    ...(pageStart ? { pageStart: true } : {}),
  };
}

/** Whether query `index` of a widget at `timeframe` is its series' query at `all`. */
const readsPageStart = (spec: { series?: { query: number } }, timeframe: string, index: number) =>
  timeframe === 'all' && spec.series?.query === index;

/** Phase 1's queries for one chip value: each widget's `queries` (null: another chip drives it). */
function phase1At(
  timeframe: TabTimeframe,
  label: string,
  queriesOf: (spec: (typeof PHASE1_WIDGETS)[Phase1WidgetId]) => readonly WidgetQuery[] | null,
): TabQuery[] {
  return Object.entries(PHASE1_WIDGETS).flatMap(([widget, spec]) =>
    (queriesOf(spec) ?? []).map((q, i) =>
      entry(
        { widget, phase: 1, section: null, timeframe },
        q,
        `${widget}/${label}`,
        readsPageStart(spec, timeframe, i),
      ),
    ),
  );
}

/** Phase 1's queries at one timeframe (what its row sends for `?tf=`). */
export function phase1Queries(timeframe: Timeframe, now: Date | number): TabQuery[] {
  const window = timeframeWindow(timeframe, now);
  return phase1At(timeframe, timeframe, (spec) =>
    spec.chip === 'timeframe' ? spec.queries(window) : null,
  );
}

/** Phase 1's week-over-week cards at one span. */
export function wowQueries(weeks: WowWeeks, now: Date | number): TabQuery[] {
  const windows = wowWindows(weeks, now);
  return phase1At(`wow-${weeks}w`, `${weeks}w`, (spec) =>
    spec.chip === 'wow' ? spec.queries(windows) : null,
  );
}

/** Every query one section sends at one timeframe, widget by widget, in render order. */
export function sectionQueries(
  section: SectionId,
  timeframe: WindowTimeframe,
  now: Date | number,
): TabQuery[] {
  const window = timeframeWindow(timeframe, now);
  const list: TabQuery[] = [];
  const widgets: Record<string, SectionWidget> = SECTIONS[section].widgets;
  for (const [name, spec] of Object.entries(widgets)) {
    const built = spec.queries(window);
    built.forEach((b, i) => {
      const widget = `${section}.${name}`;
      list.push(
        entry(
          { widget, phase: 2, section, timeframe },
          b,
          `${widget}/${timeframe}${built.length > 1 ? `#${i}` : ''}`,
          readsPageStart(spec, timeframe, i),
        ),
      );
    });
  }
  return list;
}

/** Every query the tab sends at `now`: every timeframe of every widget, every WoW span. */
export function tabQueries(now: Date | number): TabQuery[] {
  const list: TabQuery[] = [];
  for (const timeframe of TIMEFRAMES) list.push(...phase1Queries(timeframe, now));
  for (const weeks of WOW_WEEKS) list.push(...wowQueries(weeks, now));
  for (const [id, section] of Object.entries(SECTIONS) as [
    SectionId,
    (typeof SECTIONS)[SectionId],
  ][]) {
    for (const timeframe of WINDOW_TIMEFRAMES.filter((tf) => section.timeframes.includes(tf))) {
      list.push(...sectionQueries(id, timeframe, now));
    }
  }
  return list;
}
