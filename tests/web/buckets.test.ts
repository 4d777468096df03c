import { describe, expect, test } from 'vitest';
import {
  cumulativeBuckets,
  isPartialBucket,
  splitPartial,
  sumBuckets,
  zeroFill,
  zeroFillWindow,
} from '../../web/lib/buckets';
import { type Granularity, timeframeWindow, withAllTimeStart } from '../../web/lib/timeframe';

const NOW = Date.parse('2026-11-20T14:35:00Z');
const day = (d: string) => Date.parse(`${d}T00:00:00Z`);

describe('zero-fill', () => {
  test('the 7d series has 7 daily buckets; missing days are 0; the total is their sum', () => {
    const buckets = zeroFillWindow(
      [
        { at: day('2026-11-14'), count: 3 },
        { at: day('2026-11-17'), count: 5 },
        { at: day('2026-11-20'), count: 1 },
      ],
      timeframeWindow('7d', NOW),
    );
    expect(buckets).toStrictEqual([
      { bucket: '2026-11-14T00:00:00.000Z', count: 3 },
      { bucket: '2026-11-15T00:00:00.000Z', count: 0 },
      { bucket: '2026-11-16T00:00:00.000Z', count: 0 },
      { bucket: '2026-11-17T00:00:00.000Z', count: 5 },
      { bucket: '2026-11-18T00:00:00.000Z', count: 0 },
      { bucket: '2026-11-19T00:00:00.000Z', count: 0 },
      { bucket: '2026-11-20T00:00:00.000Z', count: 1 },
    ]);
    expect(sumBuckets(buckets)).toBe(9);
  });

  test.each([
    ['24h', 24],
    ['7d', 7],
    ['30d', 30],
  ] as const)('%s without any data is %i zero buckets', (tf, n) => {
    const buckets = zeroFillWindow([], timeframeWindow(tf, NOW));
    expect(buckets).toHaveLength(n);
    expect(buckets.every((b) => b.count === 0)).toBe(true);
  });

  test("all: no buckets when the page has no data; else zero-filled from the page's first week", () => {
    expect(zeroFillWindow([], withAllTimeStart(timeframeWindow('all', NOW), null))).toStrictEqual(
      [],
    );
    // The page's first data is in the week of 26 October; this series' first count is later.
    const w = withAllTimeStart(timeframeWindow('all', NOW), day('2026-10-28'));
    const buckets = zeroFillWindow(
      [
        { at: day('2026-11-02'), count: 0 },
        { at: day('2026-11-09'), count: 4 },
      ],
      w,
    );
    expect(buckets).toStrictEqual([
      { bucket: '2026-10-26T00:00:00.000Z', count: 0 },
      { bucket: '2026-11-02T00:00:00.000Z', count: 0 },
      { bucket: '2026-11-09T00:00:00.000Z', count: 4 },
      { bucket: '2026-11-16T00:00:00.000Z', count: 0 },
    ]);
  });

  test('points outside the window are ignored; duplicates add up', () => {
    const starts = [day('2026-11-19'), day('2026-11-20')];
    expect(
      zeroFill(
        [
          { at: day('2026-11-18'), count: 100 },
          { at: day('2026-11-20'), count: 2 },
          { at: day('2026-11-20'), count: 3 },
        ],
        starts,
      ),
    ).toStrictEqual([
      { bucket: '2026-11-19T00:00:00.000Z', count: 0 },
      { bucket: '2026-11-20T00:00:00.000Z', count: 5 },
    ]);
  });
});

describe('cumulative series', () => {
  test('is the running total and ends at the total', () => {
    const buckets = [
      { bucket: 'a', count: 2 },
      { bucket: 'b', count: 0 },
      { bucket: 'c', count: 5 },
    ];
    expect(cumulativeBuckets(buckets)).toStrictEqual([
      { bucket: 'a', count: 2 },
      { bucket: 'b', count: 2 },
      { bucket: 'c', count: 7 },
    ]);
    expect(cumulativeBuckets([])).toStrictEqual([]);
  });
});

describe('the partial (still filling) bucket', () => {
  const now = Date.parse('2026-11-20T14:35:12.345Z'); // a Friday
  test.each<[string, Granularity, boolean]>([
    ['2026-11-20T14:00:00.000Z', 'hour', true],
    ['2026-11-20T13:00:00.000Z', 'hour', false],
    ['2026-11-20T00:00:00.000Z', 'day', true],
    ['2026-11-19T00:00:00.000Z', 'day', false],
    ['2026-11-16T00:00:00.000Z', 'week', true],
    ['2026-11-09T00:00:00.000Z', 'week', false],
    ['2026-11-20T15:00:00.000Z', 'hour', false],
  ])('%s by %s: partial %s', (bucket, granularity, partial) => {
    expect(isPartialBucket(bucket, granularity, now)).toBe(partial);
  });

  test('the hour start decides like the instant (buckets are hour-aligned)', () => {
    const hour = Date.parse('2026-11-20T14:00:00.000Z');
    for (const [bucket, g] of [
      ['2026-11-20T14:00:00.000Z', 'hour'],
      ['2026-11-20T00:00:00.000Z', 'day'],
      ['2026-11-20T13:00:00.000Z', 'hour'],
    ] as const) {
      expect(isPartialBucket(bucket, g, hour)).toBe(isPartialBucket(bucket, g, now));
    }
  });

  test('split: complete buckets solid, the partial one dashed from the last complete one', () => {
    const points = [1, 0, 3].map((count, i) => ({ bucket: String(i), count }));
    expect(splitPartial(points, true).map((p) => [p.solid, p.partial])).toEqual([
      [1, null],
      [0, 0],
      [null, 3],
    ]);
    expect(splitPartial(points, false).map((p) => [p.solid, p.partial])).toEqual([
      [1, null],
      [0, null],
      [3, null],
    ]);
    expect(splitPartial([{ count: 2 }], true)).toEqual([{ count: 2, solid: null, partial: 2 }]);
  });
});
