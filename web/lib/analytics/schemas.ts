/**
 * Inputs and outputs of the Phase 1 analytics hooks (one per data endpoint).
 * Types are inferred from these schemas; hook inputs are validated before any request.
 */
import { z } from 'zod';
import { timeframeSchema, wowWeeksSchema } from '../timeframe';

// ---------------------------------------------------------------- useTopTemplates
export const topTemplatesInputSchema = z
  .object({
    timeframe: timeframeSchema,
    limit: z.number().int().min(1).max(100).default(10),
  })
  .strict();
export type TopTemplatesInput = z.input<typeof topTemplatesInputSchema>;

export const topTemplateSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  usageCount: z
    .number()
    .int()
    .nonnegative()
    .describe('uses in the window; lifetime usage counter for `all`'),
  thumbnailUrl: z.string().min(1).nullable(),
});
export type TopTemplate = z.infer<typeof topTemplateSchema>;
export const topTemplatesSchema = z.array(topTemplateSchema);

// ---------------------------------------------------------------- useTrends
export const TREND_METRICS = ['exports', 'prompts', 'paywall'] as const;
export const trendMetricSchema = z.enum(TREND_METRICS);
export type TrendMetric = z.infer<typeof trendMetricSchema>;

export const trendsInputSchema = z
  .object({
    timeframe: timeframeSchema,
    metrics: z
      .array(trendMetricSchema)
      .min(1)
      .refine((m) => new Set(m).size === m.length, 'metrics must be unique'),
  })
  .strict();
export type TrendsInput = z.input<typeof trendsInputSchema>;

export const bucketSchema = z.object({
  bucket: z.iso.datetime().describe('bucket start, ISO-8601 UTC'),
  count: z.number().nonnegative(),
});

export const trendSeriesSchema = z.object({
  buckets: z.array(bucketSchema).describe('zero-filled, oldest first'),
  total: z.number().nonnegative(),
  cumulative: z.array(bucketSchema).describe('running total of buckets'),
});
export type TrendSeries = z.infer<typeof trendSeriesSchema>;

export const trendsSchema = z.object({
  granularity: z.enum(['hour', 'day', 'week']),
  series: z.partialRecord(trendMetricSchema, trendSeriesSchema),
});
export type Trends = z.infer<typeof trendsSchema>;

// ---------------------------------------------------------------- useWoW
export const WOW_METRICS = ['export_success', 'paying_users'] as const;
export const wowMetricSchema = z.enum(WOW_METRICS);
export type WowMetric = z.infer<typeof wowMetricSchema>;

export const wowInputSchema = z
  .object({
    metric: wowMetricSchema,
    weeks: wowWeeksSchema,
  })
  .strict();
export type WowInput = z.input<typeof wowInputSchema>;

export const wowSchema = z.object({
  unit: z
    .enum(['percent', 'count'])
    .describe('percent: current/previous in % (0–100) and deltaAbs in percentage points'),
  current: z.number().nullable().describe('value over the 7·N days ending today'),
  previous: z.number().nullable().describe('value over the 7·N days before'),
  deltaAbs: z.number().nullable().describe('current − previous'),
  deltaPct: z
    .number()
    .nullable()
    .describe('(current − previous) / previous × 100; null if previous is 0'),
});
export type Wow = z.infer<typeof wowSchema>;
