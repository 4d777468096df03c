'use client';

import { wowDefinition } from '../../../lib/analytics/definitions';
import type { Wow, WowInput } from '../../../lib/analytics/schemas';
import type { CubeQueryState } from './cubeQueryState';
import { useCubeHook } from './useCubeHook';

/**
 * Week over week: the 7·N days ending today against the 7·N days before, in one Cube
 * query (`compareDateRange`). Export success is a rate in % (delta in percentage points);
 * paying users is a count. → `{ unit, current, previous, deltaAbs, deltaPct }`.
 */
export function useWoW(input: WowInput): CubeQueryState<Wow> {
  return useCubeHook(wowDefinition, input);
}
