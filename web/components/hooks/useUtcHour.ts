'use client';

import { useContext, useEffect, useState } from 'react';
import { HOUR_MS, startOfUtcHour } from '../../lib/timeframe';
import { ClockContext } from './cubeContext';

/**
 * Start of the current UTC hour (ms). Every timeframe window is a function of it, so query
 * keys stay stable within the hour and move on by themselves when the hour (or day) turns.
 */
export function useUtcHour(): number {
  const clock = useContext(ClockContext);
  const [hour, setHour] = useState(() => startOfUtcHour(clock()));

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const sync = () => {
      const now = clock();
      setHour(startOfUtcHour(now));
      clearTimeout(timer);
      timer = setTimeout(sync, startOfUtcHour(now) + HOUR_MS - now + 50);
    };
    sync();
    const onVisible = () => {
      if (document.visibilityState === 'visible') sync();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [clock]);

  return hour;
}
