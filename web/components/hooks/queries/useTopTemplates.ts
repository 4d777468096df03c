'use client';

import { topTemplatesAllTimeQuery, topTemplatesWindowQuery } from '../../../lib/analytics/queries';
import {
  type TopTemplate,
  type TopTemplatesInput,
  topTemplatesInputSchema,
} from '../../../lib/analytics/schemas';
import { toTopTemplates } from '../../../lib/analytics/transform';
import { timeframeWindow } from '../../../lib/timeframe';
import { type CubeQueryState, cubeAnswer } from './cubeQueryState';
import { useCubeHook } from './useCubeHook';

/**
 * Top templates by use: `all` ranks by the lifetime counter (`lifetime_uses`), the other
 * timeframes count uses inside the window. → `[{ id, name, usageCount, thumbnailUrl }]`.
 */
export function useTopTemplates(input: TopTemplatesInput): CubeQueryState<TopTemplate[]> {
  return useCubeHook({
    name: 'useTopTemplates',
    schema: topTemplatesInputSchema,
    input,
    params: ({ timeframe, limit }, hour) => ({
      timeframe,
      limit,
      dateRange: timeframe === 'all' ? null : timeframeWindow(timeframe, hour).dateRange,
      timezone: 'UTC',
    }),
    load: async (params, loader, signal) => {
      const cubeQuery =
        params.dateRange === null
          ? topTemplatesAllTimeQuery(params.limit)
          : topTemplatesWindowQuery(params.dateRange, params.limit);
      const response = await loader.load(cubeQuery, { signal });
      return cubeAnswer(toTopTemplates(response, params.dateRange === null), [response]);
    },
  });
}
