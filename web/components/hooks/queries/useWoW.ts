'use client';

import { wowQuery } from '../../../lib/analytics/queries';
import { type Wow, type WowInput, wowInputSchema } from '../../../lib/analytics/schemas';
import { toWow } from '../../../lib/analytics/transform';
import { wowWindows } from '../../../lib/timeframe';
import { type CubeQueryState, cubeAnswer } from './cubeQueryState';
import { useCubeHook } from './useCubeHook';

/**
 * Week over week: the 7·N days ending today against the 7·N days before, in one Cube
 * query (`compareDateRange`). Export success is a rate in % (delta in percentage points);
 * paying users is a count. → `{ unit, current, previous, deltaAbs, deltaPct }`.
 */
export function useWoW(input: WowInput): CubeQueryState<Wow> {
  return useCubeHook({
    name: 'useWoW',
    schema: wowInputSchema,
    input,
    params: ({ metric, weeks }, hour) => ({ metric, weeks, windows: wowWindows(weeks, hour) }),
    key: ({ metric, weeks, windows }) => ({
      metric,
      weeks,
      current: windows.current,
      previous: windows.previous,
      timezone: 'UTC',
    }),
    load: async ({ metric, windows }, loader, signal) => {
      const response = await loader.load(wowQuery(metric, windows), { signal });
      return cubeAnswer(toWow(response, metric, windows), [response]);
    },
  });
}
