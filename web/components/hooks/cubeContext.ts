'use client';

import { createContext, useContext } from 'react';
import type { CubeLoader } from '../../lib/cube/client';

export const CubeLoaderContext = createContext<CubeLoader | null>(null);

/** The Cube loader the analytics hooks query through (see AnalyticsProviders). */
export function useCubeLoader(): CubeLoader {
  const loader = useContext(CubeLoaderContext);
  if (!loader) throw new Error('useCubeLoader must be used inside <AnalyticsProviders>');
  return loader;
}

/** Source of "now" (UTC ms); tests inject a fixed clock. */
export const ClockContext = createContext<() => number>(Date.now);
