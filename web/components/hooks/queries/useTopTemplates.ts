'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { topTemplatesAllTimeQuery, topTemplatesWindowQuery } from '../../../lib/analytics/queries';
import {
  type TopTemplate,
  type TopTemplatesInput,
  topTemplatesInputSchema,
} from '../../../lib/analytics/schemas';
import { toTopTemplates } from '../../../lib/analytics/transform';
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
 * Top templates by use: `all` ranks by the lifetime counter (`lifetime_uses`), the other
 * timeframes count uses inside the window. → `[{ id, name, usageCount, thumbnailUrl }]`.
 */
export function useTopTemplates(input: TopTemplatesInput): CubeQueryState<TopTemplate[]> {
  const loader = useCubeLoader();
  const hour = useUtcHour();
  const parsed = topTemplatesInputSchema.safeParse(input);
  const params = parsed.success
    ? {
        timeframe: parsed.data.timeframe,
        limit: parsed.data.limit,
        dateRange:
          parsed.data.timeframe === 'all'
            ? null
            : timeframeWindow(parsed.data.timeframe, hour).dateRange,
        timezone: 'UTC',
      }
    : null;

  const query = useQuery({
    queryKey: ['cube', 'topTemplates', params] as const,
    queryFn: async ({ signal }) => {
      if (!params) throw new Error('unreachable: disabled without valid input');
      const cubeQuery =
        params.dateRange === null
          ? topTemplatesAllTimeQuery(params.limit)
          : topTemplatesWindowQuery(params.dateRange, params.limit);
      const response = await loader.load(cubeQuery, { signal });
      return cubeAnswer(toTopTemplates(response, params.dateRange === null), [response]);
    },
    enabled: params !== null,
    placeholderData: keepPreviousData,
    ...CUBE_QUERY_OPTIONS,
  });

  return toCubeQueryState(
    query,
    parsed.success ? null : new HookInputError('useTopTemplates', parsed.error),
  );
}
