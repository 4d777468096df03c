'use client';

import { useContext, useEffect, useState } from 'react';
import { formatAgo, formatAsOf, formatExact } from '../../lib/format';
import { ClockContext } from '../hooks/cubeContext';
import { useHydrated } from '../hooks/useViewerDisplay';
import styles from './DataAsOf.module.css';

/**
 * Why two widgets can say different times: each reads its own rollup, refreshed on that rollup's
 * schedule (model/README.md, "Refresh"), or the source tables (current when asked).
 */
const FRESHNESS_RULES = {
  rollup:
    'When Cube last refreshed the rollup this widget reads. Rollups of windowed figures refresh ' +
    'every 10 minutes; lifetime figures that need a whole rebuild (all-time active users, p95 ' +
    'latency, asset reuse) once a day at 00:00 UTC. So widgets can show different times.',
  source: 'Read from the source tables when the widget asked: current at that time.',
} as const;

/** "Data as of 14:05 · 3 min ago" from Cube's lastRefreshTime, in the viewer's time zone. */
export function DataAsOf(props: { lastRefreshTime: string | null; fromPreAggregations: boolean }) {
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
  const rule = FRESHNESS_RULES[props.fromPreAggregations ? 'rollup' : 'source'];
  return (
    <span
      className={styles.asOf}
      data-testid="data-as-of"
      data-last-refresh={props.lastRefreshTime}
      title={`${exact}. ${rule}`}
    >
      Data as of{' '}
      <time dateTime={props.lastRefreshTime}>{formatAsOf(props.lastRefreshTime, now)}</time>{' '}
      {now !== null && (
        <span className={styles.ago}>· {formatAgo(props.lastRefreshTime, now)}</span>
      )}
      <span className="sr-only">. {rule}</span>
    </span>
  );
}
