/**
 * The shape of a Phase 2 section: its timeframes and its widgets, each widget being the Cube
 * queries it sends for a window, and how their answers become the widget's data (checked by a
 * zod schema). Hooks, the registry of tab queries, fixtures, tests and the bench all read these.
 * A widget's id is `<section>.<widget>` everywhere: its SQL oracles are under that id in
 * `oracles/queries.ts` and (test id `widget-<section>-<widget>`) `oracles/pages.ts`; its hook is
 * the section's in `definitions.ts` (`SECTION_ROUTES`), its table `sections/tables.ts`, its chart
 * `web/embed/tab/sections/`. Phase 1's widgets (`phase1.ts`) have the same shape.
 */
import type { z } from 'zod';
import type { TypedQuery } from '../../cube/query';
import type { LoadResponse } from '../../cube/response';
import type { TimeframeWindow, WindowTimeframe } from '../../timeframe';

export interface WidgetQuery {
  readonly query: TypedQuery;
  /** Why this query runs on the source tables instead of a rollup (absent: it must hit one). */
  readonly deliberatelyRaw?: string;
}

/** One widget: the queries it sends for a window and how their answers become its data. */
export interface SectionWidget<O extends z.ZodType = z.ZodType, W = TimeframeWindow> {
  readonly output: O;
  /** The queries the widget sends for a window (sent in parallel). */
  readonly queries: (window: W) => readonly WidgetQuery[];
  /** The answers, in `queries` order, → the widget's data (validated with `output`). */
  readonly parse: (responses: readonly LoadResponse[], window: W) => z.input<O>;
  /**
   * A widget that draws a series over time: which of its queries answers it and the bucket
   * starts (UTC ms) it has data in. At `all` every such series starts at the earliest of them
   * all (`allTime.ts`), so the page's all-time charts share their weeks.
   */
  readonly series?: TimeSeriesSpec<W>;
}

export interface TimeSeriesSpec<W = TimeframeWindow> {
  /** Index in `queries` of the query with the series' time dimension at the window's granularity. */
  readonly query: number;
  /** The bucket starts the series has a value in (a count ≠ 0, a share that is not null). */
  readonly dataBuckets: (response: LoadResponse, window: W) => number[];
}

export interface Section<
  Id extends string = string,
  W extends Record<string, SectionWidget> = Record<string, SectionWidget>,
> {
  readonly id: Id;
  readonly label: string;
  /** The question this section answers (the section's description). */
  readonly question: string;
  readonly timeframes: readonly [WindowTimeframe, ...WindowTimeframe[]];
  readonly defaultTimeframe: WindowTimeframe;
  readonly widgets: W;
}

export function defineSection<const Id extends string, W extends Record<string, SectionWidget>>(
  section: Section<Id, W>,
): Section<Id, W> {
  return section;
}

/** Keeps each widget's own output type (a `satisfies` in a record would widen it). */
export function widget<O extends z.ZodType>(spec: SectionWidget<O>): SectionWidget<O> {
  return spec;
}

export type WidgetData<W extends SectionWidget> = z.output<W['output']>;

// ---------------------------------------------------------------- deliberately raw queries
export const DISTINCT_OVER_WINDOW =
  'Distinct users over a moving window are not additive: no rollup grain equals the window, so ' +
  'it runs on the source table (segment: only the rows counted) through its (type/role, created_at) ' +
  'index. `all` is served by a lifetime rollup.';
export const PERCENTILE_OVER_WINDOW =
  'A percentile over a moving window is not additive: no rollup grain equals the window, so it ' +
  'runs on api_usage_metrics through its (created_at) index. `all` is served by a lifetime rollup.';
export const MEDIAN_OVER_WINDOW =
  'The median gap between releases over a moving window is not additive; changelog_entries holds ' +
  'one row per release (hundreds), so the source query is as fast as a rollup. `all` is served by a lifetime rollup.';
export const DISTINCT_WOW =
  'Week-over-week paying users: distinct users over two moving 7·N-day windows are not additive, ' +
  'so they run on credit_transactions (purchases only) through its (type, created_at) index.';

/**
 * A non-additive query: on a moving window it runs raw, with `rawSegments` (a WHERE clause that
 * lets Postgres use a (type, created_at)-style index; the measures filter the same rows anyway);
 * `all` asks without a time filter (every row), which a rollup without a time dimension answers.
 */
export function nonAdditive<const Q extends Omit<TypedQuery, 'timeDimensions'>>(
  window: TimeframeWindow,
  dimension: NonNullable<TypedQuery['timeDimensions']>[number]['dimension'],
  reason: string,
  query: Q,
  rawSegments: NonNullable<TypedQuery['segments']> = [],
): WidgetQuery {
  if (window.timeframe === 'all') return { query };
  return {
    query: {
      ...query,
      ...(rawSegments.length > 0 ? { segments: rawSegments } : {}),
      timeDimensions: [{ dimension, dateRange: window.dateRange }],
    },
    deliberatelyRaw: reason,
  };
}
