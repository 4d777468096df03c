/**
 * Time-bucket maths for trend series: zero-fill, totals and cumulative sums. Pure.
 */
import { bucketStarts, GRANULARITY_MS, type Granularity, type TimeframeWindow } from './timeframe';

export interface CountPoint {
  /** Bucket start, UTC ms. */
  readonly at: number;
  readonly count: number;
}

export interface Bucket {
  /** Bucket start as an ISO-8601 UTC instant ('2026-11-20T00:00:00.000Z'). */
  readonly bucket: string;
  readonly count: number;
}

/**
 * One bucket per start in `starts` (oldest first), with the matching point's count or 0.
 * Points at instants that are not a bucket start of the window are ignored; several points
 * for the same bucket are added up.
 */
export function zeroFill(points: readonly CountPoint[], starts: readonly number[]): Bucket[] {
  const byStart = new Map<number, number>();
  for (const p of points) byStart.set(p.at, (byStart.get(p.at) ?? 0) + p.count);
  return starts.map((at) => ({ bucket: new Date(at).toISOString(), count: byStart.get(at) ?? 0 }));
}

/** Zero-filled buckets of a timeframe window (see `bucketStarts` for `all`). */
export function zeroFillWindow(points: readonly CountPoint[], window: TimeframeWindow): Bucket[] {
  const nonZero = points.filter((p) => p.count !== 0).map((p) => p.at);
  return zeroFill(points, bucketStarts(window, nonZero));
}

export function sumBuckets(buckets: readonly Bucket[]): number {
  return buckets.reduce((total, b) => total + b.count, 0);
}

/** Running total: bucket i holds the sum of buckets 0..i. */
export function cumulativeBuckets(buckets: readonly Bucket[]): Bucket[] {
  let running = 0;
  return buckets.map((b) => {
    running += b.count;
    return { bucket: b.bucket, count: running };
  });
}

/**
 * Whether the bucket starting at `bucket` (ISO instant) is still filling at `now`: its count is
 * a part of the period's, so charts draw it apart (dashed, "so far") instead of as a drop.
 */
export function isPartialBucket(bucket: string, granularity: Granularity, now: number): boolean {
  const start = Date.parse(bucket);
  return start <= now && now < start + GRANULARITY_MS[granularity];
}

/**
 * A series' rows for a chart with its last bucket drawn apart when partial: `solid` holds every
 * complete bucket's value, `partial` the segment from the last complete bucket into the partial
 * one (null elsewhere, so each line stops where the other starts).
 */
export function splitPartial<T extends { count: number }>(
  points: readonly T[],
  partialLast: boolean,
): (T & { solid: number | null; partial: number | null })[] {
  const n = points.length;
  return points.map((p, i) => ({
    ...p,
    solid: partialLast && i === n - 1 ? null : p.count,
    partial: partialLast && i >= n - 2 ? p.count : null,
  }));
}
