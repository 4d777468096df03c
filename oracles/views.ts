/**
 * The views' oracle: the hand-written SQL answer for every measure of every view, on a time
 * window: plain SQL on the source tables plus arithmetic in TypeScript. Each entry is one query
 * family (a view, or one root of `engagement`). The model tests check every measure against it;
 * the page oracle (`pages.ts`) takes the sections' totals from it.
 */
import { type Oracle, type OracleRow, percentileCont, ratio, type SqlWindow } from './sql';

export type Expected = Record<string, number | null>;

export interface ViewOracle {
  /** Label in test names. */
  readonly name: string;
  /** The view's time dimension the window filters. */
  readonly timeDimension: string;
  /** Every measure of the family, all asked in one query. */
  readonly measures: readonly string[];
  readonly expected: (o: Oracle, w: SqlWindow) => Promise<Expected>;
}

const n = (row: OracleRow, key: string): number | null => {
  const value = row[key];
  return value === null || value === undefined ? null : Number(value);
};
const n0 = (row: OracleRow, key: string): number => n(row, key) ?? 0;
const params = (w: SqlWindow) => [w.from, w.to];

export const VIEW_ORACLES: readonly ViewOracle[] = [
  {
    name: 'template_leaderboard',
    timeDimension: 'template_leaderboard.created_at',
    measures: ['template_leaderboard.uses', 'template_leaderboard.lifetime_uses'],
    async expected(o, w) {
      const r = await o.one(
        `SELECT (SELECT count(*) FROM template_usage u WHERE u.created_at >= $1 AND u.created_at < $2) AS uses,
                (SELECT sum(t.usage_count) FROM templates t WHERE EXISTS (
                   SELECT 1 FROM template_usage u
                   WHERE u.template_id = t.id AND u.created_at >= $1 AND u.created_at < $2)) AS lifetime`,
        params(w),
      );
      // lifetime_uses counts each template once (no fan-out over its uses in the window).
      return {
        'template_leaderboard.uses': n0(r, 'uses'),
        'template_leaderboard.lifetime_uses': n(r, 'lifetime'),
      };
    },
  },
  {
    name: 'exports_overview',
    timeDimension: 'exports_overview.created_at',
    measures: [
      'exports_overview.exports',
      'exports_overview.completed_exports',
      'exports_overview.failed_exports',
      'exports_overview.success_rate',
      'exports_overview.failure_rate',
      'exports_overview.avg_render_seconds',
      'exports_overview.total_video_minutes',
      'exports_overview.total_gigabytes',
    ],
    async expected(o, w) {
      const r = await o.one(
        `SELECT count(*) AS total,
                count(*) FILTER (WHERE status = 'completed') AS completed,
                count(*) FILTER (WHERE status = 'failed') AS failed,
                sum(render_duration_ms) FILTER (WHERE status = 'completed') AS render_ms,
                count(render_duration_ms) FILTER (WHERE status = 'completed') AS rendered,
                sum(video_duration_ms) FILTER (WHERE status = 'completed') AS video_ms,
                sum(file_size_bytes) FILTER (WHERE status = 'completed') AS bytes
           FROM exports WHERE created_at >= $1 AND created_at < $2`,
        params(w),
      );
      return {
        'exports_overview.exports': n0(r, 'total'),
        'exports_overview.completed_exports': n0(r, 'completed'),
        'exports_overview.failed_exports': n0(r, 'failed'),
        'exports_overview.success_rate': ratio(n(r, 'completed'), n(r, 'total')),
        'exports_overview.failure_rate': ratio(n(r, 'failed'), n(r, 'total')),
        'exports_overview.avg_render_seconds': ratio(n0(r, 'render_ms') / 1000, n(r, 'rendered')),
        'exports_overview.total_video_minutes': n0(r, 'video_ms') / 60_000,
        'exports_overview.total_gigabytes': n0(r, 'bytes') / 1e9,
      };
    },
  },
  {
    // Definitions: model/README.md, "Export reliability".
    name: 'export_reliability',
    timeDimension: 'export_reliability.created_at',
    measures: [
      'export_reliability.failed_exports',
      'export_reliability.median_phase_ms',
      'export_reliability.p95_phase_ms',
      'export_reliability.finalizing_seconds',
      'export_reliability.finalized_render_seconds',
      'export_reliability.finalizing_share',
      'export_reliability.stuck_exports',
    ],
    async expected(o, w) {
      const r = await o.one(
        `WITH win AS (SELECT * FROM export_analytics WHERE created_at >= $1 AND created_at < $2),
              finalized AS (SELECT DISTINCT export_id FROM export_analytics WHERE event = 'finalizing'),
              latest AS (SELECT DISTINCT ON (export_id) id FROM export_analytics
                          ORDER BY export_id, created_at DESC, id DESC)
         SELECT count(*) FILTER (WHERE event = 'failed') AS failed,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS median,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95,
                sum(duration_ms) FILTER (WHERE event = 'finalizing') AS fin,
                sum(duration_ms) FILTER (WHERE event IN ('progress', 'finalizing')
                  AND export_id IN (SELECT export_id FROM finalized)) AS render,
                count(*) FILTER (WHERE event IN ('started', 'progress', 'finalizing')
                  AND created_at < date_trunc('hour', now()) - interval '1 hour'
                  AND id IN (SELECT id FROM latest)
                  AND export_id IN (SELECT id FROM exports WHERE status IN ('pending', 'rendering'))) AS stuck
           FROM win`,
        params(w),
      );
      return {
        'export_reliability.failed_exports': n0(r, 'failed'),
        'export_reliability.median_phase_ms': n(r, 'median'),
        'export_reliability.p95_phase_ms': n(r, 'p95'),
        'export_reliability.finalizing_seconds': n0(r, 'fin') / 1000,
        'export_reliability.finalized_render_seconds': n0(r, 'render') / 1000,
        'export_reliability.finalizing_share': ratio(n(r, 'fin'), n(r, 'render')),
        'export_reliability.stuck_exports': n0(r, 'stuck'),
      };
    },
  },
  {
    name: 'export_errors',
    timeDimension: 'export_errors.created_at',
    measures: ['export_errors.failures', 'export_errors.events', 'export_errors.downloads'],
    async expected(o, w) {
      const r = await o.one(
        `SELECT count(*) FILTER (WHERE event = 'failed') AS failures,
                count(*) AS events,
                count(*) FILTER (WHERE event = 'downloaded') AS downloads
           FROM export_analytics WHERE created_at >= $1 AND created_at < $2`,
        params(w),
      );
      return {
        'export_errors.failures': n0(r, 'failures'),
        'export_errors.events': n0(r, 'events'),
        'export_errors.downloads': n0(r, 'downloads'),
      };
    },
  },
  ...(['prompts', 'engagement'] as const).map(
    (view): ViewOracle => ({
      name: view === 'prompts' ? 'prompts' : 'engagement (prompts)',
      timeDimension: view === 'prompts' ? 'prompts.created_at' : 'engagement.prompted_at',
      measures: [
        `${view}.prompts`,
        `${view}.active_users`,
        `${view}.prompts_per_active_user`,
        ...(view === 'prompts' ? ['prompts.avg_prompt_length'] : []),
      ],
      async expected(o, w) {
        const r = await o.one(
          `SELECT count(*) AS prompts, count(DISTINCT user_id) AS users, sum(content_length) AS chars
             FROM messages WHERE role = 'user' AND created_at >= $1 AND created_at < $2`,
          params(w),
        );
        return {
          [`${view}.prompts`]: n0(r, 'prompts'),
          [`${view}.active_users`]: n0(r, 'users'),
          [`${view}.prompts_per_active_user`]: ratio(n(r, 'prompts'), n(r, 'users')),
          ...(view === 'prompts'
            ? { 'prompts.avg_prompt_length': ratio(n(r, 'chars'), n(r, 'prompts')) }
            : {}),
        };
      },
    }),
  ),
  {
    name: 'engagement (iterations)',
    timeDimension: 'engagement.iterated_at',
    measures: [
      'engagement.iterations',
      'engagement.edits',
      'engagement.structural_edits',
      'engagement.creative_edits',
      'engagement.surgical_edits',
      'engagement.structural_share',
      'engagement.creative_share',
      'engagement.surgical_share',
      'engagement.iteration_success_rate',
    ],
    async expected(o, w) {
      const r = await o.one(
        `SELECT count(*) AS iterations,
                count(*) FILTER (WHERE outcome = 'success') AS successes,
                count(*) FILTER (WHERE operation_type = 'edit') AS edits,
                count(*) FILTER (WHERE operation_type = 'edit' AND edit_complexity = 'structural') AS structural,
                count(*) FILTER (WHERE operation_type = 'edit' AND edit_complexity = 'creative') AS creative,
                count(*) FILTER (WHERE operation_type = 'edit' AND edit_complexity = 'surgical') AS surgical
           FROM scene_iterations WHERE created_at >= $1 AND created_at < $2`,
        params(w),
      );
      const classified = n0(r, 'structural') + n0(r, 'creative') + n0(r, 'surgical');
      return {
        'engagement.iterations': n0(r, 'iterations'),
        'engagement.edits': n0(r, 'edits'),
        'engagement.structural_edits': n0(r, 'structural'),
        'engagement.creative_edits': n0(r, 'creative'),
        'engagement.surgical_edits': n0(r, 'surgical'),
        'engagement.structural_share': ratio(n0(r, 'structural'), classified),
        'engagement.creative_share': ratio(n0(r, 'creative'), classified),
        'engagement.surgical_share': ratio(n0(r, 'surgical'), classified),
        'engagement.iteration_success_rate': ratio(n(r, 'successes'), n(r, 'iterations')),
      };
    },
  },
  {
    name: 'engagement (iterations to success)',
    timeDimension: 'engagement.first_success_at',
    measures: [
      'engagement.scenes',
      'engagement.succeeded_scenes',
      'engagement.avg_iterations_to_success',
    ],
    async expected(o, w) {
      // A scene's first success is the success iteration with no earlier success (by time, then
      // id); its iterations-to-success counts the scene's iterations up to and including it.
      const r = await o.one(
        `SELECT count(*) AS scenes, sum(to_success) AS iterations
           FROM (
             SELECT (SELECT count(*) FROM scene_iterations i
                      WHERE i.scene_id = f.scene_id AND (i.created_at, i.id) <= (f.created_at, f.id)) AS to_success
               FROM scene_iterations f
              WHERE f.outcome = 'success'
                AND f.created_at >= $1 AND f.created_at < $2
                AND NOT EXISTS (SELECT 1 FROM scene_iterations e
                                 WHERE e.scene_id = f.scene_id AND e.outcome = 'success'
                                   AND (e.created_at, e.id) < (f.created_at, f.id))
                AND EXISTS (SELECT 1 FROM scenes s WHERE s.id = f.scene_id)
           ) firsts`,
        params(w),
      );
      return {
        'engagement.scenes': n0(r, 'scenes'),
        'engagement.succeeded_scenes': n0(r, 'scenes'),
        'engagement.avg_iterations_to_success': ratio(n(r, 'iterations'), n(r, 'scenes')),
      };
    },
  },
  {
    name: 'engagement (time to first scene)',
    timeDimension: 'engagement.first_scene_at',
    measures: ['engagement.projects_with_first_scene', 'engagement.avg_minutes_to_first_scene'],
    async expected(o, w) {
      const r = await o.one(
        `SELECT count(*) AS projects,
                sum(EXTRACT(EPOCH FROM first_scene) - EXTRACT(EPOCH FROM first_prompt)) AS seconds
           FROM (
             SELECT (SELECT min(s.created_at) FROM scenes s WHERE s.project_id = p.id) AS first_scene,
                    (SELECT min(m.created_at) FROM messages m
                      WHERE m.project_id = p.id AND m.role = 'user') AS first_prompt
               FROM projects p
           ) firsts
          WHERE first_prompt IS NOT NULL AND first_scene >= $1 AND first_scene < $2`,
        params(w),
      );
      return {
        'engagement.projects_with_first_scene': n0(r, 'projects'),
        'engagement.avg_minutes_to_first_scene': ratio(n0(r, 'seconds') / 60, n(r, 'projects')),
      };
    },
  },
  {
    name: 'paywall_funnel',
    timeDimension: 'paywall_funnel.created_at',
    measures: [
      'paywall_funnel.views',
      'paywall_funnel.package_clicks',
      'paywall_funnel.checkouts',
      'paywall_funnel.conversions',
      'paywall_funnel.view_to_click_rate',
      'paywall_funnel.click_to_checkout_rate',
      'paywall_funnel.checkout_to_conversion_rate',
      'paywall_funnel.view_to_conversion_rate',
    ],
    async expected(o, w) {
      const rows = await o.sql(
        `SELECT event_type, count(*) AS n FROM paywall_events
          WHERE created_at >= $1 AND created_at < $2 GROUP BY event_type`,
        params(w),
      );
      const step = (type: string) => n0(rows.find((r) => r.event_type === type) ?? {}, 'n');
      const [views, clicks, checkouts, purchases] = [
        step('viewed'),
        step('clicked_package'),
        step('initiated_checkout'),
        step('completed_purchase'),
      ];
      return {
        'paywall_funnel.views': views,
        'paywall_funnel.package_clicks': clicks,
        'paywall_funnel.checkouts': checkouts,
        'paywall_funnel.conversions': purchases,
        'paywall_funnel.view_to_click_rate': ratio(clicks, views),
        'paywall_funnel.click_to_checkout_rate': ratio(checkouts, clicks),
        'paywall_funnel.checkout_to_conversion_rate': ratio(purchases, checkouts),
        'paywall_funnel.view_to_conversion_rate': ratio(purchases, views),
      };
    },
  },
  {
    name: 'credits',
    timeDimension: 'credits.created_at',
    measures: [
      'credits.paying_users',
      'credits.purchases',
      'credits.credits_purchased',
      'credits.credits_used',
      'credits.credits_bonus',
      'credits.credits_refunded',
      'credits.net_credits',
      'credits.revenue',
      'credits.revenue_per_paying_user',
    ],
    async expected(o, w) {
      const rows = await o.sql(
        `SELECT type, count(*) AS n, count(DISTINCT user_id) AS users, sum(amount) AS credits,
                sum(price_cents) AS cents
           FROM credit_transactions WHERE created_at >= $1 AND created_at < $2 GROUP BY type`,
        params(w),
      );
      const of = (type: string) => rows.find((r) => r.type === type) ?? {};
      const revenue = n0(of('purchase'), 'cents') / 100;
      const payers = n0(of('purchase'), 'users');
      return {
        'credits.paying_users': payers,
        'credits.purchases': n0(of('purchase'), 'n'),
        'credits.credits_purchased': n0(of('purchase'), 'credits'),
        'credits.credits_used': -n0(of('usage'), 'credits'),
        'credits.credits_bonus': n0(of('bonus'), 'credits'),
        'credits.credits_refunded': n0(of('refund'), 'credits'),
        'credits.net_credits': rows.reduce((sum, r) => sum + n0(r, 'credits'), 0),
        'credits.revenue': revenue,
        'credits.revenue_per_paying_user': ratio(revenue, payers),
      };
    },
  },
  {
    name: 'llm_usage',
    timeDimension: 'llm_usage.created_at',
    measures: [
      'llm_usage.calls',
      'llm_usage.input_tokens',
      'llm_usage.output_tokens',
      'llm_usage.total_tokens',
      'llm_usage.avg_response_ms',
      'llm_usage.p95_response_ms',
      'llm_usage.success_rate',
      'llm_usage.errors',
      'llm_usage.error_rate',
    ],
    async expected(o, w) {
      const r = await o.one(
        `SELECT count(*) AS calls, sum(input_tokens) AS input, sum(output_tokens) AS output,
                sum(response_time_ms) AS ms, count(*) FILTER (WHERE success) AS ok,
                count(*) FILTER (WHERE NOT success) AS failed
           FROM api_usage_metrics WHERE created_at >= $1 AND created_at < $2`,
        params(w),
      );
      const latencies = await o.sql(
        `SELECT response_time_ms AS ms FROM api_usage_metrics WHERE created_at >= $1 AND created_at < $2`,
        params(w),
      );
      return {
        'llm_usage.calls': n0(r, 'calls'),
        'llm_usage.input_tokens': n0(r, 'input'),
        'llm_usage.output_tokens': n0(r, 'output'),
        'llm_usage.total_tokens': n0(r, 'input') + n0(r, 'output'),
        'llm_usage.avg_response_ms': ratio(n(r, 'ms'), n(r, 'calls')),
        'llm_usage.p95_response_ms': percentileCont(
          latencies.map((l) => Number(l.ms)),
          0.95,
        ),
        'llm_usage.success_rate': ratio(n(r, 'ok'), n(r, 'calls')),
        'llm_usage.errors': n0(r, 'failed'),
        'llm_usage.error_rate': ratio(n(r, 'failed'), n(r, 'calls')),
      };
    },
  },
  {
    name: 'releases',
    timeDimension: 'releases.published_at',
    measures: [
      'releases.published_entries',
      'releases.views',
      'releases.avg_views_per_release',
      'releases.median_days_between_releases',
      'releases.video_coverage',
      'releases.thumbnail_coverage',
      'releases.full_media_coverage',
    ],
    async expected(o, w) {
      // Every published release, oldest first; gaps computed here, not in SQL.
      const all = await o.sql(
        `SELECT extract(epoch FROM published_at) * 1000 AS at, published_at >= $1 AND published_at < $2 AS inside,
                view_count, video_url IS NOT NULL AS video, thumbnail_url IS NOT NULL AS thumb
           FROM changelog_entries WHERE status = 'published' ORDER BY published_at`,
        params(w),
      );
      const inside = all.filter((r) => r.inside === true);
      const gaps: number[] = [];
      for (const r of inside) {
        const at = Number(r.at);
        const earlier = all.map((x) => Number(x.at)).filter((t) => t < at);
        if (earlier.length > 0) gaps.push((at - Math.max(...earlier)) / 86_400_000);
      }
      const count = inside.length;
      const views = inside.reduce((s, r) => s + Number(r.view_count), 0);
      const share = (pred: (r: OracleRow) => boolean) => ratio(inside.filter(pred).length, count);
      return {
        'releases.published_entries': count,
        'releases.views': views,
        'releases.avg_views_per_release': ratio(views, count),
        'releases.median_days_between_releases': percentileCont(gaps, 0.5),
        'releases.video_coverage': share((r) => r.video === true),
        'releases.thumbnail_coverage': share((r) => r.thumb === true),
        'releases.full_media_coverage': share((r) => r.video === true && r.thumb === true),
      };
    },
  },
  {
    name: 'assets',
    timeDimension: 'assets.created_at',
    measures: [
      'assets.uploads',
      'assets.bytes',
      'assets.megabytes',
      'assets.new_assets',
      'assets.reused_assets',
      'assets.reuse_rate',
    ],
    async expected(o, w) {
      const r = await o.one(
        `WITH uploads AS (
           SELECT project_id, created_at, memory_value->>'url' AS url,
                  (memory_value->>'size_bytes')::bigint AS size
             FROM project_memory WHERE memory_type = 'uploaded_asset'
         ), per_asset AS (
           SELECT url, min(created_at) AS first_at, count(DISTINCT project_id) AS projects
             FROM uploads GROUP BY url
         )
         SELECT (SELECT count(*) FROM uploads WHERE created_at >= $1 AND created_at < $2) AS uploads,
                (SELECT sum(size) FROM uploads WHERE created_at >= $1 AND created_at < $2) AS bytes,
                (SELECT count(*) FROM per_asset WHERE first_at >= $1 AND first_at < $2) AS assets,
                (SELECT count(*) FROM per_asset WHERE first_at >= $1 AND first_at < $2 AND projects > 1) AS reused`,
        params(w),
      );
      return {
        'assets.uploads': n0(r, 'uploads'),
        'assets.bytes': n0(r, 'bytes'),
        'assets.megabytes': n0(r, 'bytes') / 1e6,
        'assets.new_assets': n0(r, 'assets'),
        'assets.reused_assets': n0(r, 'reused'),
        'assets.reuse_rate': ratio(n(r, 'reused'), n(r, 'assets')),
      };
    },
  },
];
