'use client';

import { useContext, useEffect, useState } from 'react';
import { formatAgo, formatAsOf, formatExact } from '../../lib/format';
import { ClockContext } from '../hooks/cubeContext';
import { useHydrated } from '../hooks/useViewerDisplay';
import styles from './DataAsOf.module.css';

/** "Data as of 14:05 · 3 min ago" from Cube's lastRefreshTime, in the viewer's time zone. */
export function DataAsOf(props: { lastRefreshTime: string | null }) {
  const clock = useContext(ClockContext);
  // The server's "now" is not the browser's: the age appears once hydrated (see useViewerDisplay).
  const hydrated = useHydrated();
  // Re-render every 30 s so "3 min ago" stays true while the page is open.
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (!props.lastRefreshTime) {
    return <span className={styles.asOf}>Data as of: unknown</span>;
  }
  const now = hydrated ? clock() : null;
  const exact = formatExact(props.lastRefreshTime);
  return (
    <span
      className={styles.asOf}
      data-testid="data-as-of"
      data-last-refresh={props.lastRefreshTime}
    >
      Data as of{' '}
      <time dateTime={props.lastRefreshTime} title={exact}>
        {formatAsOf(props.lastRefreshTime, now)}
      </time>{' '}
      {now !== null && (
        <span className={styles.ago}>· {formatAgo(props.lastRefreshTime, now)}</span>
      )}
    </span>
  );
}
