'use client';

import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatAxisLabel, formatBucketLabel } from '../../../lib/format';
import type { Granularity } from '../../../lib/timeframe';
import { useEntranceAnimation } from '../FirstPaint';
import { partialKey, type Series } from '../SeriesChart';

/** The interactive lines (Recharts), loaded after the first paint (see SeriesChart). */
export default function LinesChart(props: {
  series: readonly Series[];
  rows: readonly Record<string, string | number | null>[];
  granularity: Granularity;
  format: (value: number) => string;
  height: number;
  /** The last bucket is still filling: each series' last segment is dashed (see SeriesChart). */
  partialLast: boolean;
}) {
  const last = props.rows[props.rows.length - 1]?.bucket;
  const animate = useEntranceAnimation();
  return (
    <LineChart
      responsive
      // The box is one image with a text alternative (and a table): no tab stops inside it.
      accessibilityLayer={false}
      data={[...props.rows]}
      style={{ width: '100%', height: props.height }}
      margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
    >
      <CartesianGrid stroke="var(--border)" vertical={false} />
      <XAxis
        dataKey="bucket"
        tickFormatter={(v: string) => formatAxisLabel(v, props.granularity)}
        tick={{ fontSize: 11, fill: 'var(--muted)' }}
        minTickGap={24}
      />
      <YAxis
        width={48}
        tickFormatter={(v: number) => props.format(v)}
        tick={{ fontSize: 11, fill: 'var(--muted)' }}
        allowDecimals={false}
      />
      <Tooltip
        isAnimationActive={false}
        // Where the solid and the dashed segment meet, both name the same value: list it once.
        payloadUniqBy={(entry) => String(entry.dataKey).replace(/:partial$/, '')}
        labelFormatter={(v) =>
          `${formatBucketLabel(String(v), props.granularity)}${props.partialLast && v === last ? ' (so far)' : ''}`
        }
        formatter={(value, name) => [
          typeof value === 'number' ? props.format(value) : String(value),
          props.series.find((s) => s.key === name || partialKey(s.key) === name)?.label ??
            String(name),
        ]}
        contentStyle={{
          background: 'var(--surface)',
          border: '1px solid var(--border)',
          borderRadius: 8,
          fontSize: 12,
        }}
      />
      <Legend
        formatter={(value) => props.series.find((s) => s.key === value)?.label ?? value}
        wrapperStyle={{ fontSize: 12 }}
      />
      {props.partialLast
        ? props.series.map((s) => (
            <Line
              key={partialKey(s.key)}
              type="linear"
              dataKey={partialKey(s.key)}
              stroke={s.color}
              strokeWidth={2}
              strokeDasharray="4 3"
              dot={false}
              legendType="none"
              isAnimationActive={animate}
              animationDuration={400}
            />
          ))
        : null}
      {props.series.map((s) => (
        <Line
          key={s.key}
          type="linear"
          dataKey={s.key}
          stroke={s.color}
          strokeWidth={2}
          // A series with gaps marks its points: one between two gaps has no segment to show it.
          dot={s.points.some((p) => p.count === null) ? { r: 2.5, fill: s.color } : false}
          isAnimationActive={animate}
          animationDuration={400}
        />
      ))}
    </LineChart>
  );
}
