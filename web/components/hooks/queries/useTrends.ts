'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
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
import { useCubeLoader } from '../cubeContext';
import { useUtcHour } from '../useUtcHour';
import {
  CUBE_QUERY_OPTIONS,
  type CubeQueryState,
  cubeAnswer,
  HookInputError,
  toCubeQueryState,
} from './cubeQueryState';

/**
 * Trend series per metric (exports, prompts, paywall conversions): zero-filled buckets
 * (24 hourly for 24h, 7/30 daily, weekly for all), the total and the cumulative series.
 * One Cube query per metric, sent in parallel.
 */
export function useTrends(input: TrendsInput): CubeQueryState<Trends> {
  const loader = useCubeLoader();
  const hour = useUtcHour();
  const parsed = trendsInputSchema.safeParse(input);
  const params = parsed.success
    ? {
        timeframe: parsed.data.timeframe,
        metrics: parsed.data.metrics,
        window: timeframeWindow(parsed.data.timeframe, hour),
        timezone: 'UTC',
      }
    : null;

  const query = useQuery({
    queryKey: [
      'cube',
      'trends',
      params && {
        timeframe: params.timeframe,
        metrics: params.metrics,
        granularity: params.window.granularity,
        dateRange: params.window.dateRange,
        lastBucketStart: params.window.lastBucketStart,
        timezone: params.timezone,
      },
    ] as const,
    queryFn: async ({ signal }) => {
      if (!params) throw new Error('unreachable: disabled without valid input');
      const { window, metrics } = params;
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
    enabled: params !== null,
    placeholderData: keepPreviousData,
    ...CUBE_QUERY_OPTIONS,
  });

  return toCubeQueryState(
    query,
    parsed.success ? null : new HookInputError('useTrends', parsed.error),
  );
}
