/**
 * The page's oracle: what the Analytics tab must show, from hand-written SQL on the source tables
 * (not through Cube), for the e2e checks of the rendered page (`tests/e2e/phase1-view.ts`,
 * `section-view.ts`) and the MCP tools. Windows come from web/lib/timeframe.ts.
 *
 * Phase 1 (the overview row):
 * - leaderboard: template_usage rows per template in the window (`all`: templates.usage_count),
 *   top 10 by count desc, then template id asc;
 * - trends: rows per UTC hour / day / ISO week, zero-filled; `all` starts at the page's first
 *   week (`allTimeStartOracle`), whichever series has data then; what each trend counts:
 *   `TREND_SOURCES` (sql.ts);
 * - WoW: export success = completed ÷ all exports in percent (deltas in points and percent),
 *   paying users = distinct users with a purchase; deltaPct null when previous is 0.
 *
 * Phase 2 sections: per widget (keyed by its test id, `widget-<section>-<widget>`; a section widget
 * without its expectation does not compile), whether it is empty and every number it shows,
 * keyed by the `data-metric` its <Num> carries. Totals come from the views' oracle (`views.ts`);
 * breakdowns, rankings and buckets are written out here.
 */

import type { TrendMetric, WowMetric } from '../web/lib/analytics/schemas';
import type { SECTIONS, SectionId } from '../web/lib/analytics/sections';
import { TOP_ERRORS_LIMIT } from '../web/lib/analytics/sections/exports';
import { HOTSPOTS_LIMIT, TOP_TOOLS_LIMIT } from '../web/lib/analytics/sections/llm';
import {
  type Granularity,
  type Timeframe,
  timeframeWindow,
  WEEK_MS,
  type WindowTimeframe,
  type WowWeeks,
  wowWindows,
} from '../web/lib/timeframe';
import {
  bucket,
  type Oracle,
  type OracleRow,
  percentileCont,
  ratio,
  type SqlWindow,
  sqlWindow,
  TREND_SOURCES,
  trendRows,
} from './sql';
import { VIEW_ORACLES } from './views';

// ---------------------------------------------------------------- Phase 1
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
  const { from, to } = sqlWindow(timeframeWindow(timeframe, now).dateRange);
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

/**
 * The week (UTC ms, a Monday) every all-time chart of the page starts at: the earliest ISO week in
 * which any series over time has a value: an export, a user prompt, a completed purchase (the
 * three trends), render time of an export that reached finalizing (a finalizing share: its
 * denominator is not 0), credits purchased or used. Null when there is none.
 */
export async function allTimeStartOracle(db: Oracle, now: number): Promise<number | null> {
  const { from, to } = sqlWindow(timeframeWindow('all', now).dateRange);
  const row = await db.one(
    `WITH firsts AS (
       SELECT min(created_at) AS at FROM (${trendRows(TREND_SOURCES.exports)}) e
       UNION ALL SELECT min(created_at) FROM (${trendRows(TREND_SOURCES.prompts)}) p
       UNION ALL SELECT min(created_at) FROM (${trendRows(TREND_SOURCES.paywall)}) c
       UNION ALL SELECT min(a.created_at) FROM export_analytics a
                  WHERE a.event IN ('progress', 'finalizing') AND a.duration_ms > 0
                    AND EXISTS (SELECT 1 FROM export_analytics f
                                 WHERE f.export_id = a.export_id AND f.event = 'finalizing')
       UNION ALL SELECT min(created_at) FROM credit_transactions
                  WHERE type IN ('purchase', 'usage') AND amount <> 0
     )
     SELECT extract(epoch FROM ${bucket('min(at)', 'week')}) * 1000 AS week
       FROM firsts WHERE at >= $1 AND at < $2`,
    [from, to],
  );
  return row.week === null || row.week === undefined ? null : Number(row.week);
}

/** Buckets a chart of the window shows: fixed windows their count, `all` the page's weeks. */
async function bucketCountOracle(
  db: Oracle,
  timeframe: WindowTimeframe,
  now: number,
): Promise<number> {
  const window = timeframeWindow(timeframe, now);
  if (window.bucketCount !== null) return window.bucketCount;
  const first = await allTimeStartOracle(db, now);
  return first === null ? 0 : Math.round((window.lastBucketStart - first) / WEEK_MS) + 1;
}

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
  const { from, to } = sqlWindow(window.dateRange);
  const unit = window.granularity;
  // `all` starts at the page's first week, whichever series has data then (none: no buckets).
  const first = timeframe === 'all' ? await allTimeStartOracle(db, now) : Date.parse(from);
  if (first === null) return { bucketCount: 0, total: 0, granularity: unit, counts: [] };
  // Buckets from the first to the bucket holding `now`; each counts the metric's rows in
  // [start, start + 1 unit) within the window.
  const rows = await db.sql(
    `WITH metric AS (
       SELECT created_at FROM (${trendRows(TREND_SOURCES[metric])}) s
        WHERE created_at >= $1 AND created_at < $2
     )
     SELECT b.start, count(m.created_at) AS n
       FROM generate_series(
              $4::timestamptz, date_trunc($3, $5::timestamptz), ('1 ' || $3)::interval) AS b(start)
       LEFT JOIN metric m
         ON m.created_at >= b.start AND m.created_at < b.start + ('1 ' || $3)::interval
      GROUP BY b.start
      ORDER BY b.start`,
    [from, to, unit, new Date(first).toISOString(), new Date(now).toISOString()],
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
  const current = sqlWindow(windows.current);
  const previous = sqlWindow(windows.previous);
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

// ---------------------------------------------------------------- Phase 2 sections

export type Values = Record<string, number | null>;
export interface WidgetExpectation {
  readonly empty: boolean;
  /** Every number the widget shows when it is not empty, by data-metric. */
  readonly values: Values;
  /** Extra data attributes to check (e.g. the number of chart buckets). */
  readonly buckets?: number;
}
export type SectionExpectation = Record<string, WidgetExpectation>;
/** A section's expectations: one per widget, by test id. */
type PageOf<S extends SectionId> = {
  readonly [W in keyof (typeof SECTIONS)[S]['widgets'] &
    string as `widget-${S}-${W}`]: WidgetExpectation;
};

const n = (row: OracleRow | undefined, key: string): number => Number(row?.[key] ?? 0);

async function family(db: Oracle, name: string, w: SqlWindow) {
  const f = VIEW_ORACLES.find((o) => o.name === name);
  if (!f) throw new Error(`no view oracle ${name}`);
  return f.expected(db, w);
}

type Builder<S extends SectionId> = (
  db: Oracle,
  w: SqlWindow,
  timeframe: WindowTimeframe,
  now: number,
) => Promise<PageOf<S>>;

const releases: Builder<'releases'> = async (db, w) => {
  const list = await db.sql(
    `SELECT id::text AS id, view_count FROM changelog_entries
      WHERE status = 'published' AND published_at >= $1 AND published_at < $2
      ORDER BY date_trunc('day', published_at) DESC, id DESC`,
    [w.from, w.to],
  );
  const r = await family(db, 'releases', w);
  const published = r['releases.published_entries'] ?? 0;
  return {
    'widget-releases-list': {
      empty: list.length === 0,
      values: Object.fromEntries(
        list.map((row) => [`releases.list.${row.id}.views`, n(row, 'view_count')]),
      ),
    },
    'widget-releases-cadence': {
      empty: r['releases.median_days_between_releases'] === null,
      values: { 'releases.cadence.medianDays': r['releases.median_days_between_releases'] ?? null },
    },
    'widget-releases-coverage': {
      empty: published === 0,
      values: {
        'releases.coverage.video': r['releases.video_coverage'] ?? null,
        'releases.coverage.thumbnail': r['releases.thumbnail_coverage'] ?? null,
        'releases.coverage.both': r['releases.full_media_coverage'] ?? null,
      },
    },
  };
};

const exportsBuilder: Builder<'exports'> = async (db, w, timeframe, now) => {
  const t = await family(db, 'exports_overview', w);
  const formats = await db.sql(
    `SELECT format, count(*) AS n FROM exports WHERE created_at >= $1 AND created_at < $2
      GROUP BY format ORDER BY format`,
    [w.from, w.to],
  );
  const total = formats.reduce((s, f) => s + n(f, 'n'), 0);
  const failures = await db.one(
    `SELECT count(*) AS n FROM export_analytics
      WHERE event = 'failed' AND created_at >= $1 AND created_at < $2`,
    [w.from, w.to],
  );
  const top = await db.sql(
    `SELECT error_message, count(*) AS n FROM export_analytics
      WHERE event = 'failed' AND error_message IS NOT NULL AND created_at >= $1 AND created_at < $2
      GROUP BY error_message ORDER BY n DESC, error_message ASC LIMIT ${TOP_ERRORS_LIMIT}`,
    [w.from, w.to],
  );
  const failed = n(failures, 'n');
  const exportsCount = t['exports_overview.exports'] ?? 0;
  const reliability = await exportReliability(
    db,
    w,
    timeframeWindow(timeframe, now).granularity,
    await bucketCountOracle(db, timeframe, now),
  );
  return {
    'widget-exports-totals': {
      empty: exportsCount === 0,
      values: {
        'exports.totals.exports': exportsCount,
        'exports.totals.successRate': t['exports_overview.success_rate'] ?? null,
        'exports.totals.avgRenderSeconds': t['exports_overview.avg_render_seconds'] ?? null,
        'exports.totals.videoMinutes': t['exports_overview.total_video_minutes'] ?? null,
      },
    },
    'widget-exports-formats': {
      empty: total === 0,
      values: Object.fromEntries(
        formats.flatMap((f) => [
          [`exports.formats.${f.format}.exports`, n(f, 'n')],
          [`exports.formats.${f.format}.share`, ratio(n(f, 'n'), total)],
        ]),
      ),
    },
    'widget-exports-errors': {
      empty: top.length === 0,
      values: {
        'exports.errors.failures': failed,
        ...Object.fromEntries(
          top.flatMap((e, i) => [
            [`exports.errors.${i}.count`, n(e, 'n')],
            [`exports.errors.${i}.share`, ratio(n(e, 'n'), failed)],
          ]),
        ),
      },
    },
    ...reliability,
  };
};

/** The export reliability widgets (definitions: model/README.md, "Export reliability"). */
async function exportReliability(
  db: Oracle,
  w: SqlWindow,
  granularity: Granularity,
  /** Buckets of the trend chart: every bucket of the window, gaps where there is no share. */
  buckets: number,
) {
  const inWindow = 'a.created_at >= $1 AND a.created_at < $2';
  const phases = await db.sql(
    `SELECT event,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS median,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
       FROM export_analytics a
      WHERE event IN ('started', 'progress', 'finalizing') AND ${inWindow}
      GROUP BY event`,
    [w.from, w.to],
  );
  const timed = phases.filter((p) => p.median !== null);
  // Finalizing time, and progress + finalizing time of exports that have a finalizing event.
  const sums = `coalesce(sum(a.duration_ms) FILTER (WHERE a.event = 'finalizing'), 0) AS fin,
      sum(a.duration_ms) FILTER (WHERE a.event IN ('progress', 'finalizing') AND EXISTS (
        SELECT 1 FROM export_analytics f WHERE f.export_id = a.export_id AND f.event = 'finalizing')) AS render`;
  const total = await db.one(`SELECT ${sums} FROM export_analytics a WHERE ${inWindow}`, [
    w.from,
    w.to,
  ]);
  const byFormat = await db.sql(
    `SELECT e.format, ${sums} FROM export_analytics a JOIN exports e ON e.id = a.export_id
      WHERE ${inWindow} GROUP BY e.format`,
    [w.from, w.to],
  );
  const trend = await db.sql(
    `SELECT date_trunc('${granularity}', a.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS at, ${sums}
       FROM export_analytics a WHERE ${inWindow} GROUP BY 1`,
    [w.from, w.to],
  );
  const share = (row: OracleRow) =>
    ratio(n(row, 'fin'), row.render === null ? null : n(row, 'render'));
  const failedIn = await db.sql(
    `SELECT coalesce((SELECT p.event FROM export_analytics p
                       WHERE p.export_id = a.export_id AND p.event <> 'failed'
                         AND (p.created_at, p.id) < (a.created_at, a.id)
                       ORDER BY p.created_at DESC, p.id DESC LIMIT 1), 'none') AS phase, count(*) AS n
       FROM export_analytics a WHERE a.event = 'failed' AND ${inWindow} GROUP BY 1`,
    [w.from, w.to],
  );
  const failures = failedIn.reduce((sum, r) => sum + n(r, 'n'), 0);
  const stuck = await db.sql(
    `SELECT a.event AS phase, count(*) AS n
       FROM export_analytics a JOIN exports e ON e.id = a.export_id
      WHERE e.status IN ('pending', 'rendering') AND a.event IN ('started', 'progress', 'finalizing')
        AND a.created_at < date_trunc('hour', now()) - interval '1 hour'
        AND NOT EXISTS (SELECT 1 FROM export_analytics l WHERE l.export_id = a.export_id
                         AND (l.created_at, l.id) > (a.created_at, a.id))
        AND a.created_at < $1
      GROUP BY 1`,
    [w.to],
  );
  const stuckTotal = stuck.reduce((sum, r) => sum + n(r, 'n'), 0);
  const M = 'exports';
  return {
    'widget-exports-phases': {
      empty: timed.length === 0,
      values: Object.fromEntries(
        timed.flatMap((p) => [
          [`${M}.phases.${p.event}.medianMs`, n(p, 'median')],
          [`${M}.phases.${p.event}.p95Ms`, n(p, 'p95')],
        ]),
      ),
    },
    'widget-exports-finalizing': {
      empty: share(total) === null,
      buckets,
      values: {
        [`${M}.finalizing.share`]: share(total),
        [`${M}.finalizing.finalizingSeconds`]: n(total, 'fin') / 1000,
        [`${M}.finalizing.renderSeconds`]: n(total, 'render') / 1000,
        ...Object.fromEntries(
          byFormat
            .filter((f) => share(f) !== null)
            .flatMap((f) => [
              [`${M}.finalizing.${f.format}.share`, share(f)],
              [`${M}.finalizing.${f.format}.finalizingSeconds`, n(f, 'fin') / 1000],
              [`${M}.finalizing.${f.format}.renderSeconds`, n(f, 'render') / 1000],
            ]),
        ),
        ...Object.fromEntries(
          trend
            .filter((b) => share(b) !== null)
            .map((b) => [
              `${M}.finalizing.trend.${new Date(String(b.at)).toISOString()}`,
              share(b),
            ]),
        ),
      },
    },
    'widget-exports-failedIn': {
      empty: failures === 0,
      values: Object.fromEntries(
        failedIn.flatMap((r) => [
          [`${M}.failedIn.${r.phase}.failures`, n(r, 'n')],
          [`${M}.failedIn.${r.phase}.share`, ratio(n(r, 'n'), failures)],
        ]),
      ),
    },
    'widget-exports-stuck': {
      empty: stuckTotal === 0,
      values: {
        [`${M}.stuck.total`]: stuckTotal,
        ...Object.fromEntries(stuck.map((r) => [`${M}.stuck.${r.phase}.exports`, n(r, 'n')])),
      },
    },
  };
}

const engagement: Builder<'engagement'> = async (db, w) => {
  const p = await family(db, 'engagement (prompts)', w);
  const it = await family(db, 'engagement (iterations)', w);
  const s = await family(db, 'engagement (iterations to success)', w);
  const f = await family(db, 'engagement (time to first scene)', w);
  const kinds = ['structural', 'creative', 'surgical'] as const;
  return {
    'widget-engagement-prompts': {
      empty: (p['engagement.prompts'] ?? 0) === 0,
      values: {
        'engagement.prompts.perUser': p['engagement.prompts_per_active_user'] ?? null,
        'engagement.prompts.prompts': p['engagement.prompts'] ?? null,
        'engagement.prompts.activeUsers': p['engagement.active_users'] ?? null,
      },
    },
    'widget-engagement-iterations': {
      empty: (s['engagement.succeeded_scenes'] ?? 0) === 0,
      values: {
        'engagement.iterations.average': s['engagement.avg_iterations_to_success'] ?? null,
        'engagement.iterations.scenes': s['engagement.succeeded_scenes'] ?? null,
      },
    },
    'widget-engagement-editMix': {
      empty: (it['engagement.edits'] ?? 0) === 0,
      values: Object.fromEntries(
        kinds.flatMap((k) => [
          [`engagement.editMix.${k}.count`, it[`engagement.${k}_edits`] ?? null],
          [`engagement.editMix.${k}.share`, it[`engagement.${k}_share`] ?? null],
        ]),
      ),
    },
    'widget-engagement-firstScene': {
      empty: (f['engagement.projects_with_first_scene'] ?? 0) === 0,
      values: {
        'engagement.firstScene.averageMinutes': f['engagement.avg_minutes_to_first_scene'] ?? null,
        'engagement.firstScene.projects': f['engagement.projects_with_first_scene'] ?? null,
      },
    },
  };
};

const monetization: Builder<'monetization'> = async (db, w, timeframe, now) => {
  const p = await family(db, 'paywall_funnel', w);
  const c = await family(db, 'credits', w);
  const counts = {
    viewed: p['paywall_funnel.views'] ?? 0,
    clicked: p['paywall_funnel.package_clicks'] ?? 0,
    checkout: p['paywall_funnel.checkouts'] ?? 0,
    completed: p['paywall_funnel.conversions'] ?? 0,
  };
  const rates = {
    viewed: null,
    clicked: p['paywall_funnel.view_to_click_rate'] ?? null,
    checkout: p['paywall_funnel.click_to_checkout_rate'] ?? null,
    completed: p['paywall_funnel.checkout_to_conversion_rate'] ?? null,
  };
  const purchased = c['credits.credits_purchased'] ?? 0;
  const used = c['credits.credits_used'] ?? 0;
  const buckets = await bucketCountOracle(db, timeframe, now);
  return {
    'widget-monetization-funnel': {
      empty: Object.values(counts).every((v) => v === 0),
      values: Object.fromEntries(
        (Object.keys(counts) as (keyof typeof counts)[]).flatMap((step) => {
          const rate = rates[step];
          return [
            [`monetization.funnel.${step}.count`, counts[step]],
            [`monetization.funnel.${step}.conversion`, rate],
            [`monetization.funnel.${step}.dropOff`, rate === null ? null : 1 - rate],
          ];
        }),
      ),
    },
    'widget-monetization-credits': {
      empty: purchased === 0 && used === 0,
      values: {
        'monetization.credits.totalPurchased': purchased,
        'monetization.credits.totalUsed': used,
      },
      buckets,
    },
  };
};

const llm: Builder<'llm'> = async (db, w) => {
  const t = await family(db, 'llm_usage', w);
  const params = [w.from, w.to];
  const models = await db.sql(
    `SELECT provider, model, count(*) AS calls, sum(input_tokens) AS input, sum(output_tokens) AS output
       FROM api_usage_metrics WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2`,
    params,
  );
  const latency = await db.sql(
    `SELECT provider, count(*) AS calls, sum(response_time_ms) AS ms,
            array_agg(response_time_ms) AS all_ms
       FROM api_usage_metrics WHERE created_at >= $1 AND created_at < $2 GROUP BY 1`,
    params,
  );
  const tools = await db.sql(
    `SELECT tool_name, count(*) AS calls, count(*) FILTER (WHERE NOT success) AS errors
       FROM api_usage_metrics
      WHERE tool_name IS NOT NULL AND created_at >= $1 AND created_at < $2
      GROUP BY 1 ORDER BY calls DESC, tool_name ASC LIMIT ${TOP_TOOLS_LIMIT}`,
    params,
  );
  const hotspots = await db.sql(
    `SELECT tool_name, error_type, count(*) FILTER (WHERE NOT success) AS errors
       FROM api_usage_metrics
      WHERE error_type IS NOT NULL AND created_at >= $1 AND created_at < $2
      GROUP BY 1, 2 ORDER BY errors DESC, tool_name ASC, error_type ASC LIMIT ${HOTSPOTS_LIMIT}`,
    params,
  );
  const hot = hotspots.filter((h) => n(h, 'errors') > 0);
  const calls = t['llm_usage.calls'] ?? 0;
  return {
    'widget-llm-summary': {
      empty: calls === 0,
      values: {
        'llm.summary.calls': calls,
        'llm.summary.totalTokens': t['llm_usage.total_tokens'] ?? null,
        'llm.summary.successRate': t['llm_usage.success_rate'] ?? null,
        'llm.summary.errorRate': t['llm_usage.error_rate'] ?? null,
      },
    },
    'widget-llm-models': {
      empty: models.length === 0,
      values: Object.fromEntries(
        models.flatMap((m) => {
          const key = `llm.models.${m.provider}/${m.model}`;
          return [
            [`${key}.inputTokens`, n(m, 'input')],
            [`${key}.outputTokens`, n(m, 'output')],
            [`${key}.totalTokens`, n(m, 'input') + n(m, 'output')],
          ];
        }),
      ),
    },
    'widget-llm-latency': {
      empty: latency.length === 0,
      values: Object.fromEntries(
        latency.flatMap((l) => {
          const all = (l.all_ms as unknown as (number | null)[]).filter((v) => v !== null);
          return [
            [`llm.latency.${l.provider}.avgMs`, ratio(n(l, 'ms'), n(l, 'calls'))],
            [`llm.latency.${l.provider}.p95Ms`, percentileCont(all.map(Number), 0.95)],
          ];
        }),
      ),
    },
    'widget-llm-tools': {
      empty: tools.length === 0,
      values: Object.fromEntries(
        tools.flatMap((r) => [
          [`llm.tools.${r.tool_name}.calls`, n(r, 'calls')],
          [`llm.tools.${r.tool_name}.errors`, n(r, 'errors')],
          [`llm.tools.${r.tool_name}.errorRate`, ratio(n(r, 'errors'), n(r, 'calls'))],
        ]),
      ),
    },
    'widget-llm-hotspots': {
      empty: hot.length === 0,
      values: Object.fromEntries(
        hot.map((h) => [
          `llm.hotspots.${h.tool_name ?? '(no tool)'}/${h.error_type}.errors`,
          n(h, 'errors'),
        ]),
      ),
    },
  };
};

const assets: Builder<'assets'> = async (db, w) => {
  const a = await family(db, 'assets', w);
  const uploads = `SELECT memory_value->>'asset_type' AS type,
                          (memory_value->>'size_bytes')::bigint AS size
                     FROM project_memory
                    WHERE memory_type = 'uploaded_asset' AND created_at >= $1 AND created_at < $2`;
  const types = await db.sql(
    `SELECT coalesce(type, 'unknown') AS type, count(*) AS n, coalesce(sum(size), 0) AS bytes
       FROM (${uploads}) u GROUP BY 1`,
    [w.from, w.to],
  );
  // Size classes as asset sizes are read by people: < 100 KB, 100 KB – 1 MB, …
  const sizes = await db.sql(
    `SELECT CASE WHEN size < 100000 THEN '< 100 KB'
                 WHEN size < 1000000 THEN '100 KB – 1 MB'
                 WHEN size < 10000000 THEN '1 – 10 MB'
                 WHEN size < 100000000 THEN '10 – 100 MB'
                 WHEN size >= 100000000 THEN '≥ 100 MB'
                 ELSE 'unknown' END AS bucket, count(*) AS n
       FROM (${uploads}) u GROUP BY 1`,
    [w.from, w.to],
  );
  const count = a['assets.uploads'] ?? 0;
  return {
    'widget-assets-types': {
      empty: types.length === 0,
      values: Object.fromEntries(
        types.flatMap((t) => [
          [`assets.types.${t.type}.uploads`, n(t, 'n')],
          [`assets.types.${t.type}.bytes`, n(t, 'bytes')],
        ]),
      ),
    },
    'widget-assets-reuse': {
      empty: count === 0,
      values: {
        'assets.reuse.reuseRate': a['assets.reuse_rate'] ?? null,
        'assets.reuse.reused': a['assets.reused_assets'] ?? null,
        'assets.reuse.newAssets': a['assets.new_assets'] ?? null,
        // The uploads the note reconciles with new assets: the same count as Uploads by type.
        'assets.reuse.uploads': count,
      },
    },
    'widget-assets-sizes': {
      empty: sizes.length === 0,
      values: Object.fromEntries(sizes.map((s) => [`assets.sizes.${s.bucket}.uploads`, n(s, 'n')])),
    },
  };
};

const BUILDERS: { readonly [S in SectionId]: Builder<S> } = {
  releases,
  exports: exportsBuilder,
  engagement,
  monetization,
  llm,
  assets,
};

/** Every widget of `section` at `timeframe`, as the page must show it at `now`. */
export function sectionOracle(
  db: Oracle,
  section: SectionId,
  timeframe: WindowTimeframe,
  now: number,
): Promise<SectionExpectation> {
  const w = sqlWindow(timeframeWindow(timeframe, now).dateRange);
  return BUILDERS[section](db, w, timeframe, now);
}
