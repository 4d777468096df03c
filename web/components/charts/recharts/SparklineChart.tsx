'use client';

import { useId } from 'react';
import { Area, AreaChart, Tooltip, XAxis, YAxis } from 'recharts';
import { splitPartial } from '../../../lib/buckets';
import { formatBucketLabel } from '../../../lib/format';
import type { Granularity } from '../../../lib/timeframe';
import { useEntranceAnimation } from '../FirstPaint';
import type { SparklinePoint } from '../Sparkline';
import styles from '../Sparkline.module.css';

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
        {'solid' in point && point.solid === null ? ' (so far)' : ''}
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

/** The interactive sparkline (Recharts), loaded after the first paint (see Sparkline). */
export default function SparklineChart(props: {
  data: readonly SparklinePoint[];
  label: string;
  granularity: Granularity;
  color: string;
  height: number;
  format: (value: number) => string;
  partialLast: boolean;
}) {
  const gradientId = `spark-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const animate = useEntranceAnimation();
  return (
    <AreaChart
      responsive
      accessibilityLayer={false}
      data={splitPartial(props.data, props.partialLast)}
      style={{ width: '100%', height: props.height }}
      margin={{ top: 4, right: 2, bottom: 0, left: 2 }}
    >
      <defs>
        <linearGradient id={gradientId} x1="0" y1="0" x2="0" y2="1">
          <stop offset="0%" stopColor={props.color} stopOpacity={0.28} />
          <stop offset="100%" stopColor={props.color} stopOpacity={0} />
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
            color={props.color}
            format={props.format}
          />
        )}
      />
      <Area
        type="linear"
        dataKey="solid"
        stroke={props.color}
        strokeWidth={2}
        fill={`url(#${gradientId})`}
        dot={false}
        activeDot={{ r: 3, strokeWidth: 0, fill: props.color }}
        isAnimationActive={animate}
        animationDuration={400}
      />
      {props.partialLast ? (
        <Area
          type="linear"
          dataKey="partial"
          stroke={props.color}
          strokeWidth={2}
          strokeDasharray="4 3"
          fill={`url(#${gradientId})`}
          fillOpacity={0.5}
          dot={false}
          activeDot={{ r: 3, strokeWidth: 0, fill: props.color }}
          isAnimationActive={animate}
          animationDuration={400}
        />
      ) : null}
    </AreaChart>
  );
}
