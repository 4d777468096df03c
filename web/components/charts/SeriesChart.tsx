'use client';

import { lazy } from 'react';
import { isPartialBucket } from '../../lib/buckets';
import { formatBucketLabel } from '../../lib/format';
import type { Granularity } from '../../lib/timeframe';
import { useUtcHour } from '../hooks/useUtcHour';
import { ChartBox, FirstPaintLines } from './FirstPaint';

// Recharts loads after the first paint, which already shows the lines (see Sparkline).
const LinesChart = lazy(() => import('./recharts/LinesChart'));

export interface Series {
  readonly key: string;
  readonly label: string;
  readonly color: string;
  /** Every series has the same buckets; a null count is a bucket without a value (a gap). */
  readonly points: readonly { bucket: string; count: number | null }[];
}

const HEIGHT = 180;

const formatValue = (value: number | null, format: (value: number) => string) =>
  value === null ? 'no data' : format(value);

/** The row key of a series' dashed segment into the bucket still filling. */
export const partialKey = (key: string) => `${key}:partial`;

/**
 * Straight lines over the buckets (every series has the same buckets), with a legend, a tooltip
 * in the viewer's local time and a text alternative: a visually hidden table of every bucket.
 * The bucket still filling (today, this hour, this week) is drawn dashed and said to be "so far",
 * so its part-count does not read as a drop.
 */
export function SeriesChart(props: {
  series: readonly Series[];
  granularity: Granularity;
  format: (value: number) => string;
  title: string;
  testId?: string;
}) {
  const buckets = props.series[0]?.points.map((p) => p.bucket) ?? [];
  // Hour-aligned buckets: partial at the hour's start exactly when partial now.
  const hour = useUtcHour();
  const last = buckets[buckets.length - 1];
  const partialLast =
    last !== undefined && buckets.length > 1 && isPartialBucket(last, props.granularity, hour);
  const rows = buckets.map((bucket, i) => {
    const row: Record<string, string | number | null> = { bucket };
    for (const s of props.series) {
      const value = s.points[i]?.count ?? null;
      // The solid line stops at the last complete bucket; the dashed one joins it to the partial.
      row[s.key] = partialLast && i === buckets.length - 1 ? null : value;
      if (partialLast) row[partialKey(s.key)] = i >= buckets.length - 2 ? value : null;
    }
    return row;
  });
  const summary = `${props.title}: ${buckets.length} buckets; ${props.series
    .map(
      (s) => `${s.label} total ${props.format(s.points.reduce((t, p) => t + (p.count ?? 0), 0))}`,
    )
    .join(', ')}`;
  return (
    <figure
      style={{ margin: 0 }}
      data-testid={props.testId}
      data-bucket-count={buckets.length}
      data-partial-last={partialLast ? 'true' : undefined}
    >
      <ChartBox
        height={HEIGHT}
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
            partialLast={partialLast}
          />
        }
      >
        <LinesChart
          series={props.series}
          rows={rows}
          granularity={props.granularity}
          format={props.format}
          height={HEIGHT}
          partialLast={partialLast}
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
                <td>
                  {formatBucketLabel(bucket, props.granularity)}
                  {partialLast && i === buckets.length - 1 ? ' (so far)' : ''}
                </td>
                {props.series.map((s) => (
                  <td key={s.key}>{formatValue(s.points[i]?.count ?? null, props.format)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </figcaption>
    </figure>
  );
}
