import { describe, expect, test } from 'vitest';
import {
  ALL_TIME_START,
  bucketStarts,
  parseCubeTimestamp,
  parseTimeframeParam,
  parseWowWeeksParam,
  startOfUtcWeek,
  type Timeframe,
  timeframeWindow,
  toCubeTimestamp,
  type WowWeeks,
  withAllTimeStart,
  wowWindows,
} from '../../web/lib/timeframe';

const NOW = Date.parse('2026-11-20T14:35:12.345Z'); // a Friday
const iso = (ms: number) => new Date(ms).toISOString();

describe('timeframe windows', () => {
  test.each<[Timeframe, string, string, string, number | null]>([
    ['24h', '2026-11-19T15:00:00.000', '2026-11-20T14:59:59.999', 'hour', 24],
    ['7d', '2026-11-14T00:00:00.000', '2026-11-20T23:59:59.999', 'day', 7],
    ['30d', '2026-10-22T00:00:00.000', '2026-11-20T23:59:59.999', 'day', 30],
    ['all', ALL_TIME_START, '2026-11-20T23:59:59.999', 'week', null],
  ])('%s → [%s, %s] by %s, %s buckets', (tf, start, end, granularity, count) => {
    const w = timeframeWindow(tf, NOW);
    expect(w.dateRange).toStrictEqual([start, end]);
    expect(w.granularity).toBe(granularity);
    expect(w.bucketCount).toBe(count);
  });

  test.each<[Timeframe, number, string, string]>([
    ['24h', 24, '2026-11-19T15:00:00.000Z', '2026-11-20T14:00:00.000Z'],
    ['7d', 7, '2026-11-14T00:00:00.000Z', '2026-11-20T00:00:00.000Z'],
    ['30d', 30, '2026-10-22T00:00:00.000Z', '2026-11-20T00:00:00.000Z'],
  ])('%s has %i buckets from %s to %s (the current one last)', (tf, n, first, last) => {
    const starts = bucketStarts(timeframeWindow(tf, NOW));
    expect(starts).toHaveLength(n);
    expect(iso(starts[0] ?? 0)).toBe(first);
    expect(iso(starts[n - 1] ?? 0)).toBe(last);
  });

  test('the 24h window ends with the current hour even at hh:00:00.000', () => {
    const w = timeframeWindow('24h', Date.parse('2026-11-20T15:00:00.000Z'));
    expect(w.dateRange).toStrictEqual(['2026-11-19T16:00:00.000', '2026-11-20T15:59:59.999']);
  });

  test('the 7d window just before midnight UTC still ends today', () => {
    const w = timeframeWindow('7d', Date.parse('2026-11-20T23:59:59.999Z'));
    expect(w.dateRange).toStrictEqual(['2026-11-14T00:00:00.000', '2026-11-20T23:59:59.999']);
  });

  test('windows cross month and year boundaries in UTC', () => {
    const w = timeframeWindow('7d', Date.parse('2027-01-03T02:00:00Z'));
    expect(w.dateRange).toStrictEqual(['2026-12-28T00:00:00.000', '2027-01-03T23:59:59.999']);
  });

  test("all: weekly buckets from the page's first week to the current week, whatever the series' own first point", () => {
    // The page's earliest data is on Thursday 8 October: its ISO week starts Monday 5 October.
    const w = withAllTimeStart(timeframeWindow('all', NOW), Date.parse('2026-10-08T13:00:00Z'));
    const weeks = [
      '2026-10-05T00:00:00.000Z',
      '2026-10-12T00:00:00.000Z',
      '2026-10-19T00:00:00.000Z',
      '2026-10-26T00:00:00.000Z',
      '2026-11-02T00:00:00.000Z',
      '2026-11-09T00:00:00.000Z',
      '2026-11-16T00:00:00.000Z',
    ];
    expect(bucketStarts(w, [Date.parse('2026-10-08T00:00:00Z')]).map(iso)).toStrictEqual(weeks);
    // A series whose data starts later, or that has none, still has every week of the page.
    expect(bucketStarts(w, [Date.parse('2026-11-17T00:00:00Z')]).map(iso)).toStrictEqual(weeks);
    expect(bucketStarts(w, []).map(iso)).toStrictEqual(weeks);
  });

  test('all: no buckets when the page has no data; data before the page start is kept', () => {
    const empty = withAllTimeStart(timeframeWindow('all', NOW), null);
    expect(bucketStarts(empty, [])).toStrictEqual([]);
    const w = withAllTimeStart(timeframeWindow('all', NOW), Date.parse('2026-11-10T00:00:00Z'));
    expect(bucketStarts(w, [Date.parse('2026-11-03T00:00:00Z')]).map(iso)).toStrictEqual([
      '2026-11-02T00:00:00.000Z',
      '2026-11-09T00:00:00.000Z',
      '2026-11-16T00:00:00.000Z',
    ]);
  });

  test("all: an all-time window without the page's first week has no buckets of its own", () => {
    expect(() => bucketStarts(timeframeWindow('all', NOW), [NOW])).toThrow(/withAllTimeStart/);
    // Fixed windows have no page start to wait for.
    expect(withAllTimeStart(timeframeWindow('7d', NOW), 0)).toStrictEqual(
      timeframeWindow('7d', NOW),
    );
  });

  test('ALL_TIME_START is a Monday (aligned to ISO weeks)', () => {
    const ms = parseCubeTimestamp(ALL_TIME_START);
    expect(startOfUtcWeek(ms)).toBe(ms);
  });
});

describe('week-over-week windows', () => {
  test.each<[WowWeeks, [string, string], [string, string]]>([
    [
      1,
      ['2026-11-14T00:00:00.000', '2026-11-20T23:59:59.999'],
      ['2026-11-07T00:00:00.000', '2026-11-13T23:59:59.999'],
    ],
    [
      2,
      ['2026-11-07T00:00:00.000', '2026-11-20T23:59:59.999'],
      ['2026-10-24T00:00:00.000', '2026-11-06T23:59:59.999'],
    ],
    [
      4,
      ['2026-10-24T00:00:00.000', '2026-11-20T23:59:59.999'],
      ['2026-09-26T00:00:00.000', '2026-10-23T23:59:59.999'],
    ],
  ])('%i week(s): current %j, previous %j', (weeks, current, previous) => {
    const w = wowWindows(weeks, NOW);
    expect(w.current).toStrictEqual(current);
    expect(w.previous).toStrictEqual(previous);
  });

  test.each([1, 2, 4] as const)(
    '%i week(s): both windows are 7·N whole days and adjacent',
    (weeks) => {
      const w = wowWindows(weeks, NOW);
      const len = (r: readonly [string, string]) =>
        parseCubeTimestamp(r[1]) + 1 - parseCubeTimestamp(r[0]);
      expect(len(w.current)).toBe(weeks * 7 * 86_400_000);
      expect(len(w.previous)).toBe(weeks * 7 * 86_400_000);
      expect(parseCubeTimestamp(w.previous[1]) + 1).toBe(parseCubeTimestamp(w.current[0]));
    },
  );
});

describe('URL parameters', () => {
  test.each([
    [null, '7d', null],
    ['', '7d', null],
    ['24h', '24h', null],
    ['7d', '7d', null],
    ['30d', '30d', null],
    ['all', 'all', null],
    ['90d', '7d', '90d'],
    ['ALL', '7d', 'ALL'],
    ['<script>', '7d', '<script>'],
  ])('?tf=%s → %s (rejected: %s)', (raw, value, rejected) => {
    expect(parseTimeframeParam(raw)).toStrictEqual({ value, rejected });
  });

  test.each([
    [null, 1, null],
    ['1', 1, null],
    ['2', 2, null],
    ['4', 4, null],
    ['3', 1, '3'],
    ['two', 1, 'two'],
  ])('?wow=%s → %s (rejected: %s)', (raw, value, rejected) => {
    expect(parseWowWeeksParam(raw)).toStrictEqual({ value, rejected });
  });
});

describe('Cube timestamps', () => {
  test.each([
    ['2026-11-20T00:00:00.000', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20T13:00:00', '2026-11-20T13:00:00.000Z'],
    ['2026-11-20T13:00:00.000Z', '2026-11-20T13:00:00.000Z'],
    ['2026-11-20T13:00:00.000+02:00', '2026-11-20T11:00:00.000Z'],
  ])('%s is read as UTC unless it says otherwise → %s', (input, expected) => {
    expect(iso(parseCubeTimestamp(input))).toBe(expected);
  });

  test('round trip', () => {
    expect(toCubeTimestamp(Date.parse('2026-11-20T13:04:05.006Z'))).toBe('2026-11-20T13:04:05.006');
  });

  test('garbage is rejected', () => {
    expect(() => parseCubeTimestamp('yesterday')).toThrow(RangeError);
  });
});
