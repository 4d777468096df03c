'use client';

import { topTemplatesDefinition } from '../../../lib/analytics/definitions';
import type { TopTemplate, TopTemplatesInput } from '../../../lib/analytics/schemas';
import type { CubeQueryState } from './cubeQueryState';
import { useCubeHook } from './useCubeHook';

/**
 * Top templates by use: `all` ranks by the lifetime counter (`lifetime_uses`), the other
 * timeframes count uses inside the window. → `[{ id, name, usageCount, thumbnailUrl }]`.
 */
export function useTopTemplates(input: TopTemplatesInput): CubeQueryState<TopTemplate[]> {
  return useCubeHook(topTemplatesDefinition, input);
}
