import { expect, test } from 'vitest';
import {
  formatAgo,
  formatAsOf,
  formatAxisLabel,
  formatBucketLabel,
  formatDeltaCount,
  formatDeltaPercent,
  formatDeltaPoints,
  formatPercent,
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
  expect(
    formatBucketLabel(bucket, granularity, { locale: 'en-US', timeZone }).replace(/\s/g, ' '),
  ).toBe(label);
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
