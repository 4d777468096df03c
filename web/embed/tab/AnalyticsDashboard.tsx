'use client';

import { useQueryErrorResetBoundary } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ChipGroup } from '../../components/input/ChipGroup';
import { WidgetErrorBoundary } from '../../components/panel/WidgetErrorBoundary';
import { PHASE1_WIDGETS, trendWidgetId, wowWidgetId } from '../../lib/analytics/phase1';
import type { TrendMetric, WowMetric } from '../../lib/analytics/schemas';
import {
  TIMEFRAME_LABELS,
  TIMEFRAMES,
  type Timeframe,
  WOW_WEEKS,
  type WowWeeks,
} from '../../lib/timeframe';
import styles from './AnalyticsDashboard.module.css';
import { TopTemplatesWidget } from './TopTemplatesWidget';
import { TrendWidget } from './TrendWidget';
import { ViewerTimeZone } from './ViewerTimeZone';
import { WowWidget } from './WowWidget';

const TIMEFRAME_OPTIONS = TIMEFRAMES.map((tf) => ({
  value: tf,
  label: tf === 'all' ? 'All' : tf,
  description: TIMEFRAME_LABELS[tf],
}));

const WEEK_OPTIONS = WOW_WEEKS.map((w) => ({
  value: w,
  label: `${w}w`,
  description: w === 1 ? '1 week' : `${w} weeks`,
}));

const TREND_METRICS: readonly TrendMetric[] = ['exports', 'prompts', 'paywall'];
const WOW_METRICS: readonly WowMetric[] = ['export_success', 'paying_users'];

function Isolated(props: { testId: string; title: string; children: ReactNode }) {
  const { reset } = useQueryErrorResetBoundary();
  return (
    <WidgetErrorBoundary testId={props.testId} title={props.title} onReset={reset}>
      {props.children}
    </WidgetErrorBoundary>
  );
}

export interface AnalyticsDashboardProps {
  readonly timeframe: Timeframe;
  readonly weeks: WowWeeks;
  /** Raw `?tf=` / `?wow=` values that were not understood (shown as a note). */
  readonly rejectedTimeframe: string | null;
  readonly rejectedWeeks: string | null;
  readonly onTimeframeChange: (tf: Timeframe) => void;
  readonly onWeeksChange: (weeks: WowWeeks) => void;
}

/** The Analytics tab: filter chips, sparkline row, leaderboard and week-over-week cards. */
export function AnalyticsDashboard(props: AnalyticsDashboardProps) {
  return (
    <div className={styles.page} data-testid="analytics-dashboard" data-timeframe={props.timeframe}>
      <div className={styles.header}>
        <div>
          <h1 className={styles.title}>Analytics</h1>
          <p className={styles.subtitle}>
            Overview: {TIMEFRAME_LABELS[props.timeframe]} · <ViewerTimeZone />
          </p>
        </div>
        <ChipGroup
          label="Overview timeframe (this row only; sections below have their own)"
          testId="timeframe-chips"
          options={TIMEFRAME_OPTIONS}
          value={props.timeframe}
          onChange={props.onTimeframeChange}
        />
      </div>

      {props.rejectedTimeframe !== null ? (
        <p className="notice" role="status" data-testid="timeframe-notice">
          Unknown timeframe “{props.rejectedTimeframe}” in the link — showing{' '}
          {TIMEFRAME_LABELS[props.timeframe].toLowerCase()} instead.
        </p>
      ) : null}

      <div className={`${styles.grid} ${styles.trends}`}>
        {TREND_METRICS.map((metric) => (
          <Isolated
            key={metric}
            testId={`widget-trend-${metric}`}
            title={PHASE1_WIDGETS[trendWidgetId(metric)].title}
          >
            <TrendWidget timeframe={props.timeframe} metric={metric} />
          </Isolated>
        ))}
      </div>

      <div className={`${styles.grid} ${styles.main}`}>
        <Isolated testId="widget-top-templates" title={PHASE1_WIDGETS.top_templates.title}>
          <TopTemplatesWidget timeframe={props.timeframe} />
        </Isolated>

        <section className={styles.wow} aria-labelledby="wow-heading">
          <div className={styles.sectionHeader}>
            <h2 className={styles.sectionTitle} id="wow-heading">
              Week over week
            </h2>
            <ChipGroup
              label="Comparison window"
              testId="wow-weeks"
              size="small"
              options={WEEK_OPTIONS}
              value={props.weeks}
              onChange={props.onWeeksChange}
            />
          </div>
          {props.rejectedWeeks !== null ? (
            <p className="notice" role="status" data-testid="wow-notice">
              Unknown comparison window “{props.rejectedWeeks}” — showing {props.weeks} week.
            </p>
          ) : null}
          {WOW_METRICS.map((metric) => (
            <Isolated
              key={metric}
              testId={`widget-wow-${metric}`}
              title={PHASE1_WIDGETS[wowWidgetId(metric)].title}
            >
              <WowWidget metric={metric} weeks={props.weeks} />
            </Isolated>
          ))}
        </section>
      </div>
    </div>
  );
}
