'use client';

import { lazy } from 'react';
import { formatBucketLabel } from '../../lib/format';
import type { Granularity } from '../../lib/timeframe';
import { ChartBox, FirstPaintLines } from './FirstPaint';

// Recharts loads after the first paint, which already shows the lines (see Sparkline).
const LinesChart = lazy(() => import('./recharts/LinesChart'));

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
        <LinesChart
          series={props.series}
          rows={rows}
          granularity={props.granularity}
          format={props.format}
          height={HEIGHT}
        />
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
