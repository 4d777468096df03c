'use client';

import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatAxisLabel, formatBucketLabel } from '../../lib/format';
import type { Granularity } from '../../lib/timeframe';
import { ChartBox, FirstPaintLines, useEntranceAnimation } from './FirstPaint';

export interface Series {
  readonly key: string;
  readonly label: string;
  readonly color: string;
  readonly points: readonly { bucket: string; count: number }[];
}

const HEIGHT = 180;

/**
 * Lines over zero-filled buckets (every series has the same buckets), with a legend, a tooltip
 * in the viewer's local time and a text alternative: a visually hidden table of every bucket.
 */
export function SeriesChart(props: {
  series: readonly Series[];
  granularity: Granularity;
  format: (value: number) => string;
  title: string;
  testId?: string;
}) {
  const animate = useEntranceAnimation();
  const buckets = props.series[0]?.points.map((p) => p.bucket) ?? [];
  const rows = buckets.map((bucket, i) => {
    const row: Record<string, string | number> = { bucket };
    for (const s of props.series) row[s.key] = s.points[i]?.count ?? 0;
    return row;
  });
  const summary = `${props.title}: ${buckets.length} buckets; ${props.series
    .map((s) => `${s.label} total ${props.format(s.points.reduce((t, p) => t + p.count, 0))}`)
    .join(', ')}`;
  return (
    <figure style={{ margin: 0 }} data-testid={props.testId} data-bucket-count={buckets.length}>
      <ChartBox
        label={summary}
        firstPaint={
          <FirstPaintLines
            series={props.series.map((s) => ({
              key: s.key,
              color: s.color,
              values: s.points.map((p) => p.count),
            }))}
            height={HEIGHT - 64}
            axes
          />
        }
      >
        <LineChart
          responsive
          data={rows}
          style={{ width: '100%', height: HEIGHT }}
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
            labelFormatter={(v) => formatBucketLabel(String(v), props.granularity)}
            formatter={(value, name) => [
              typeof value === 'number' ? props.format(value) : String(value),
              props.series.find((s) => s.key === name)?.label ?? String(name),
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
          {props.series.map((s) => (
            <Line
              key={s.key}
              type="monotone"
              dataKey={s.key}
              stroke={s.color}
              strokeWidth={2}
              dot={false}
              isAnimationActive={animate}
              animationDuration={400}
            />
          ))}
        </LineChart>
      </ChartBox>
      <figcaption className="sr-only">
        {summary}
        <table>
          <thead>
            <tr>
              <th scope="col">Period (local time)</th>
              {props.series.map((s) => (
                <th key={s.key} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {buckets.map((bucket, i) => (
              <tr key={bucket}>
                <td>{formatBucketLabel(bucket, props.granularity)}</td>
                {props.series.map((s) => (
                  <td key={s.key}>{props.format(s.points[i]?.count ?? 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </figcaption>
    </figure>
  );
}
