'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { wowQuery } from '../../../lib/analytics/queries';
import { type Wow, type WowInput, wowInputSchema } from '../../../lib/analytics/schemas';
import { toWow } from '../../../lib/analytics/transform';
import { wowWindows } from '../../../lib/timeframe';
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
 * Week over week: the 7·N days ending today against the 7·N days before, in one Cube
 * query (`compareDateRange`). Export success is a rate in % (delta in percentage points);
 * paying users is a count. → `{ unit, current, previous, deltaAbs, deltaPct }`.
 */
export function useWoW(input: WowInput): CubeQueryState<Wow> {
  const loader = useCubeLoader();
  const hour = useUtcHour();
  const parsed = wowInputSchema.safeParse(input);
  const params = parsed.success
    ? {
        metric: parsed.data.metric,
        weeks: parsed.data.weeks,
        windows: wowWindows(parsed.data.weeks, hour),
        timezone: 'UTC',
      }
    : null;

  const query = useQuery({
    queryKey: [
      'cube',
      'wow',
      params && {
        metric: params.metric,
        weeks: params.weeks,
        current: params.windows.current,
        previous: params.windows.previous,
        timezone: params.timezone,
      },
    ] as const,
    queryFn: async ({ signal }) => {
      if (!params) throw new Error('unreachable: disabled without valid input');
      const response = await loader.load(wowQuery(params.metric, params.windows), { signal });
      return cubeAnswer(toWow(response, params.metric, params.windows), [response]);
    },
    enabled: params !== null,
    placeholderData: keepPreviousData,
    ...CUBE_QUERY_OPTIONS,
  });

  return toCubeQueryState(
    query,
    parsed.success ? null : new HookInputError('useWoW', parsed.error),
  );
}
