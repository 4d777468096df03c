/**
 * What the Analytics tab must show, computed by hand-written SQL on the source tables (not
 * through Cube). Windows come from `web/lib/timeframe.ts` (one definition everywhere); the
 * definitions of the numbers are written out here:
 * - leaderboard: template_usage rows per template in the window (`all`: templates.usage_count),
 *   top 10 by count desc, then template id asc;
 * - trends: rows per UTC hour / day / ISO week, zero-filled; `all` starts at the week of the
 *   metric's first row; exports = exports rows, prompts = messages with role 'user',
 *   conversions = paywall_events 'completed_purchase';
 * - WoW: export success = completed ÷ all exports in percent (deltas in points and percent),
 *   paying users = distinct users with a purchase; deltaPct null when previous is 0.
 */

import type { TrendMetric, WowMetric } from '../../web/lib/analytics/schemas';
import {
  type CubeDateRange,
  parseCubeTimestamp,
  type Timeframe,
  timeframeWindow,
  type WowWeeks,
  wowWindows,
} from '../../web/lib/timeframe';
import type { Oracle, OracleRow } from '../support/oracle';

/** A Cube range [start, end] (end inclusive, UTC) as SQL bounds [from, to). */
export function halfOpen(range: CubeDateRange): { from: string; to: string } {
  return {
    from: new Date(parseCubeTimestamp(range[0])).toISOString(),
    to: new Date(parseCubeTimestamp(range[1]) + 1).toISOString(),
  };
}

export type ExpectedRow = { id: string; count: number };

export async function leaderboardOracle(
  db: Oracle,
  timeframe: Timeframe,
  now: number,
): Promise<ExpectedRow[]> {
  if (timeframe === 'all') {
    const rows = await db.sql(
      `SELECT id, usage_count AS n FROM templates ORDER BY usage_count DESC, id ASC LIMIT 10`,
    );
    return rows.map(toExpectedRow);
  }
  const { from, to } = halfOpen(timeframeWindow(timeframe, now).dateRange);
  const rows = await db.sql(
    `SELECT u.template_id AS id, count(*) AS n
       FROM template_usage u
       JOIN templates t ON t.id = u.template_id
      WHERE u.created_at >= $1 AND u.created_at < $2
      GROUP BY u.template_id
      ORDER BY n DESC, id ASC
      LIMIT 10`,
    [from, to],
  );
  return rows.map(toExpectedRow);
}

const toExpectedRow = (row: OracleRow): ExpectedRow => ({
  id: String(row.id),
  count: Number(row.n),
});

const TREND_SOURCES: Record<TrendMetric, string> = {
  exports: `SELECT created_at FROM exports`,
  prompts: `SELECT created_at FROM messages WHERE role = 'user'`,
  paywall: `SELECT created_at FROM paywall_events WHERE event_type = 'completed_purchase'`,
};

export type ExpectedTrend = {
  bucketCount: number;
  total: number;
  granularity: string;
  counts: number[];
};

export async function trendOracle(
  db: Oracle,
  metric: TrendMetric,
  timeframe: Timeframe,
  now: number,
): Promise<ExpectedTrend> {
  const window = timeframeWindow(timeframe, now);
  const { from, to } = halfOpen(window.dateRange);
  const unit = window.granularity;
  // Buckets from the window's start (`all`: the week of the metric's first row) to the bucket
  // holding `now`; each counts the metric's rows in [start, start + 1 unit) within the window.
  const rows = await db.sql(
    `WITH metric AS (
       SELECT created_at FROM (${TREND_SOURCES[metric]}) s
        WHERE created_at >= $1 AND created_at < $2
     ), first_bucket AS (
       SELECT CASE WHEN $4 THEN date_trunc($3, min(created_at)) ELSE $1::timestamptz END AS at
         FROM metric
     )
     SELECT b.start, count(m.created_at) AS n
       FROM first_bucket f
      CROSS JOIN LATERAL generate_series(
               f.at, date_trunc($3, $5::timestamptz), ('1 ' || $3)::interval) AS b(start)
       LEFT JOIN metric m
         ON m.created_at >= b.start AND m.created_at < b.start + ('1 ' || $3)::interval
      GROUP BY b.start
      ORDER BY b.start`,
    [from, to, unit, timeframe === 'all', new Date(now).toISOString()],
  );
  const counts = rows.map((r) => Number(r.n));
  return {
    bucketCount: counts.length,
    total: counts.reduce((a, b) => a + b, 0),
    granularity: unit,
    counts,
  };
}

export type ExpectedWow = {
  current: number | null;
  previous: number | null;
  deltaAbs: number | null;
  deltaPct: number | null;
};

export async function wowOracle(
  db: Oracle,
  metric: WowMetric,
  weeks: WowWeeks,
  now: number,
): Promise<ExpectedWow> {
  const windows = wowWindows(weeks, now);
  const current = halfOpen(windows.current);
  const previous = halfOpen(windows.previous);
  const params = [current.from, current.to, previous.from, previous.to];
  const sql =
    metric === 'export_success'
      ? `WITH w AS (
           SELECT 100.0 * count(*) FILTER (WHERE status = 'completed' AND created_at >= $1)
                    / NULLIF(count(*) FILTER (WHERE created_at >= $1), 0) AS cur,
                  100.0 * count(*) FILTER (WHERE status = 'completed' AND created_at < $4)
                    / NULLIF(count(*) FILTER (WHERE created_at < $4), 0) AS prev
             FROM exports
            WHERE created_at >= $3 AND created_at < $2)
         SELECT cur, prev, cur - prev AS delta_abs, (cur - prev) / NULLIF(prev, 0) * 100 AS delta_pct
           FROM w`
      : `WITH w AS (
           SELECT count(DISTINCT user_id) FILTER (WHERE created_at >= $1) AS cur,
                  count(DISTINCT user_id) FILTER (WHERE created_at < $4) AS prev
             FROM credit_transactions
            WHERE type = 'purchase' AND created_at >= $3 AND created_at < $2)
         SELECT cur, prev, cur - prev AS delta_abs,
                (cur - prev)::numeric / NULLIF(prev, 0) * 100 AS delta_pct
           FROM w`;
  const row = await db.one(sql, params);
  const num = (v: OracleRow[string]) => (v === null ? null : Number(v));
  return {
    current: num(row.cur ?? null),
    previous: num(row.prev ?? null),
    deltaAbs: num(row.delta_abs ?? null),
    deltaPct: num(row.delta_pct ?? null),
  };
}
