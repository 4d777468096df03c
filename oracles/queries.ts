/**
 * The tab queries' oracle: for every query the Analytics tab sends (`web/lib/analytics/registry.ts`),
 * the SQL an analyst would write on the source tables for the same rows, keyed by the registry's
 * widget ids (Phase 1: `phase1.ts`; Phase 2: `<section>.<widget>`), one SQL per query the widget
 * sends, in the same order. Columns are named after the Cube members so `bench/answers.ts`
 * compares the two answers row by row; `result` numbers the date ranges of a week-over-week
 * comparison. The bench (and so its CI smoke test) checks every query of the tab against these.
 *
 * The SQL uses the schema's indexes (`created_at` on every event table, `(event_type, created_at)`
 * on paywall_events, `(template_id)` on template_usage) and Cube's inclusive range (`range`).
 * Counts and sums of an empty window are 0, rates and averages of one are NULL.
 *
 * The types below make a missing oracle a compile error: a new widget needs its SQL here.
 */
import type { PHASE1_WIDGETS, Phase1WidgetId } from '../web/lib/analytics/phase1';
import { TOP_TEMPLATES_LIMIT, TREND_METRIC_SPECS, WOW_MEMBERS } from '../web/lib/analytics/queries';
import type { TabQuery } from '../web/lib/analytics/registry';
import type { TrendMetric } from '../web/lib/analytics/schemas';
import type { SECTIONS, SectionId } from '../web/lib/analytics/sections';
import { TOP_ERRORS_LIMIT } from '../web/lib/analytics/sections/exports';
import { HOTSPOTS_LIMIT, TOP_TOOLS_LIMIT } from '../web/lib/analytics/sections/llm';
import { RELEASE_LIST_LIMIT } from '../web/lib/analytics/sections/releases';
import {
  type CubeDateRange,
  type TimeframeWindow,
  timeframeWindow,
  type WindowTimeframe,
  type WowWindows,
  wowWeeksSchema,
  wowWindows,
} from '../web/lib/timeframe';
import { bucket, range, type SqlQuery, TREND_SOURCES, type TrendSource } from './sql';

/** A widget's oracles for its window, one per query it sends (same order). */
type WidgetOracle<W = TimeframeWindow> = (window: W) => SqlQuery[];
type Phase1Oracles = {
  readonly [W in Phase1WidgetId]: WidgetOracle<
    Parameters<(typeof PHASE1_WIDGETS)[W]['queries']>[0]
  >;
};
type SectionOracles = {
  readonly [S in SectionId]: {
    readonly [W in keyof (typeof SECTIONS)[S]['widgets']]: WidgetOracle;
  };
};

// ---------------------------------------------------------------- Top templates
/** 24h/7d/30d: uses in the window (index on created_at), the top N joined to their names. */
function topTemplatesWindowSql(dateRange: CubeDateRange, limit: number): SqlQuery {
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
function topTemplatesAllTimeSql(limit: number): SqlQuery {
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
/** Rows per bucket in the window; the columns are the Cube keys the trend query returns. */
function trendSql(
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
function wowExportSuccessSql(
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
function wowPayingUsersSql(windows: WowWindows, keys: { payingUsers: string }): SqlQuery {
  return twoWindows(
    windows,
    `count(DISTINCT user_id) AS "${keys.payingUsers}"`,
    'credit_transactions',
    "type = 'purchase'",
  );
}

// ---------------------------------------------------------------- Phase 1
const trend =
  (metric: TrendMetric): WidgetOracle =>
  (w) => {
    const spec = TREND_METRIC_SPECS[metric];
    return [
      trendSql(TREND_SOURCES[metric], w, {
        bucket: `${spec.timeDimension}.${w.granularity}`,
        count: spec.measure,
      }),
    ];
  };

const PHASE1_ORACLES: Phase1Oracles = {
  'trend.exports': trend('exports'),
  'trend.prompts': trend('prompts'),
  'trend.paywall': trend('paywall'),
  top_templates: (w) => [
    w.timeframe === 'all'
      ? topTemplatesAllTimeSql(TOP_TEMPLATES_LIMIT)
      : topTemplatesWindowSql(w.dateRange, TOP_TEMPLATES_LIMIT),
  ],
  'wow.export_success': (w) => [wowExportSuccessSql(w, WOW_MEMBERS.export_success)],
  'wow.paying_users': (w) => [wowPayingUsersSql(w, WOW_MEMBERS.paying_users)],
};

/** `column` inside the window ($1, $2: Cube's inclusive range). */
const inWindow = (column: string) => `${column} >= $1 AND ${column} <= $2`;
const one = (text: string, w: TimeframeWindow, ...extra: unknown[]): SqlQuery[] => [
  { text, values: [...range(w.dateRange), ...extra] },
];

// ---------------------------------------------------------------- Releases
const releases: SectionOracles['releases'] = {
  list: (w) =>
    one(
      `SELECT id AS "releases.release_id", title AS "releases.title", version AS "releases.version",
              video_url AS "releases.video_url", thumbnail_url AS "releases.thumbnail_url",
              ${bucket('published_at', 'day')} AS "releases.published_at.day",
              coalesce(view_count, 0) AS "releases.views"
         FROM changelog_entries
        WHERE status = 'published' AND ${inWindow('published_at')}
        ORDER BY 6 DESC, id DESC
        LIMIT $3`,
      w,
      RELEASE_LIST_LIMIT,
    ),
  coverage: (w) =>
    one(
      `SELECT count(*) AS "releases.published_entries",
              1.0 * count(*) FILTER (WHERE video_url IS NOT NULL) / NULLIF(count(*), 0) AS "releases.video_coverage",
              1.0 * count(*) FILTER (WHERE thumbnail_url IS NOT NULL) / NULLIF(count(*), 0) AS "releases.thumbnail_coverage",
              1.0 * count(*) FILTER (WHERE video_url IS NOT NULL AND thumbnail_url IS NOT NULL)
                  / NULLIF(count(*), 0) AS "releases.full_media_coverage"
         FROM changelog_entries
        WHERE status = 'published' AND ${inWindow('published_at')}`,
      w,
    ),
  // Each release published in the window, with its gap to the previous published release
  // (which may lie before the window); the first release has none.
  cadence: (w) =>
    one(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY gap_days) AS "releases.median_days_between_releases"
         FROM (SELECT EXTRACT(EPOCH FROM c.published_at - (
                        SELECT max(p.published_at) FROM changelog_entries p
                         WHERE p.status = 'published' AND p.published_at < c.published_at)) / 86400.0 AS gap_days
                 FROM changelog_entries c
                WHERE c.status = 'published' AND ${inWindow('c.published_at')}) gaps`,
      w,
    ),
};

// ---------------------------------------------------------------- Exports
const exports: SectionOracles['exports'] = {
  totals: (w) =>
    one(
      `SELECT count(*) AS "exports_overview.exports",
              count(*) FILTER (WHERE status = 'completed') AS "exports_overview.completed_exports",
              count(*) FILTER (WHERE status = 'failed') AS "exports_overview.failed_exports",
              1.0 * count(*) FILTER (WHERE status = 'completed') / NULLIF(count(*), 0) AS "exports_overview.success_rate",
              sum(render_duration_ms) FILTER (WHERE status = 'completed') / 1000.0
                / NULLIF(count(render_duration_ms) FILTER (WHERE status = 'completed'), 0) AS "exports_overview.avg_render_seconds",
              coalesce(sum(video_duration_ms) FILTER (WHERE status = 'completed'), 0) / 60000.0 AS "exports_overview.total_video_minutes"
         FROM exports
        WHERE ${inWindow('created_at')}`,
      w,
    ),
  formats: (w) =>
    one(
      `SELECT format AS "exports_overview.format", count(*) AS "exports_overview.exports"
         FROM exports
        WHERE ${inWindow('created_at')}
        GROUP BY format
        ORDER BY format ASC`,
      w,
    ),
  errors: (w) => [
    ...one(
      `SELECT error_message AS "export_errors.error_message",
              count(*) FILTER (WHERE event = 'failed') AS "export_errors.failures"
         FROM export_analytics
        WHERE error_message IS NOT NULL AND ${inWindow('created_at')}
        GROUP BY error_message
        ORDER BY 2 DESC, 1 ASC
        LIMIT $3`,
      w,
      TOP_ERRORS_LIMIT,
    ),
    ...one(
      `SELECT count(*) AS "export_errors.failures"
         FROM export_analytics
        WHERE event = 'failed' AND ${inWindow('created_at')}`,
      w,
    ),
  ],
  // Export reliability: definitions in model/README.md ("Export reliability").
  phases: (w) =>
    one(
      `SELECT event AS "export_reliability.event",
              percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS "export_reliability.median_phase_ms",
              percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS "export_reliability.p95_phase_ms"
         FROM export_analytics
        WHERE event IN ('started', 'progress', 'finalizing') AND ${inWindow('created_at')}
        GROUP BY event
        ORDER BY event ASC`,
      w,
    ),
  finalizing: (w) => {
    // Progress and finalizing time of exports that have a finalizing event.
    const finalized = `FROM export_analytics a
        LEFT JOIN exports e ON e.id = a.export_id
       WHERE ${inWindow('a.created_at')}`;
    const columns = `sum(a.duration_ms) FILTER (WHERE a.event = 'finalizing') AS fin,
              sum(a.duration_ms) FILTER (WHERE a.event IN ('progress', 'finalizing') AND EXISTS (
                SELECT 1 FROM export_analytics f WHERE f.export_id = a.export_id AND f.event = 'finalizing')) AS render`;
    const members = `1.0 * fin / NULLIF(render, 0) AS "export_reliability.finalizing_share",
              coalesce(fin, 0) / 1000.0 AS "export_reliability.finalizing_seconds",
              coalesce(render, 0) / 1000.0 AS "export_reliability.finalized_render_seconds"`;
    return [
      ...one(`SELECT ${members} FROM (SELECT ${columns} ${finalized}) t`, w),
      ...one(
        `SELECT format AS "export_reliability.format", ${members}
           FROM (SELECT e.format, ${columns} ${finalized} GROUP BY e.format) t
          ORDER BY format ASC`,
        w,
      ),
      ...one(
        `SELECT at AS "export_reliability.created_at.${w.granularity}",
                1.0 * fin / NULLIF(render, 0) AS "export_reliability.finalizing_share"
           FROM (SELECT ${bucket('a.created_at', w.granularity)} AS at, ${columns} ${finalized} GROUP BY 1) t
          ORDER BY 1`,
        w,
      ),
    ];
  },
  // The phase before each failed event: the export's latest earlier event.
  failedIn: (w) =>
    one(
      `SELECT coalesce((SELECT p.event FROM export_analytics p
                         WHERE p.export_id = a.export_id AND p.event <> 'failed'
                           AND (p.created_at, p.id) < (a.created_at, a.id)
                         ORDER BY p.created_at DESC, p.id DESC LIMIT 1), 'none') AS "export_reliability.failed_in_phase",
              count(*) AS "export_reliability.failed_exports"
         FROM export_analytics a
        WHERE a.event = 'failed' AND ${inWindow('a.created_at')}
        GROUP BY 1
        ORDER BY 1 ASC`,
      w,
    ),
  // Unfinished exports whose latest event is a phase over an hour old (from the current hour),
  // whenever they got stuck up to the window's end (the widget shows the state then, i.e. now).
  stuck: (w) => [
    {
      values: [range(w.dateRange)[1]],
      // Every phase, 0 where nothing is stuck in it: the measure counts with a filter, so Cube's
      // rows are the phases, not only the stuck ones.
      text: `SELECT p.event AS "export_reliability.event", count(s.export_id) AS "export_reliability.stuck_exports"
         FROM (VALUES ('finalizing'), ('progress'), ('started')) AS p(event)
         LEFT JOIN (
           SELECT a.event, a.export_id FROM export_analytics a JOIN exports e ON e.id = a.export_id
            WHERE e.status IN ('pending', 'rendering') AND a.event IN ('started', 'progress', 'finalizing')
              AND a.created_at < date_trunc('hour', now()) - interval '1 hour'
              AND NOT EXISTS (SELECT 1 FROM export_analytics l WHERE l.export_id = a.export_id
                               AND (l.created_at, l.id) > (a.created_at, a.id))
              AND a.created_at <= $1
         ) s ON s.event = p.event
        GROUP BY 1
        ORDER BY 1 ASC`,
    },
  ],
};

// ---------------------------------------------------------------- Engagement
const engagement: SectionOracles['engagement'] = {
  prompts: (w) =>
    one(
      `SELECT count(*) AS "engagement.prompts",
              count(DISTINCT user_id) AS "engagement.active_users",
              1.0 * count(*) / NULLIF(count(DISTINCT user_id), 0) AS "engagement.prompts_per_active_user"
         FROM messages
        WHERE role = 'user' AND ${inWindow('created_at')}`,
      w,
    ),
  // A scene's first success (by time, then id) and how many of its iterations led to it.
  iterations: (w) =>
    one(
      `SELECT 1.0 * sum(n) / NULLIF(count(*), 0) AS "engagement.avg_iterations_to_success",
              count(*) AS "engagement.succeeded_scenes"
         FROM (SELECT scene_id, created_at, outcome,
                      row_number() OVER upto AS n,
                      count(*) FILTER (WHERE outcome = 'success') OVER upto AS successes
                 FROM scene_iterations
               WINDOW upto AS (PARTITION BY scene_id ORDER BY created_at, id)) i
         JOIN scenes s ON s.id = i.scene_id
        WHERE i.outcome = 'success' AND i.successes = 1 AND ${inWindow('i.created_at')}`,
      w,
    ),
  editMix: (w) =>
    one(
      `SELECT count(*) AS "engagement.edits",
              count(*) FILTER (WHERE edit_complexity = 'structural') AS "engagement.structural_edits",
              count(*) FILTER (WHERE edit_complexity = 'creative') AS "engagement.creative_edits",
              count(*) FILTER (WHERE edit_complexity = 'surgical') AS "engagement.surgical_edits"
         FROM scene_iterations
        WHERE operation_type = 'edit' AND ${inWindow('created_at')}`,
      w,
    ),
  // A project's first scene, and the minutes since its first prompt (projects with both).
  firstScene: (w) =>
    one(
      `SELECT (sum(EXTRACT(EPOCH FROM fs.first_scene) - EXTRACT(EPOCH FROM fp.first_prompt)) / 60.0)
                / NULLIF(count(*), 0) AS "engagement.avg_minutes_to_first_scene",
              count(*) AS "engagement.projects_with_first_scene"
         FROM projects p
         JOIN (SELECT project_id, min(created_at) AS first_scene FROM scenes GROUP BY project_id) fs
           ON fs.project_id = p.id
         JOIN (SELECT project_id, min(created_at) AS first_prompt FROM messages
                WHERE role = 'user' GROUP BY project_id) fp
           ON fp.project_id = p.id
        WHERE ${inWindow('fs.first_scene')}`,
      w,
    ),
};

// ---------------------------------------------------------------- Monetization
const monetization: SectionOracles['monetization'] = {
  funnel: (w) =>
    one(
      `SELECT count(*) FILTER (WHERE event_type = 'viewed') AS "paywall_funnel.views",
              count(*) FILTER (WHERE event_type = 'clicked_package') AS "paywall_funnel.package_clicks",
              count(*) FILTER (WHERE event_type = 'initiated_checkout') AS "paywall_funnel.checkouts",
              count(*) FILTER (WHERE event_type = 'completed_purchase') AS "paywall_funnel.conversions"
         FROM paywall_events
        WHERE ${inWindow('created_at')}`,
      w,
    ),
  // Usage transactions carry negative amounts: credits used is their negated sum.
  credits: (w) =>
    one(
      `SELECT ${bucket('created_at', w.granularity)} AS "credits.created_at.${w.granularity}",
              coalesce(sum(amount) FILTER (WHERE type = 'purchase'), 0) AS "credits.credits_purchased",
              coalesce(-sum(amount) FILTER (WHERE type = 'usage'), 0) AS "credits.credits_used"
         FROM credit_transactions
        WHERE type IN ('purchase', 'usage') AND ${inWindow('created_at')}
        GROUP BY 1
        ORDER BY 1`,
      w,
    ),
};

// ---------------------------------------------------------------- LLM
const llm: SectionOracles['llm'] = {
  summary: (w) =>
    one(
      `SELECT count(*) AS "llm_usage.calls",
              coalesce(sum(input_tokens), 0) + coalesce(sum(output_tokens), 0) AS "llm_usage.total_tokens",
              1.0 * count(*) FILTER (WHERE success) / NULLIF(count(*), 0) AS "llm_usage.success_rate",
              1.0 * count(*) FILTER (WHERE NOT success) / NULLIF(count(*), 0) AS "llm_usage.error_rate"
         FROM api_usage_metrics
        WHERE ${inWindow('created_at')}`,
      w,
    ),
  models: (w) =>
    one(
      `SELECT provider AS "llm_usage.provider", model AS "llm_usage.model",
              count(*) AS "llm_usage.calls",
              coalesce(sum(input_tokens), 0) AS "llm_usage.input_tokens",
              coalesce(sum(output_tokens), 0) AS "llm_usage.output_tokens",
              coalesce(sum(input_tokens), 0) + coalesce(sum(output_tokens), 0) AS "llm_usage.total_tokens"
         FROM api_usage_metrics
        WHERE ${inWindow('created_at')}
        GROUP BY provider, model
        ORDER BY 6 DESC, 1 ASC, 2 ASC`,
      w,
    ),
  latency: (w) =>
    one(
      `SELECT provider AS "llm_usage.provider",
              percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms) AS "llm_usage.p95_response_ms",
              1.0 * sum(response_time_ms) / NULLIF(count(*), 0) AS "llm_usage.avg_response_ms"
         FROM api_usage_metrics
        WHERE ${inWindow('created_at')}
        GROUP BY provider
        ORDER BY provider ASC`,
      w,
    ),
  tools: (w) =>
    one(
      `SELECT tool_name AS "llm_usage.tool_name", count(*) AS "llm_usage.calls",
              count(*) FILTER (WHERE NOT success) AS "llm_usage.errors",
              1.0 * count(*) FILTER (WHERE NOT success) / NULLIF(count(*), 0) AS "llm_usage.error_rate"
         FROM api_usage_metrics
        WHERE tool_name IS NOT NULL AND ${inWindow('created_at')}
        GROUP BY tool_name
        ORDER BY 2 DESC, 1 ASC
        LIMIT $3`,
      w,
      TOP_TOOLS_LIMIT,
    ),
  hotspots: (w) =>
    one(
      `SELECT tool_name AS "llm_usage.tool_name", error_type AS "llm_usage.error_type",
              count(*) FILTER (WHERE NOT success) AS "llm_usage.errors"
         FROM api_usage_metrics
        WHERE error_type IS NOT NULL AND ${inWindow('created_at')}
        GROUP BY tool_name, error_type
        ORDER BY 3 DESC, 1 ASC, 2 ASC
        LIMIT $3`,
      w,
      HOTSPOTS_LIMIT,
    ),
};

// ---------------------------------------------------------------- Assets
/** Uploads are project_memory rows of type uploaded_asset; an asset is its url. */
const UPLOADS = `SELECT id, project_id, created_at, memory_value->>'url' AS url,
                        memory_value->>'asset_type' AS asset_type,
                        (memory_value->>'size_bytes')::bigint AS size_bytes
                   FROM project_memory WHERE memory_type = 'uploaded_asset'`;

/** Every upload, and per asset (url) its first upload and how many projects have used it. */
const REUSE_CTES = `WITH uploads AS (${UPLOADS}),
     per_asset AS (SELECT url, min(created_at) AS first_at, count(DISTINCT project_id) AS projects
                     FROM uploads GROUP BY url)`;

const assets: SectionOracles['assets'] = {
  types: (w) =>
    one(
      `SELECT asset_type AS "assets.asset_type", count(*) AS "assets.uploads",
              coalesce(sum(size_bytes), 0) AS "assets.bytes"
         FROM (${UPLOADS}) u
        WHERE ${inWindow('created_at')}
        GROUP BY asset_type
        ORDER BY asset_type ASC`,
      w,
    ),
  // New assets: first uploaded in the window; reused: used by more than one project to date.
  // 24h asks per hour (web/lib/analytics/sections/assets.ts): the same counts by the hour of the
  // upload and of the asset's first upload.
  reuse: (w) =>
    w.timeframe === '24h'
      ? one(
          `${REUSE_CTES},
                hours AS (SELECT ${bucket('created_at', 'hour')} AS hour, count(*) AS uploads, 0 AS assets, 0 AS reused
                            FROM uploads WHERE ${inWindow('created_at')} GROUP BY 1
                          UNION ALL
                          SELECT ${bucket('first_at', 'hour')}, 0, count(*), count(*) FILTER (WHERE projects > 1)
                            FROM per_asset WHERE ${inWindow('first_at')} GROUP BY 1)
           SELECT hour AS "assets.created_at.hour", sum(uploads) AS "assets.uploads",
                  sum(assets) AS "assets.new_assets", sum(reused) AS "assets.reused_assets",
                  1.0 * sum(reused) / NULLIF(sum(assets), 0) AS "assets.reuse_rate"
             FROM hours GROUP BY hour ORDER BY hour`,
          w,
        )
      : one(
          `${REUSE_CTES}
           SELECT (SELECT count(*) FROM uploads WHERE ${inWindow('created_at')}) AS "assets.uploads",
                  count(*) AS "assets.new_assets",
                  count(*) FILTER (WHERE projects > 1) AS "assets.reused_assets",
                  1.0 * count(*) FILTER (WHERE projects > 1) / NULLIF(count(*), 0) AS "assets.reuse_rate"
             FROM per_asset
            WHERE ${inWindow('first_at')}`,
          w,
        ),
  sizes: (w) =>
    one(
      `SELECT CASE WHEN size_bytes < 100000 THEN '< 100 KB'
                   WHEN size_bytes < 1000000 THEN '100 KB – 1 MB'
                   WHEN size_bytes < 10000000 THEN '1 – 10 MB'
                   WHEN size_bytes < 100000000 THEN '10 – 100 MB'
                   WHEN size_bytes >= 100000000 THEN '≥ 100 MB'
                   ELSE 'unknown' END AS "assets.size_bucket",
              count(*) AS "assets.uploads"
         FROM (${UPLOADS}) u
        WHERE ${inWindow('created_at')}
        GROUP BY 1
        ORDER BY 1 ASC`,
      w,
    ),
};

const SECTION_ORACLES: SectionOracles = {
  releases,
  exports,
  engagement,
  monetization,
  llm,
  assets,
};

/** Every widget's oracle, by the registry's widget id (`TabQuery.widget`). */
export const QUERY_ORACLES: Readonly<Record<string, WidgetOracle<never>>> = {
  ...PHASE1_ORACLES,
  ...Object.fromEntries(
    Object.entries(SECTION_ORACLES).flatMap(([section, widgets]) =>
      Object.entries(widgets).map(([name, oracle]) => [`${section}.${name}`, oracle]),
    ),
  ),
};

/**
 * The SQL of one tab query (`tabQueries(now)`, `phase1Queries`, `sectionQueries` with the same
 * `now`): its widget's oracle at the query's window, the `#<i>`-th when the widget sends several.
 */
export function tabQueryOracle(q: TabQuery, now: number): SqlQuery {
  const oracle = QUERY_ORACLES[q.widget] as WidgetOracle<TimeframeWindow | WowWindows> | undefined;
  if (!oracle) throw new Error(`no SQL oracle for ${q.widget} (oracles/queries.ts)`);
  const weeks = /^wow-(\d)w$/.exec(q.timeframe)?.[1];
  const window = weeks
    ? wowWindows(wowWeeksSchema.parse(Number(weeks)), now)
    : timeframeWindow(q.timeframe as WindowTimeframe, now);
  const index = Number(/#(\d+)$/.exec(q.name)?.[1] ?? 0);
  const sql = oracle(window)[index];
  if (!sql) throw new Error(`${q.name}: oracles/queries.ts has no SQL for query ${index}`);
  return sql;
}
