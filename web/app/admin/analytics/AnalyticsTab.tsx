'use client';

import { useSearchParams } from 'next/navigation';
import { AnalyticsProviders } from '../../../components/providers/AnalyticsProviders';
import { parseSectionParams } from '../../../lib/analytics/sections';
import {
  parseTimeframeParam,
  parseWowWeeksParam,
  windowTimeframeSchema,
} from '../../../lib/timeframe';
import { AnalyticsDashboard } from './AnalyticsDashboard';
import { SectionsPanel } from './sections/SectionsPanel';

/** Pushes `key=value` onto the URL (Next keeps useSearchParams in sync with pushState). */
function setSearchParam(key: string, value: string) {
  const params = new URLSearchParams(window.location.search);
  params.set(key, value);
  window.history.pushState(null, '', `?${params.toString()}`);
}

/**
 * The tab's view state lives in the URL: `?tf=24h|7d|30d|90d|all&wow=1|2|4&section=…`. One
 * timeframe for the page: the Phase 1 row shows it when it offers it (90d is the Releases
 * section's only), and each section falls back to its default when it does not offer it.
 */
export function AnalyticsTab() {
  const searchParams = useSearchParams();
  const rawTf = searchParams.get('tf');
  const tf = parseTimeframeParam(rawTf);
  const wow = parseWowWeeksParam(searchParams.get('wow'));
  const sections = parseSectionParams(searchParams.get('section'), rawTf);
  // A section-only timeframe is not an error for the Phase 1 row: it shows its default.
  const phase1Rejected = windowTimeframeSchema.safeParse(rawTf).success ? null : tf.rejected;
  return (
    <AnalyticsProviders>
      <AnalyticsDashboard
        timeframe={tf.value}
        weeks={wow.value}
        rejectedTimeframe={phase1Rejected}
        rejectedWeeks={wow.rejected}
        onTimeframeChange={(value) => setSearchParam('tf', value)}
        onWeeksChange={(value) => setSearchParam('wow', String(value))}
      />
      <SectionsPanel
        section={sections.section}
        timeframe={sections.timeframe}
        rejectedSection={sections.rejectedSection}
        rejectedTimeframe={sections.rejectedTimeframe}
        search={searchParams.toString()}
        onNavigate={(href) => window.history.pushState(null, '', href)}
      />
    </AnalyticsProviders>
  );
}
