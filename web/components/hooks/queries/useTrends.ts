'use client';

import { trendsDefinition } from '../../../lib/analytics/definitions';
import type { Trends, TrendsInput } from '../../../lib/analytics/schemas';
import type { CubeQueryState } from './cubeQueryState';
import { useCubeHook } from './useCubeHook';

/**
 * Trend series per metric (exports, prompts, paywall conversions): zero-filled buckets
 * (24 hourly for 24h, 7/30 daily, weekly for all), the total and the cumulative series.
 * One Cube query per metric, sent in parallel.
 */
export function useTrends(input: TrendsInput): CubeQueryState<Trends> {
  return useCubeHook(trendsDefinition, input);
}
