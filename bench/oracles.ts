/**
 * The raw-SQL side of the benchmark: for each query the tab sends, the SQL an analyst would
 * write over the source tables to get the same numbers, using the
 * schema's indexes (`created_at` on every event table, `(event_type, created_at)` on
 * paywall_events, `(template_id)` on template_usage). Columns are named after the Cube members
 * so `answers.ts` can compare the two answers row by row; `result` numbers the date ranges of a
 * week-over-week comparison.
 *
 * Date ranges are Cube's inclusive UTC ranges ('YYYY-MM-DDTHH:mm:ss.SSS', no zone), passed as
 * timestamptz parameters with an explicit `Z`; buckets are UTC (`date_trunc` in UTC, returned as
 * timestamptz so the driver never applies a local zone).
 */
import type { CubeDateRange, Granularity, TimeframeWindow, WowWindows } from '../web/lib/timeframe';

export type SqlQuery = { text: string; values: unknown[] };

/** A Cube UTC timestamp as a timestamptz literal. */
const utc = (cubeTimestamp: string): string => `${cubeTimestamp}Z`;
export const range = ([start, end]: CubeDateRange): [string, string] => [utc(start), utc(end)];

/** `date_trunc` of a timestamptz column in UTC, as a UTC timestamptz. */
export const bucket = (column: string, granularity: Granularity): string =>
  `date_trunc('${granularity}', ${column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;

// ---------------------------------------------------------------- Top templates
/** 24h/7d/30d: uses in the window (index on created_at), the top N joined to their names. */
export function topTemplatesWindowSql(dateRange: CubeDateRange, limit: number): SqlQuery {
  return {
    text: `
      SELECT t.id AS "template_leaderboard.template_id",
             t.name AS "template_leaderboard.template_name",
             t.thumbnail_url AS "template_leaderboard.thumbnail_url",
             u.uses AS "template_leaderboard.uses"
        FROM (SELECT template_id, count(*) AS uses
                FROM template_usage
               WHERE created_at >= $1 AND created_at <= $2
               GROUP BY template_id) u
        JOIN templates t ON t.id = u.template_id
       ORDER BY u.uses DESC, t.id ASC
       LIMIT $3`,
    values: [...range(dateRange), limit],
  };
}

/** `all`: the app's lifetime counter. */
export function topTemplatesAllTimeSql(limit: number): SqlQuery {
  return {
    text: `
      SELECT id AS "template_leaderboard.template_id",
             name AS "template_leaderboard.template_name",
             thumbnail_url AS "template_leaderboard.thumbnail_url",
             usage_count AS "template_leaderboard.lifetime_uses"
        FROM templates
       ORDER BY usage_count DESC, id ASC
       LIMIT $1`,
    values: [limit],
  };
}

// ---------------------------------------------------------------- Trends
export type TrendSource = {
  table: string;
  /** Extra condition on the table's rows (the metric's definition), or null. */
  where: string | null;
};

/** What each sparkline counts: the product's event behind each trend. */
export const TREND_SOURCES = {
  exports: { table: 'exports', where: null },
  prompts: { table: 'messages', where: "role = 'user'" },
  paywall: { table: 'paywall_events', where: "event_type = 'completed_purchase'" },
} as const satisfies Record<string, TrendSource>;

/** Rows per bucket in the window; the columns are the Cube keys the trend query returns. */
export function trendSql(
  source: TrendSource,
  window: TimeframeWindow,
  keys: { bucket: string; count: string },
): SqlQuery {
  return {
    text: `
      SELECT ${bucket('created_at', window.granularity)} AS "${keys.bucket}",
             count(*) AS "${keys.count}"
        FROM ${source.table}
       WHERE created_at >= $1 AND created_at <= $2${source.where ? ` AND ${source.where}` : ''}
       GROUP BY 1
       ORDER BY 1`,
    values: range(window.dateRange),
  };
}

// ---------------------------------------------------------------- Week over week
function twoWindows(windows: WowWindows, select: string, from: string, where: string | null) {
  const filter = where ? ` AND ${where}` : '';
  return {
    text: `
      SELECT 0 AS result, ${select} FROM ${from} WHERE created_at >= $1 AND created_at <= $2${filter}
      UNION ALL
      SELECT 1 AS result, ${select} FROM ${from} WHERE created_at >= $3 AND created_at <= $4${filter}`,
    values: [...range(windows.current), ...range(windows.previous)],
  };
}

/** Export success: completed and all exports created in each window. */
export function wowExportSuccessSql(
  windows: WowWindows,
  keys: { completed: string; all: string },
): SqlQuery {
  return twoWindows(
    windows,
    `count(*) FILTER (WHERE status = 'completed') AS "${keys.completed}", count(*) AS "${keys.all}"`,
    'exports',
    null,
  );
}

/** Paying users: distinct users with a purchase transaction in each window. */
export function wowPayingUsersSql(windows: WowWindows, keys: { payingUsers: string }): SqlQuery {
  return twoWindows(
    windows,
    `count(DISTINCT user_id) AS "${keys.payingUsers}"`,
    'credit_transactions',
    "type = 'purchase'",
  );
}
