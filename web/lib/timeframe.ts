/**
 * Timeframes and week-over-week windows: the one definition the hooks, oracles and bench share.
 * Pure functions of `now` (a UTC instant); everything is computed in UTC and
 * sent to Cube as explicit date ranges ('YYYY-MM-DDTHH:mm:ss.SSS', `timezone: 'UTC'`).
 */
import { z } from 'zod';

export const TIMEFRAMES = ['24h', '7d', '30d', 'all'] as const;
export const timeframeSchema = z
  .enum(TIMEFRAMES)
  .describe('24h = 24 hourly buckets, 7d/30d = daily buckets, all = all rows in weekly buckets');
export type Timeframe = z.infer<typeof timeframeSchema>;
export const DEFAULT_TIMEFRAME: Timeframe = '7d';

/**
 * Every window a widget can ask for: Phase 1's chips plus `90d`, which only the Releases section
 * offers (releases are weeks apart, so 24h/7d would mostly be empty).
 */
export const WINDOW_TIMEFRAMES = ['24h', '7d', '30d', '90d', 'all'] as const;
export const windowTimeframeSchema = z.enum(WINDOW_TIMEFRAMES);
export type WindowTimeframe = z.infer<typeof windowTimeframeSchema>;

export const TIMEFRAME_LABELS: Record<WindowTimeframe, string> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  all: 'All time',
};

export const WOW_WEEKS = [1, 2, 4] as const;
export const wowWeeksSchema = z.union([z.literal(1), z.literal(2), z.literal(4)]);
export type WowWeeks = z.infer<typeof wowWeeksSchema>;
export const DEFAULT_WOW_WEEKS: WowWeeks = 1;

export type Granularity = 'hour' | 'day' | 'week';
/** [start, end], both inclusive, UTC, 'YYYY-MM-DDTHH:mm:ss.SSS'. */
export type CubeDateRange = readonly [start: string, end: string];

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;
export const GRANULARITY_MS: Record<Granularity, number> = {
  hour: HOUR_MS,
  day: DAY_MS,
  week: WEEK_MS,
};

/**
 * Lower bound for `all`: a Monday, so the range is aligned to day and ISO-week
 * boundaries (Postgres `date_trunc('week')`, Cube rollups) and includes every row.
 */
export const ALL_TIME_START = '1970-01-05T00:00:00.000';

/** Formats an instant as Cube's UTC timestamp string, e.g. '2026-11-20T00:00:00.000'. */
export function toCubeTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}

const CUBE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?$/;

/**
 * Parses a timestamp as Cube returns it for `timezone: 'UTC'` ('2026-11-20T00:00:00.000',
 * no zone designator, meaning UTC). Strings with a zone ('Z', '+02:00') are honoured.
 */
export function parseCubeTimestamp(value: string): number {
  const ms = Date.parse(CUBE_TIMESTAMP.test(value) ? `${value}Z` : value);
  if (Number.isNaN(ms)) {
    throw new RangeError(`Not a timestamp: ${JSON.stringify(value)}`);
  }
  return ms;
}

export function startOfUtcHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Start of the ISO week (Monday 00:00 UTC), as Postgres `date_trunc('week')`. */
export function startOfUtcWeek(ms: number): number {
  const day = startOfUtcDay(ms);
  const weekday = new Date(day).getUTCDay(); // 0 = Sunday
  return day - ((weekday + 6) % 7) * DAY_MS;
}

export function startOfBucket(ms: number, granularity: Granularity): number {
  switch (granularity) {
    case 'hour':
      return startOfUtcHour(ms);
    case 'day':
      return startOfUtcDay(ms);
    case 'week':
      return startOfUtcWeek(ms);
  }
}

const DAYS = { '7d': 7, '30d': 30, '90d': 90 } as const;

export interface TimeframeWindow {
  readonly timeframe: WindowTimeframe;
  readonly granularity: Granularity;
  /** Explicit range sent to Cube. */
  readonly dateRange: CubeDateRange;
  /** Number of buckets the chart shows; null for `all` (from the page's first week, below). */
  readonly bucketCount: number | null;
  /** Start of the newest bucket (the current hour, day or week), UTC ms. */
  readonly lastBucketStart: number;
  /**
   * `all` only: the week every all-time chart of the page starts at (the earliest week any of
   * the tab's time series has data in, `analytics/allTime.ts`), null when none has data. Absent
   * until `withAllTimeStart` sets it: one value for the page, so side-by-side charts line up.
   */
  readonly allTimeStart?: number | null;
}

/**
 * The window of a timeframe at `now`:
 * - `24h`: the 24 hourly buckets ending with the current hour, [this hour − 23 h, end of this hour];
 * - `7d` / `30d` / `90d`: the 7 / 30 / 90 daily buckets ending with today, [today − (N−1) d, end of today];
 * - `all`: every row, [ALL_TIME_START, end of today], ISO (Monday, UTC) weeks; its charts start
 *   at the page's first week (`withAllTimeStart`).
 * Ends are the last millisecond of the current bucket, which equals "now" for all stored rows
 * and keeps the range aligned to the granularity (so Cube can answer from rollups).
 */
export function timeframeWindow(timeframe: WindowTimeframe, now: Date | number): TimeframeWindow {
  const nowMs = typeof now === 'number' ? now : now.getTime();
  switch (timeframe) {
    case '24h': {
      const hour = startOfUtcHour(nowMs);
      return {
        timeframe,
        granularity: 'hour',
        dateRange: [toCubeTimestamp(hour - 23 * HOUR_MS), toCubeTimestamp(hour + HOUR_MS - 1)],
        bucketCount: 24,
        lastBucketStart: hour,
      };
    }
    case '7d':
    case '30d':
    case '90d': {
      const days = DAYS[timeframe];
      const today = startOfUtcDay(nowMs);
      return {
        timeframe,
        granularity: 'day',
        dateRange: [
          toCubeTimestamp(today - (days - 1) * DAY_MS),
          toCubeTimestamp(today + DAY_MS - 1),
        ],
        bucketCount: days,
        lastBucketStart: today,
      };
    }
    case 'all': {
      const today = startOfUtcDay(nowMs);
      return {
        timeframe,
        granularity: 'week',
        dateRange: [ALL_TIME_START, toCubeTimestamp(today + DAY_MS - 1)],
        bucketCount: null,
        lastBucketStart: startOfUtcWeek(nowMs),
      };
    }
  }
}

/** The all-time window with the page's first week: the week of `firstData` (null: no data). */
export function withAllTimeStart(
  window: TimeframeWindow,
  firstData: number | null,
): TimeframeWindow {
  if (window.bucketCount !== null) return window;
  return { ...window, allTimeStart: firstData === null ? null : startOfUtcWeek(firstData) };
}

/**
 * The bucket starts (UTC ms, oldest first) a chart of this window shows. Fixed windows have
 * exactly `bucketCount` buckets; `all` runs from the page's first week (`allTimeStart`) to the
 * current week, whatever the series' own first data point, so every all-time chart of the page
 * has the same buckets (none when no series has data). A series with data before the page's
 * first week (which `allTime.ts` rules out) starts there instead of losing it.
 */
export function bucketStarts(
  window: TimeframeWindow,
  dataBuckets: readonly number[] = [],
): number[] {
  const step = GRANULARITY_MS[window.granularity];
  let first: number;
  if (window.bucketCount !== null) {
    first = window.lastBucketStart - (window.bucketCount - 1) * step;
  } else {
    if (window.allTimeStart === undefined) {
      throw new Error(
        "An all-time window's buckets need the page's first week (withAllTimeStart), so every all-time series starts on the same week",
      );
    }
    const starts = [
      ...(window.allTimeStart === null ? [] : [window.allTimeStart]),
      ...(dataBuckets.length === 0 ? [] : [Math.min(...dataBuckets)]),
    ];
    if (starts.length === 0) return [];
    first = startOfBucket(Math.min(...starts), window.granularity);
    if (first > window.lastBucketStart) return [];
  }
  const starts: number[] = [];
  for (let t = first; t <= window.lastBucketStart; t += step) starts.push(t);
  return starts;
}

export interface WowWindows {
  readonly weeks: WowWeeks;
  /** The 7·N daily buckets ending with today. */
  readonly current: CubeDateRange;
  /** The 7·N days just before `current`. */
  readonly previous: CubeDateRange;
}

export function wowWindows(weeks: WowWeeks, now: Date | number): WowWindows {
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const days = 7 * weeks;
  const currentStart = startOfUtcDay(nowMs) - (days - 1) * DAY_MS;
  const currentEnd = startOfUtcDay(nowMs) + DAY_MS - 1;
  const previousStart = currentStart - days * DAY_MS;
  return {
    weeks,
    current: [toCubeTimestamp(currentStart), toCubeTimestamp(currentEnd)],
    previous: [toCubeTimestamp(previousStart), toCubeTimestamp(currentStart - 1)],
  };
}

export interface ParsedParam<T> {
  readonly value: T;
  /** The raw value when it was present but invalid (so the UI can say it fell back). */
  readonly rejected: string | null;
}

/** `?tf=` → timeframe; missing → default; unknown → default plus the rejected value. */
export function parseTimeframeParam(raw: string | null | undefined): ParsedParam<Timeframe> {
  if (raw === null || raw === undefined || raw === '') {
    return { value: DEFAULT_TIMEFRAME, rejected: null };
  }
  const parsed = timeframeSchema.safeParse(raw);
  return parsed.success
    ? { value: parsed.data, rejected: null }
    : { value: DEFAULT_TIMEFRAME, rejected: raw };
}

/** `?wow=` → 1 | 2 | 4 weeks; missing → default; unknown → default plus the rejected value. */
export function parseWowWeeksParam(raw: string | null | undefined): ParsedParam<WowWeeks> {
  if (raw === null || raw === undefined || raw === '') {
    return { value: DEFAULT_WOW_WEEKS, rejected: null };
  }
  const parsed = wowWeeksSchema.safeParse(/^\d+$/.test(raw) ? Number(raw) : raw);
  return parsed.success
    ? { value: parsed.data, rejected: null }
    : { value: DEFAULT_WOW_WEEKS, rejected: raw };
}
