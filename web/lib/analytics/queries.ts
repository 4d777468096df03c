/**
 * Every Cube query of the Admin → Analytics tab, in one place. Each builder returns a
 * literal query object (typed `as const` through `cubeQuery`'s const type parameter);
 * member names are checked against `members.generated.ts` at compile time.
 */
import type { MeasureName, MemberName, TimeDimensionName } from '../cube/members';
import { cubeQuery } from '../cube/query';
import type { CubeDateRange, TimeframeWindow, WowWindows } from '../timeframe';
import type { TrendMetric, WowMetric } from './schemas';

// ---------------------------------------------------------------- Top templates (leaderboard)
/** How many templates the leaderboard shows. */
export const TOP_TEMPLATES_LIMIT = 10;

export const TEMPLATE = {
  id: 'template_leaderboard.template_id',
  name: 'template_leaderboard.template_name',
  thumbnailUrl: 'template_leaderboard.thumbnail_url',
  usedAt: 'template_leaderboard.created_at',
  uses: 'template_leaderboard.uses',
  lifetimeUses: 'template_leaderboard.lifetime_uses',
} as const satisfies Record<string, MemberName>;

/** `all`: lifetime counter (templates.usage_count); ties broken by template id. */
export function topTemplatesAllTimeQuery(limit: number) {
  return cubeQuery({
    dimensions: [TEMPLATE.id, TEMPLATE.name, TEMPLATE.thumbnailUrl],
    measures: [TEMPLATE.lifetimeUses],
    order: [
      [TEMPLATE.lifetimeUses, 'desc'],
      [TEMPLATE.id, 'asc'],
    ],
    limit,
    timezone: 'UTC',
  });
}

/** 24h/7d/30d: template_usage rows in the window; ties broken by template id. */
export function topTemplatesWindowQuery(dateRange: CubeDateRange, limit: number) {
  return cubeQuery({
    dimensions: [TEMPLATE.id, TEMPLATE.name, TEMPLATE.thumbnailUrl],
    measures: [TEMPLATE.uses],
    timeDimensions: [{ dimension: TEMPLATE.usedAt, dateRange }],
    order: [
      [TEMPLATE.uses, 'desc'],
      [TEMPLATE.id, 'asc'],
    ],
    limit,
    timezone: 'UTC',
  });
}

// ---------------------------------------------------------------- Trend sparklines
export interface TrendMetricSpec {
  readonly measure: MeasureName;
  readonly timeDimension: TimeDimensionName;
  readonly label: string;
}

export const TREND_METRIC_SPECS = {
  exports: {
    measure: 'exports_overview.exports',
    timeDimension: 'exports_overview.created_at',
    label: 'Exports',
  },
  prompts: {
    measure: 'prompts.prompts',
    timeDimension: 'prompts.created_at',
    label: 'Prompts',
  },
  paywall: {
    measure: 'paywall_funnel.conversions',
    timeDimension: 'paywall_funnel.created_at',
    label: 'Conversions',
  },
} as const satisfies Record<TrendMetric, TrendMetricSpec>;

export function trendQuery(metric: TrendMetric, window: TimeframeWindow) {
  const spec = TREND_METRIC_SPECS[metric];
  return cubeQuery({
    measures: [spec.measure],
    timeDimensions: [
      {
        dimension: spec.timeDimension,
        granularity: window.granularity,
        dateRange: window.dateRange,
      },
    ],
    order: [[spec.timeDimension, 'asc']],
    timezone: 'UTC',
  });
}

// ---------------------------------------------------------------- Week over week
export const WOW_MEMBERS = {
  export_success: {
    completed: 'exports_overview.completed_exports',
    all: 'exports_overview.exports',
    timeDimension: 'exports_overview.created_at',
  },
  paying_users: {
    payingUsers: 'credits.paying_users',
    timeDimension: 'credits.created_at',
    // Distinct users are not additive, so this query runs on the raw table (model/README.md);
    // the segment's `type = 'purchase'` lets Postgres use the (type, created_at) index.
    purchases: 'credits.purchase_transactions',
  },
} as const satisfies Record<WowMetric, Record<string, MemberName>>;

/** One query, two windows: `compareDateRange: [current, previous]`. */
export function wowQuery(metric: WowMetric, windows: WowWindows) {
  const compareDateRange = [windows.current, windows.previous] as const;
  if (metric === 'export_success') {
    const m = WOW_MEMBERS.export_success;
    return cubeQuery({
      measures: [m.completed, m.all],
      timeDimensions: [{ dimension: m.timeDimension, compareDateRange }],
      timezone: 'UTC',
    });
  }
  const m = WOW_MEMBERS.paying_users;
  return cubeQuery({
    measures: [m.payingUsers],
    segments: [m.purchases],
    timeDimensions: [{ dimension: m.timeDimension, compareDateRange }],
    timezone: 'UTC',
  });
}
