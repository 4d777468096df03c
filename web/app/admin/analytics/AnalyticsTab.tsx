'use client';

import { useSearchParams } from 'next/navigation';
import { AnalyticsProviders } from '../../../components/providers/AnalyticsProviders';
import { parseTimeframeParam, parseWowWeeksParam } from '../../../lib/timeframe';
import { AnalyticsDashboard } from './AnalyticsDashboard';

/** Pushes `key=value` onto the URL (Next keeps useSearchParams in sync with pushState). */
function setSearchParam(key: string, value: string) {
  const params = new URLSearchParams(window.location.search);
  params.set(key, value);
  window.history.pushState(null, '', `?${params.toString()}`);
}

/** The tab's view state lives in the URL: `?tf=24h|7d|30d|all&wow=1|2|4`. */
export function AnalyticsTab() {
  const searchParams = useSearchParams();
  const tf = parseTimeframeParam(searchParams.get('tf'));
  const wow = parseWowWeeksParam(searchParams.get('wow'));
  return (
    <AnalyticsProviders>
      <AnalyticsDashboard
        timeframe={tf.value}
        weeks={wow.value}
        rejectedTimeframe={tf.rejected}
        rejectedWeeks={wow.rejected}
        onTimeframeChange={(value) => setSearchParam('tf', value)}
        onWeeksChange={(value) => setSearchParam('wow', String(value))}
      />
    </AnalyticsProviders>
  );
}
