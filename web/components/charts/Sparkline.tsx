'use client';

import { useId } from 'react';
import { Area, AreaChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatAxisLabel, formatBucketLabel, formatCount } from '../../lib/format';
import type { Granularity } from '../../lib/timeframe';
import { ChartBox, FirstPaintLines, useEntranceAnimation } from './FirstPaint';
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

const UNIT: Record<Granularity, string> = { hour: 'hourly', day: 'daily', week: 'weekly' };

function isPoint(value: unknown): value is SparklinePoint {
  return (
    typeof value === 'object' &&
    value !== null &&
    'bucket' in value &&
    typeof value.bucket === 'string' &&
    'count' in value &&
    typeof value.count === 'number'
  );
}

function SparkTooltip(props: {
  active: boolean | undefined;
  payload: readonly { payload?: unknown }[] | undefined;
  granularity: Granularity;
  label: string;
  color: string;
  format: (v: number) => string;
}) {
  const point = props.payload?.[0]?.payload;
  if (!props.active || !isPoint(point)) return null;
  return (
    <div className={styles.tooltip}>
      <div className={styles.tooltipLabel}>
        {formatBucketLabel(point.bucket, props.granularity)}
      </div>
      <div className={styles.tooltipValue}>
        <span
          className={styles.swatch}
          style={{ ['--swatch' as string]: props.color }}
          aria-hidden="true"
        />
        {props.label}: <strong>{props.format(point.count)}</strong>
      </div>
    </div>
  );
}

/**
 * A small area chart of zero-filled buckets, with a tooltip in the viewer's local time and a
 * text alternative (a visually hidden table of every bucket).
 */
export function Sparkline(props: SparklineProps) {
  const gradientId = `spark-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const animate = useEntranceAnimation();
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
        label={summary}
        firstPaint={
          <FirstPaintLines
            series={[{ key: 'count', color, values: props.data.map((p) => p.count) }]}
            height={height}
            fill
          />
        }
      >
        <AreaChart
          responsive
          data={props.data.map((p) => ({ ...p }))}
          style={{ width: '100%', height }}
          margin={{ top: 4, right: 2, bottom: 0, left: 2 }}
        >
          <defs>
            <linearGradient id={gradientId} x1="0" y1="0" x2="0" y2="1">
              <stop offset="0%" stopColor={color} stopOpacity={0.28} />
              <stop offset="100%" stopColor={color} stopOpacity={0} />
            </linearGradient>
          </defs>
          <XAxis dataKey="bucket" hide />
          <YAxis hide domain={[0, (max: number) => Math.max(1, max)]} />
          <Tooltip
            cursor={{ stroke: 'var(--border-strong)', strokeWidth: 1 }}
            isAnimationActive={false}
            content={(p) => (
              <SparkTooltip
                active={p.active}
                payload={p.payload}
                granularity={props.granularity}
                label={props.label}
                color={color}
                format={format}
              />
            )}
          />
          <Area
            type="monotone"
            dataKey="count"
            stroke={color}
            strokeWidth={2}
            fill={`url(#${gradientId})`}
            dot={false}
            activeDot={{ r: 3, strokeWidth: 0, fill: color }}
            isAnimationActive={animate}
            animationDuration={400}
          />
        </AreaChart>
      </ChartBox>
      {first && last ? (
        <div className={styles.axis} aria-hidden="true">
          <span>{formatAxisLabel(first.bucket, props.granularity)}</span>
          <span>{formatAxisLabel(last.bucket, props.granularity)}</span>
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
