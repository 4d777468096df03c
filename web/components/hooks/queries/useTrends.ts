'use client';

import { trendQuery } from '../../../lib/analytics/queries';
import {
  type TrendSeries,
  type Trends,
  type TrendsInput,
  trendsInputSchema,
  trendsSchema,
} from '../../../lib/analytics/schemas';
import { toTrendSeries } from '../../../lib/analytics/transform';
import { timeframeWindow } from '../../../lib/timeframe';
import { type CubeQueryState, cubeAnswer } from './cubeQueryState';
import { useCubeHook } from './useCubeHook';

/**
 * Trend series per metric (exports, prompts, paywall conversions): zero-filled buckets
 * (24 hourly for 24h, 7/30 daily, weekly for all), the total and the cumulative series.
 * One Cube query per metric, sent in parallel.
 */
export function useTrends(input: TrendsInput): CubeQueryState<Trends> {
  return useCubeHook({
    name: 'useTrends',
    schema: trendsInputSchema,
    input,
    params: ({ timeframe, metrics }, hour) => ({
      timeframe,
      metrics,
      window: timeframeWindow(timeframe, hour),
    }),
    key: ({ timeframe, metrics, window }) => ({
      timeframe,
      metrics,
      granularity: window.granularity,
      dateRange: window.dateRange,
      lastBucketStart: window.lastBucketStart,
      timezone: 'UTC',
    }),
    load: async ({ metrics, window }, loader, signal) => {
      const responses = await Promise.all(
        metrics.map((metric) => loader.load(trendQuery(metric, window), { signal })),
      );
      const series: Partial<Record<(typeof metrics)[number], TrendSeries>> = {};
      metrics.forEach((metric, i) => {
        const response = responses[i];
        if (response) series[metric] = toTrendSeries(response, metric, window);
      });
      return cubeAnswer(trendsSchema.parse({ granularity: window.granularity, series }), responses);
    },
  });
}
