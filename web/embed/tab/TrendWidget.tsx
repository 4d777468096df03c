'use client';

import { Sparkline } from '../../components/charts/Sparkline';
import { useTrends } from '../../components/hooks/queries/useTrends';
import { SkeletonLine, SkeletonStack } from '../../components/panel/Skeleton';
import { WidgetPanel } from '../../components/panel/WidgetPanel';
import { PHASE1_WIDGETS, trendWidgetId } from '../../lib/analytics/phase1';
import type { TrendMetric } from '../../lib/analytics/schemas';
import { definitionsOf } from '../../lib/definitions';
import { formatCount } from '../../lib/format';
import { TIMEFRAME_LABELS, type Timeframe, timeframeWindow } from '../../lib/timeframe';
import styles from './TrendWidget.module.css';

const COLORS: Record<TrendMetric, string> = {
  exports: 'var(--series-1)',
  prompts: 'var(--series-2)',
  paywall: 'var(--series-3)',
};

const BUCKETS: Record<Timeframe, string> = {
  '24h': 'hourly',
  '7d': 'daily',
  '30d': 'daily',
  all: 'weekly',
};

/** One sparkline card: the metric's total in the timeframe and its zero-filled buckets. */
export function TrendWidget(props: { timeframe: Timeframe; metric: TrendMetric }) {
  const query = useTrends({ timeframe: props.timeframe, metrics: [props.metric] });
  const spec = PHASE1_WIDGETS[trendWidgetId(props.metric)];
  const label = spec.title;
  return (
    <WidgetPanel
      testId={`widget-trend-${props.metric}`}
      title={label}
      definitions={definitionsOf(spec.queries(timeframeWindow(props.timeframe, 0)))}
      subtitle={`${TIMEFRAME_LABELS[props.timeframe]} · ${BUCKETS[props.timeframe]}`}
      query={query}
      explore={{
        name: label,
        timeframe: TIMEFRAME_LABELS[props.timeframe],
        table: (trends) => spec.table(trends),
      }}
      isEmpty={(trends) => (trends.series[props.metric]?.buckets.length ?? 0) === 0}
      empty={`No ${label.toLowerCase()} yet.`}
      skeleton={
        <SkeletonStack>
          <SkeletonLine width="40%" height={28} />
          <SkeletonLine height={72} />
        </SkeletonStack>
      }
    >
      {(trends) => {
        const series = trends.series[props.metric];
        if (!series) return null;
        return (
          <div>
            <div className={styles.total} data-testid={`trend-total-${props.metric}`}>
              {formatCount(series.total)}
              <span className={styles.unit}>total</span>
            </div>
            <Sparkline
              testId={`sparkline-${props.metric}`}
              data={series.buckets}
              label={label}
              granularity={trends.granularity}
              color={COLORS[props.metric]}
            />
            {series.total === 0 ? (
              <p className={styles.note}>No {label.toLowerCase()} in this period.</p>
            ) : null}
          </div>
        );
      }}
    </WidgetPanel>
  );
}
