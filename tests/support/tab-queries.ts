/**
 * THE list of Cube queries the Admin → Analytics tab sends: every widget of Phase 1 and Phase 2,
 * at every timeframe of DESIGN.md (24h / 7d / 30d / all) and every week-over-week span (1, 2, 4
 * weeks). Plain data, built from the same timeframe rules as the web app (`web/lib/timeframe.ts`),
 * so the model's coverage test and the web hooks can share one definition.
 *
 * `deliberatelyRaw` marks the few queries no rollup can answer exactly (distinct users and
 * percentiles over a moving window); model/README.md records why and how fast they are.
 */

import {
  topTemplatesAllTimeQuery,
  topTemplatesWindowQuery,
  trendQuery,
  wowQuery,
} from '../../web/lib/analytics/queries';
import {
  TIMEFRAMES,
  type Timeframe,
  type TimeframeWindow,
  timeframeWindow,
  WOW_WEEKS,
  type WowWeeks,
  wowWindows,
} from '../../web/lib/timeframe';
import type { CubeQuery } from './cube';

export type TabTimeframe = Timeframe | `wow-${WowWeeks}w`;

export interface TabQuery {
  /** `<widget>/<timeframe>`, unique. */
  readonly name: string;
  readonly widget: string;
  readonly phase: 1 | 2;
  readonly timeframe: TabTimeframe;
  readonly query: CubeQuery;
  /** Why this query runs on the source tables instead of a rollup (absent: it must hit one). */
  readonly deliberatelyRaw?: string;
}

const DISTINCT_OVER_WINDOW =
  'Distinct users over a moving window are not additive: no rollup grain equals the window, so ' +
  'it runs on the source table (segment: only the rows counted) through its (type/role, created_at) ' +
  'index. `all` is served by a lifetime rollup.';
const PERCENTILE_OVER_WINDOW =
  'A percentile over a moving window is not additive: no rollup grain equals the window, so it ' +
  'runs on api_usage_metrics through its (created_at) index. `all` is served by a lifetime rollup.';
const MEDIAN_OVER_WINDOW =
  'The median gap between releases over a moving window is not additive; changelog_entries holds ' +
  'one row per release (hundreds), so the source query is as fast as a rollup. `all` is served by a lifetime rollup.';
const DISTINCT_WOW =
  'Week-over-week paying users: distinct users over two moving 7·N-day windows are not additive, ' +
  'so they run on credit_transactions (purchases only) through its (type, created_at) index.';

type Built = { query: Omit<CubeQuery, 'timezone'>; deliberatelyRaw?: string };
type WindowWidget = {
  readonly widget: string;
  readonly phase: 1 | 2;
  readonly build: (window: TimeframeWindow) => Built;
};

/** The time filter of a window on a view's time dimension. */
const inWindow = (dimension: string, window: TimeframeWindow) => ({
  dimension,
  dateRange: window.dateRange,
});

/** A trend series: one bucket per hour (24h), day (7d/30d) or week (all). */
const series = (dimension: string, window: TimeframeWindow) => ({
  dimension,
  granularity: window.granularity,
  dateRange: window.dateRange,
});

/**
 * A non-additive widget: on a moving window it runs raw, with `rawSegments` (a WHERE clause that
 * lets Postgres use a (type, created_at)-style index; the measures filter the same rows anyway);
 * `all` asks without a time filter (every row), which a rollup without a time dimension answers.
 */
const nonAdditive =
  (
    dimension: string,
    reason: string,
    query: Omit<CubeQuery, 'timezone' | 'timeDimensions'>,
    rawSegments: readonly string[] = [],
  ) =>
  (window: TimeframeWindow): Built =>
    window.timeframe === 'all'
      ? { query }
      : {
          query: {
            ...query,
            ...(rawSegments.length > 0 ? { segments: rawSegments } : {}),
            timeDimensions: [inWindow(dimension, window)],
          },
          deliberatelyRaw: reason,
        };

const TOP = 10;

export const WINDOW_WIDGETS: readonly WindowWidget[] = [
  // ------------------------------------------------------------------ Phase 1
  // Phase 1 queries are the web app's own (web/lib/analytics/queries.ts): one definition.
  {
    widget: 'top_templates',
    phase: 1,
    build: (w) => ({
      query:
        w.timeframe === 'all'
          ? topTemplatesAllTimeQuery(TOP)
          : topTemplatesWindowQuery(w.dateRange, TOP),
    }),
  },
  ...(
    [
      ['trend_exports', 'exports'],
      ['trend_prompts', 'prompts'],
      ['trend_conversions', 'paywall'],
    ] as const
  ).map(
    ([widget, metric]): WindowWidget => ({
      widget,
      phase: 1,
      build: (w) => ({ query: trendQuery(metric, w) }),
    }),
  ),

  // ------------------------------------------------------------------ Phase 2: releases
  {
    widget: 'releases_summary',
    phase: 2,
    build: (w) => ({
      query: {
        measures: [
          'releases.published_entries',
          'releases.views',
          'releases.avg_views_per_release',
          'releases.video_coverage',
          'releases.thumbnail_coverage',
          'releases.full_media_coverage',
        ],
        timeDimensions: [inWindow('releases.published_at', w)],
      },
    }),
  },
  {
    widget: 'releases_cadence',
    phase: 2,
    build: nonAdditive('releases.published_at', MEDIAN_OVER_WINDOW, {
      measures: ['releases.median_days_between_releases'],
    }),
  },
  {
    widget: 'releases_top',
    phase: 2,
    build: (w) => ({
      query: {
        dimensions: ['releases.release_id', 'releases.title', 'releases.version'],
        measures: ['releases.views'],
        timeDimensions: [inWindow('releases.published_at', w)],
        order: [
          ['releases.views', 'desc'],
          ['releases.release_id', 'asc'],
        ],
        limit: TOP,
      },
    }),
  },

  // ------------------------------------------------------------------ Phase 2: exports
  {
    widget: 'exports_funnel',
    phase: 2,
    build: (w) => ({
      query: {
        measures: [
          'exports_overview.exports',
          'exports_overview.completed_exports',
          'exports_overview.failed_exports',
          'exports_overview.success_rate',
          'exports_overview.avg_render_seconds',
          'exports_overview.total_video_minutes',
        ],
        timeDimensions: [inWindow('exports_overview.created_at', w)],
      },
    }),
  },
  {
    widget: 'exports_by_format',
    phase: 2,
    build: (w) => ({
      query: {
        dimensions: ['exports_overview.format'],
        measures: [
          'exports_overview.exports',
          'exports_overview.success_rate',
          'exports_overview.avg_render_seconds',
        ],
        timeDimensions: [inWindow('exports_overview.created_at', w)],
        order: [['exports_overview.format', 'asc']],
      },
    }),
  },
  {
    widget: 'export_top_errors',
    phase: 2,
    build: (w) => ({
      query: {
        dimensions: ['export_errors.error_message'],
        measures: ['export_errors.failures'],
        filters: [{ member: 'export_errors.error_message', operator: 'set' }],
        timeDimensions: [inWindow('export_errors.created_at', w)],
        order: [
          ['export_errors.failures', 'desc'],
          ['export_errors.error_message', 'asc'],
        ],
        limit: TOP,
      },
    }),
  },

  // ------------------------------------------------------------------ Phase 2: engagement
  {
    widget: 'engagement_prompts',
    phase: 2,
    build: nonAdditive(
      'engagement.prompted_at',
      DISTINCT_OVER_WINDOW,
      {
        measures: [
          'engagement.prompts',
          'engagement.active_users',
          'engagement.prompts_per_active_user',
        ],
      },
      ['engagement.prompt_messages'],
    ),
  },
  {
    widget: 'engagement_iterations_to_success',
    phase: 2,
    build: (w) => ({
      query: {
        measures: ['engagement.avg_iterations_to_success', 'engagement.succeeded_scenes'],
        timeDimensions: [inWindow('engagement.first_success_at', w)],
      },
    }),
  },
  {
    widget: 'engagement_edit_mix',
    phase: 2,
    build: (w) => ({
      query: {
        measures: [
          'engagement.edits',
          'engagement.structural_edits',
          'engagement.creative_edits',
          'engagement.surgical_edits',
          'engagement.structural_share',
          'engagement.creative_share',
          'engagement.surgical_share',
        ],
        timeDimensions: [inWindow('engagement.iterated_at', w)],
      },
    }),
  },
  {
    widget: 'engagement_time_to_first_scene',
    phase: 2,
    build: (w) => ({
      query: {
        measures: ['engagement.avg_minutes_to_first_scene', 'engagement.projects_with_first_scene'],
        timeDimensions: [inWindow('engagement.first_scene_at', w)],
      },
    }),
  },

  // ------------------------------------------------------------------ Phase 2: monetization
  {
    widget: 'paywall_funnel',
    phase: 2,
    build: (w) => ({
      query: {
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
        timeDimensions: [inWindow('paywall_funnel.created_at', w)],
      },
    }),
  },
  {
    widget: 'paywall_by_trigger',
    phase: 2,
    build: (w) => ({
      query: {
        dimensions: ['paywall_funnel.trigger'],
        measures: [
          'paywall_funnel.views',
          'paywall_funnel.conversions',
          'paywall_funnel.view_to_conversion_rate',
        ],
        timeDimensions: [inWindow('paywall_funnel.created_at', w)],
        order: [['paywall_funnel.trigger', 'asc']],
      },
    }),
  },
  {
    widget: 'credits_summary',
    phase: 2,
    build: (w) => ({
      query: {
        measures: [
          'credits.purchases',
          'credits.credits_purchased',
          'credits.credits_used',
          'credits.revenue',
        ],
        timeDimensions: [inWindow('credits.created_at', w)],
      },
    }),
  },
  {
    widget: 'credits_trend',
    phase: 2,
    build: (w) => ({
      query: {
        measures: ['credits.credits_purchased', 'credits.credits_used', 'credits.revenue'],
        timeDimensions: [series('credits.created_at', w)],
        order: [['credits.created_at', 'asc']],
      },
    }),
  },
  {
    widget: 'credits_paying_users',
    phase: 2,
    build: nonAdditive(
      'credits.created_at',
      DISTINCT_OVER_WINDOW,
      { measures: ['credits.paying_users', 'credits.revenue_per_paying_user'] },
      ['credits.purchase_transactions'],
    ),
  },

  // ------------------------------------------------------------------ Phase 2: LLM
  {
    widget: 'llm_by_model',
    phase: 2,
    build: (w) => ({
      query: {
        dimensions: ['llm_usage.provider', 'llm_usage.model'],
        measures: [
          'llm_usage.calls',
          'llm_usage.input_tokens',
          'llm_usage.output_tokens',
          'llm_usage.total_tokens',
          'llm_usage.avg_response_ms',
          'llm_usage.success_rate',
          'llm_usage.errors',
        ],
        timeDimensions: [inWindow('llm_usage.created_at', w)],
        order: [
          ['llm_usage.total_tokens', 'desc'],
          ['llm_usage.model', 'asc'],
        ],
      },
    }),
  },
  {
    widget: 'llm_tool_hotspots',
    phase: 2,
    build: (w) => ({
      query: {
        dimensions: ['llm_usage.tool_name'],
        measures: ['llm_usage.calls', 'llm_usage.errors', 'llm_usage.error_rate'],
        filters: [{ member: 'llm_usage.tool_name', operator: 'set' }],
        timeDimensions: [inWindow('llm_usage.created_at', w)],
        order: [
          ['llm_usage.calls', 'desc'],
          ['llm_usage.tool_name', 'asc'],
        ],
        limit: TOP,
      },
    }),
  },
  {
    widget: 'llm_error_types',
    phase: 2,
    build: (w) => ({
      query: {
        dimensions: ['llm_usage.provider', 'llm_usage.error_type'],
        measures: ['llm_usage.errors'],
        filters: [{ member: 'llm_usage.error_type', operator: 'set' }],
        timeDimensions: [inWindow('llm_usage.created_at', w)],
        order: [
          ['llm_usage.errors', 'desc'],
          ['llm_usage.provider', 'asc'],
          ['llm_usage.error_type', 'asc'],
        ],
      },
    }),
  },
  {
    widget: 'llm_latency',
    phase: 2,
    build: nonAdditive('llm_usage.created_at', PERCENTILE_OVER_WINDOW, {
      dimensions: ['llm_usage.provider'],
      measures: ['llm_usage.p95_response_ms', 'llm_usage.avg_response_ms'],
      order: [['llm_usage.provider', 'asc']],
    }),
  },
  {
    widget: 'llm_tokens_trend',
    phase: 2,
    build: (w) => ({
      query: {
        measures: ['llm_usage.total_tokens', 'llm_usage.calls'],
        timeDimensions: [series('llm_usage.created_at', w)],
        order: [['llm_usage.created_at', 'asc']],
      },
    }),
  },

  // ------------------------------------------------------------------ Phase 2: assets
  {
    widget: 'assets_by_type',
    phase: 2,
    build: (w) => ({
      query: {
        dimensions: ['assets.asset_type'],
        measures: ['assets.uploads', 'assets.bytes'],
        timeDimensions: [inWindow('assets.created_at', w)],
        order: [['assets.asset_type', 'asc']],
      },
    }),
  },
  {
    widget: 'assets_size_buckets',
    phase: 2,
    build: (w) => ({
      query: {
        dimensions: ['assets.size_bucket'],
        measures: ['assets.uploads'],
        timeDimensions: [inWindow('assets.created_at', w)],
        order: [['assets.size_bucket', 'asc']],
      },
    }),
  },
  {
    widget: 'assets_reuse',
    phase: 2,
    build: (w) => ({
      query: {
        measures: [
          'assets.new_assets',
          'assets.reused_assets',
          'assets.reuse_rate',
          'assets.uploads',
        ],
        timeDimensions: [inWindow('assets.created_at', w)],
      },
    }),
  },
];

type WowWidget = {
  readonly widget: string;
  readonly build: (windows: ReturnType<typeof wowWindows>) => Built;
};

/** Phase 1 week-over-week cards: one query, two windows (`compareDateRange: [current, previous]`). */
export const WOW_WIDGETS: readonly WowWidget[] = [
  { widget: 'wow_export_success', build: (w) => ({ query: wowQuery('export_success', w) }) },
  {
    widget: 'wow_paying_users',
    build: (w) => ({ query: wowQuery('paying_users', w), deliberatelyRaw: DISTINCT_WOW }),
  },
];

/** Every query the tab sends at `now`, every timeframe and week-over-week span. */
export function tabQueries(now: Date | number): TabQuery[] {
  const list: TabQuery[] = [];
  for (const w of WINDOW_WIDGETS) {
    for (const timeframe of TIMEFRAMES) {
      const built = w.build(timeframeWindow(timeframe, now));
      list.push({
        name: `${w.widget}/${timeframe}`,
        widget: w.widget,
        phase: w.phase,
        timeframe,
        query: { ...built.query, timezone: 'UTC' },
        ...(built.deliberatelyRaw ? { deliberatelyRaw: built.deliberatelyRaw } : {}),
      });
    }
  }
  for (const w of WOW_WIDGETS) {
    for (const weeks of WOW_WEEKS) {
      const built = w.build(wowWindows(weeks, now));
      list.push({
        name: `${w.widget}/${weeks}w`,
        widget: w.widget,
        phase: 1,
        timeframe: `wow-${weeks}w`,
        query: { ...built.query, timezone: 'UTC' },
        ...(built.deliberatelyRaw ? { deliberatelyRaw: built.deliberatelyRaw } : {}),
      });
    }
  }
  return list;
}
