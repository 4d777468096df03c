'use client';

import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

/** "times in Europe/Berlin": the viewer's zone, rendered only in the browser. */
export function ViewerTimeZone() {
  const zone = useSyncExternalStore(
    subscribe,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    () => null,
  );
  return <span>{zone ? `times in ${zone}` : 'times in your time zone'}</span>;
}
