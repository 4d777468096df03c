'use client';

import { useSearchParams } from 'next/navigation';

/**
 * How the tab reads and writes its view state in the host's URL. `useSearch` is a hook (called
 * during render) returning the current query string; `push` navigates to `?…` (same path).
 */
export interface RouterAdapter {
  readonly useSearch: () => string;
  readonly push: (href: string) => void;
}

/** Next's App Router: useSearchParams reads, pushState writes (Next keeps the two in sync). */
export const nextRouterAdapter: RouterAdapter = {
  useSearch: () => useSearchParams().toString(),
  push: (href) => window.history.pushState(null, '', href),
};
