import { expect, test } from 'vitest';
import {
  csvHeader,
  formatAgo,
  formatAsOf,
  formatAxisLabel,
  formatBucketLabel,
  formatCompact,
  formatDays,
  formatDeltaCount,
  formatDeltaPercent,
  formatDeltaPoints,
  formatDuration,
  formatExact,
  formatMillis,
  formatMinutes,
  formatPercent,
  formatRatio,
  formatShare,
  roundedValue,
  shareRest,
} from '../../web/lib/format';

const en = { locale: 'en-US' };

test.each([
  [94.8235, '94.8%'],
  [100, '100.0%'],
  [0, '0.0%'],
  [null, '—'],
])('formatPercent(%s) = %s', (v, s) => {
  expect(formatPercent(v, en)).toBe(s);
});

test.each([
  [2.7053, '+2.7 pp'],
  [-0.04, '0.0 pp'],
  [-1.25, '\u22121.3 pp'],
  [0, '0.0 pp'],
  [null, '—'],
])('formatDeltaPoints(%s) = %s', (v, s) => {
  expect(formatDeltaPoints(v, en)).toBe(s);
});

test.each([
  [18.75, '+18.8%'],
  [-15.79, '\u221215.8%'],
  [0, '0%'],
  [null, 'n/a'],
])('formatDeltaPercent(%s) = %s', (v, s) => {
  expect(formatDeltaPercent(v, en)).toBe(s);
});

test.each([
  [9, '+9'],
  [-1200, '\u22121,200'],
  [0, '0'],
  [null, '—'],
])('formatDeltaCount(%s) = %s', (v, s) => {
  expect(formatDeltaCount(v, en)).toBe(s);
});

test.each([
  // bucket, granularity, zone, label
  ['2026-11-20T14:00:00.000Z', 'hour', 'UTC', 'Fri, Nov 20, 2:00 – 3:00 PM'],
  ['2026-11-20T14:00:00.000Z', 'hour', 'Asia/Kolkata', 'Fri, Nov 20, 7:30 – 8:30 PM'],
  ['2026-11-20T00:00:00.000Z', 'day', 'UTC', 'Fri, Nov 20'],
  ['2026-11-20T00:00:00.000Z', 'day', 'America/New_York', 'Nov 19, 7:00 PM – Nov 20, 7:00 PM'],
  ['2026-11-16T00:00:00.000Z', 'week', 'UTC', 'Week of Nov 16 – 22, 2026'],
] as const)('bucket %s (%s) in %s reads "%s"', (bucket, granularity, timeZone, label) => {
  expect(formatBucketLabel(bucket, granularity, { locale: 'en-US', timeZone })).toBe(label);
});

test('date labels have plain spaces, as Chromium writes them, so the server renders the browser’s text', () => {
  const utc = { locale: 'en-US', timeZone: 'UTC' };
  const labels = [
    formatBucketLabel('2026-11-20T14:00:00.000Z', 'hour', utc),
    formatBucketLabel('2026-11-16T00:00:00.000Z', 'week', utc),
    formatBucketLabel('2026-11-20T00:00:00.000Z', 'day', { ...utc, timeZone: 'America/New_York' }),
    formatAxisLabel('2026-11-17T14:00:00.000Z', 'hour', utc),
    formatAsOf('2026-11-19T14:31:07.000Z', Date.parse('2026-11-20T15:00:00Z'), utc),
    formatExact('2026-11-19T14:31:07.000Z', utc),
  ];
  for (const label of labels) expect(label).not.toMatch(/[\u202f\u2009]/);
});

test('data as of: time only today, with the date otherwise', () => {
  const now = Date.parse('2026-11-20T15:00:00Z');
  const opts = { locale: 'en-GB', timeZone: 'UTC' };
  expect(formatAsOf('2026-11-20T14:31:07.000Z', now, opts)).toBe('14:31');
  expect(formatAsOf('2026-11-19T14:31:07.000Z', now, opts)).toBe('19 Nov, 14:31');
});

test.each([
  ['2026-11-20T14:59:40Z', 'just now'],
  ['2026-11-20T14:57:00Z', '3 min ago'],
  ['2026-11-20T12:00:00Z', '3 h ago'],
  ['2026-11-16T15:00:00Z', '4 d ago'],
])('%s is "%s" at 15:00', (iso, text) => {
  expect(formatAgo(iso, Date.parse('2026-11-20T15:00:00Z'))).toBe(text);
});

test('axis labels: weekly (all-time, over a year) axes name the year, daily and hourly do not', () => {
  const utc = { locale: 'en-US', timeZone: 'UTC' };
  expect(formatAxisLabel('2025-11-17T00:00:00.000Z', 'week', utc)).toBe('Nov 17, 2025');
  expect(formatAxisLabel('2026-11-17T00:00:00.000Z', 'day', utc)).toBe('Nov 17');
  expect(formatAxisLabel('2026-11-17T14:00:00.000Z', 'hour', utc)).toBe('2:00 PM');
});

// ------------------------------------------------ one precision per kind of value
test('same kind, same precision: averages per something always carry one decimal', () => {
  expect([4, 5.63].map((v) => formatRatio(v, en))).toEqual(['4.0', '5.6']);
  expect(formatRatio(null, en)).toBe('—');
});

test('same kind, same precision: compact counts carry one decimal once compacted', () => {
  expect([3_000_000, 3_240_000, 12_345, 950].map((v) => formatCompact(v, en))).toEqual([
    '3.0M',
    '3.2M',
    '12.3K',
    '950',
  ]);
});

test('same kind, same precision: durations under a minute carry one decimal', () => {
  expect([12, 12.73, 0.4, 59.96].map(formatDuration)).toEqual([
    '12.0 s',
    '12.7 s',
    '0.4 s',
    '1 min 00 s',
  ]);
  expect([185, 7800].map(formatDuration)).toEqual(['3 min 05 s', '2 h 10 min']);
  expect(formatMillis(850, en)).toBe('850 ms');
  expect([1000, 1240].map((v) => formatMillis(v, en))).toEqual(['1.0 s', '1.2 s']);
});

test('minutes of video read as a duration: hours when large', () => {
  expect(formatMinutes(220.1)).toBe('3 h 40 min');
  expect(formatMinutes(0.26394)).toBe('15.8 s');
  expect(formatMinutes(null)).toBe('—');
});

test('days carry one decimal', () => {
  expect([1, 19.94, 7].map((v) => formatDays(v, en))).toEqual(['1.0 day', '19.9 days', '7.0 days']);
});

test('a CSV cell is the screen’s rounding in the header’s unit', () => {
  expect(roundedValue(0.3605289999, 'share')).toBe(36.1);
  expect(formatShare(0.3605289999, en)).toBe('36.1%');
  expect(roundedValue(36052.89999999999, 'seconds')).toBe(36052.9);
  expect(roundedValue(820.5, 'milliseconds')).toBe(821);
  expect(roundedValue(95.23809, 'percent')).toBe(95.2);
  expect(roundedValue(1 / 3, 'ratio')).toBe(0.3);
  expect(csvHeader('Share', 'share')).toBe('Share (%)');
  expect(csvHeader('Exports', 'count')).toBe('Exports');
  expect(csvHeader('Region', undefined)).toBe('Region');
});

test('a share and its rest add up to exactly 100 % once rounded', () => {
  for (const share of [1 / 16, 3 / 8, 0.12345, 0.5, 1, 0]) {
    const rest = shareRest(share);
    if (rest === null) throw new Error('unreachable');
    expect(roundedValue(share, 'share') + roundedValue(rest, 'share')).toBeCloseTo(100, 9);
    expect(formatShare(rest, en)).toBe(`${(100 - roundedValue(share, 'share')).toFixed(1)}%`);
  }
  expect(shareRest(null)).toBeNull();
});
