/**
 * What every oracle shares: the SQL runner's shape, the two ways a Cube date range becomes SQL
 * bounds, UTC buckets, the arithmetic SQL's NULLIF gives, and what each trend counts. The oracles
 * (`queries.ts`: each tab query's rows; `views.ts`: each view's measures; `pages.ts`: the numbers
 * the page shows) are hand-written SQL on the source tables, written from the source schema's
 * definitions and never from the model's SQL, so a model mistake cannot hide in both.
 *
 * This folder sits under both `tests/` and `bench/` (both import it; it imports neither), and
 * above `web/lib` (it reads the tab's ids, windows and limits from there).
 */

import type { TrendMetric } from '../web/lib/analytics/schemas';
import {
  type CubeDateRange,
  type Granularity,
  parseCubeTimestamp,
  toCubeTimestamp,
} from '../web/lib/timeframe';

export type SqlQuery = { text: string; values: unknown[] };

/** One row of an oracle query: numeric columns as numbers, timestamps as ISO strings. */
export type OracleRow = Record<string, number | string | boolean | null>;

/** Runs oracle SQL on the seeded database (`tests/support/oracle.ts` makes one). */
export interface Oracle {
  /** Runs one statement; numeric-looking columns of type numeric/bigint/float become numbers. */
  sql(text: string, params?: readonly unknown[]): Promise<OracleRow[]>;
  /** The single row of a statement that returns exactly one. */
  one(text: string, params?: readonly unknown[]): Promise<OracleRow>;
  end(): Promise<void>;
}

/**
 * A Cube date range as Cube sends it to SQL: both ends inclusive ('YYYY-MM-DDTHH:mm:ss.SSS', no
 * zone, UTC), as timestamptz literals with an explicit `Z`. The tab-query oracles use this, so
 * their WHERE clause is the one Cube runs.
 */
export const range = ([start, end]: CubeDateRange): [string, string] => [`${start}Z`, `${end}Z`];

/** A Cube date range [start, end] (end inclusive, ms) as the half-open SQL interval [from, to). */
export interface SqlWindow {
  readonly from: string;
  readonly to: string;
}

export function sqlWindow(dateRange: CubeDateRange): SqlWindow {
  return {
    from: `${dateRange[0]}Z`,
    to: `${toCubeTimestamp(parseCubeTimestamp(dateRange[1]) + 1)}Z`,
  };
}

/** `date_trunc` of a timestamptz column in UTC, as a UTC timestamptz. */
export const bucket = (column: string, granularity: Granularity): string =>
  `date_trunc('${granularity}', ${column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;

/** `a / b`, or null when b is 0 or null (what NULLIF gives). */
export function ratio(a: number | null, b: number | null): number | null {
  if (b === null || b === 0) return null;
  return (a ?? 0) / b;
}

/** PERCENTILE_CONT(p) of the values (continuous, linear interpolation); null when empty. */
export function percentileCont(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const lo = sorted[lower] as number;
  const hi = sorted[upper] as number;
  return lo + (hi - lo) * (position - lower);
}

// ---------------------------------------------------------------- Trends
export type TrendSource = {
  table: string;
  /** Extra condition on the table's rows (the metric's definition), or null. */
  where: string | null;
};

/**
 * What each sparkline counts: exports = exports rows, prompts = messages with role 'user',
 * conversions = paywall_events 'completed_purchase' (by `created_at`).
 */
export const TREND_SOURCES = {
  exports: { table: 'exports', where: null },
  prompts: { table: 'messages', where: "role = 'user'" },
  paywall: { table: 'paywall_events', where: "event_type = 'completed_purchase'" },
} as const satisfies Record<TrendMetric, TrendSource>;

/** The trend's rows as `SELECT created_at AS <alias> FROM …` (every row, no window). */
export function trendRows(source: TrendSource, alias = 'created_at'): string {
  return `SELECT created_at AS ${alias} FROM ${source.table}${source.where ? ` WHERE ${source.where}` : ''}`;
}
