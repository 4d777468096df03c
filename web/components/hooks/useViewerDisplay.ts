'use client';

import { useSyncExternalStore } from 'react';
import { setDisplayFallback } from '../../lib/format';

const subscribe = () => () => {};

/**
 * False while rendering on the server and while hydrating its HTML, true from the browser's
 * next render on: React renders with the server snapshot during hydration, then re-renders
 * with the browser's.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}

/**
 * For the tab's root: formats in SERVER_DISPLAY (lib/format.ts) until hydration is done, so the
 * browser's first render matches the server's HTML, then in the viewer's locale and zone. The
 * root re-renders when this flips, and with it every widget below (none is memoised).
 */
export function useViewerDisplay(): boolean {
  const hydrated = useHydrated();
  setDisplayFallback(hydrated);
  return hydrated;
}
