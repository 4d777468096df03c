'use client';

import { lazy } from 'react';
import { isPartialBucket } from '../../lib/buckets';
import { formatAxisLabel, formatBucketLabel, formatCount } from '../../lib/format';
import type { Granularity } from '../../lib/timeframe';
import { useUtcHour } from '../hooks/useUtcHour';
import { ChartBox, FirstPaintLines } from './FirstPaint';
import styles from './Sparkline.module.css';

export interface SparklinePoint {
  readonly bucket: string;
  readonly count: number;
}

export interface SparklineProps {
  readonly data: readonly SparklinePoint[];
  /** Human name of the series, e.g. "Exports". */
  readonly label: string;
  readonly granularity: Granularity;
  /** Any CSS colour; defaults to the accent colour. */
  readonly color?: string;
  readonly height?: number;
  readonly valueFormatter?: (value: number) => string;
  readonly testId?: string;
}

// Recharts is most of the page's JavaScript: it loads after the first paint, which already
// shows the chart (FirstPaint), so hydration does not wait for it.
const SparklineChart = lazy(() => import('./recharts/SparklineChart'));

const UNIT: Record<Granularity, string> = { hour: 'hourly', day: 'daily', week: 'weekly' };

/**
 * A small area chart of zero-filled buckets, with a tooltip in the viewer's local time and a
 * text alternative (a visually hidden table of every bucket).
 */
export function Sparkline(props: SparklineProps) {
  const height = props.height ?? 72;
  const format = props.valueFormatter ?? ((v: number) => formatCount(v));
  const color = props.color ?? 'var(--accent)';
  const total = props.data.reduce((sum, p) => sum + p.count, 0);
  const peak = props.data.reduce<SparklinePoint | null>(
    (best, p) => (best === null || p.count > best.count ? p : best),
    null,
  );
  const first = props.data[0];
  const last = props.data[props.data.length - 1];
  // Hour-aligned buckets: partial at the hour's start exactly when partial now.
  const hour = useUtcHour();
  const partialLast = last !== undefined && isPartialBucket(last.bucket, props.granularity, hour);
  const summary =
    `${props.label}: ${props.data.length} ${UNIT[props.granularity]} buckets, total ${format(total)}` +
    (peak && peak.count > 0
      ? `, peak ${format(peak.count)} (${formatBucketLabel(peak.bucket, props.granularity)})`
      : '');

  return (
    <figure
      className={styles.sparkline}
      data-testid={props.testId}
      data-bucket-count={props.data.length}
      data-total={total}
      data-granularity={props.granularity}
    >
      <ChartBox
        className={styles.chart}
        height={height}
        label={summary}
        firstPaint={
          <FirstPaintLines
            series={[{ key: 'count', color, values: props.data.map((p) => p.count) }]}
            height={height}
            fill
            partialLast={partialLast}
          />
        }
      >
        <SparklineChart
          data={props.data}
          label={props.label}
          granularity={props.granularity}
          color={color}
          height={height}
          format={format}
          partialLast={partialLast}
        />
      </ChartBox>
      {first && last ? (
        <div className={styles.axis} aria-hidden="true">
          <span>{formatAxisLabel(first.bucket, props.granularity)}</span>
          <span>
            {formatAxisLabel(last.bucket, props.granularity)}
            {partialLast ? ' (so far)' : ''}
          </span>
        </div>
      ) : null}
      <figcaption className="sr-only">
        {summary}
        <table>
          <thead>
            <tr>
              <th scope="col">Period (local time)</th>
              <th scope="col">{props.label}</th>
            </tr>
          </thead>
          <tbody>
            {props.data.map((p) => (
              <tr key={p.bucket}>
                <td>{formatBucketLabel(p.bucket, props.granularity)}</td>
                <td>{format(p.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </figcaption>
    </figure>
  );
}
