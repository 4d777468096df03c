'use client';

import { createContext, useContext } from 'react';

/**
 * The page's query string and navigation, for a section widget whose own state lives in the URL
 * (the release detail's `?release=`), so Back, reload and links restore it.
 */
export const SectionNavContext = createContext<{
  readonly search: string;
  readonly navigate: (href: string) => void;
}>({ search: '', navigate: () => {} });

export const useSectionNav = () => useContext(SectionNavContext);

/** The detail's key in the URL; a section or timeframe change closes it (sectionHref drops it). */
export const RELEASE_PARAM = 'release';

/** The page's URL with `key` set to `value`, or removed when `value` is null. */
export function withSearchParam(search: string, key: string, value: string | null): string {
  const params = new URLSearchParams(search);
  if (value === null) params.delete(key);
  else params.set(key, value);
  return `?${params.toString()}`;
}
