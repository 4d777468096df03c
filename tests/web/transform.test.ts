/**
 * Recorded Cube answers → hook outputs: the contract between the model and the widgets.
 */
import { describe, expect, test } from 'vitest';
import type { TrendMetric } from '../../web/lib/analytics/schemas';
import { toTopTemplates, toTrendSeries, toWow } from '../../web/lib/analytics/transform';
import {
  parseCubeTimestamp,
  type Timeframe,
  timeframeWindow,
  wowWindows,
} from '../../web/lib/timeframe';
import { fixtureNames, fixtureNow, fixtureResponse } from './helpers/cubeFixtures';

describe('top templates', () => {
  test('7d: ten rows, ranked by uses, thumbnails nullable', () => {
    const rows = toTopTemplates(fixtureResponse('top-templates-7d'), false);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toStrictEqual({
      id: '5f0c6a2e-0d7a-4c1e-9a51-1b2f1d7e0a01',
      name: 'Product launch teaser',
      usageCount: 412,
      thumbnailUrl: 'https://cdn.example.com/templates/product-launch.jpg',
    });
    expect(rows[2]?.thumbnailUrl).toBeNull();
    const counts = rows.map((r) => r.usageCount);
    expect(counts).toStrictEqual([...counts].sort((a, b) => b - a));
  });

  test('all: counts come from lifetime_uses', () => {
    const rows = toTopTemplates(fixtureResponse('top-templates-all'), true);
    expect(rows[0]?.usageCount).toBe(15244);
  });

  test('the wrong measure for the timeframe is a clear error, not a silent zero', () => {
    expect(() => toTopTemplates(fixtureResponse('top-templates-all'), false)).toThrow(
      /template_leaderboard\.uses/,
    );
  });

  test('empty answer → empty list', () => {
    expect(toTopTemplates(fixtureResponse('top-templates-24h-empty'), false)).toStrictEqual([]);
  });
});

describe('trends', () => {
  test('7d exports: 7 daily zero-filled buckets summing to the total, cumulative ends at it', () => {
    const now = fixtureNow('trend-exports-7d');
    const series = toTrendSeries(
      fixtureResponse('trend-exports-7d'),
      'exports',
      timeframeWindow('7d', now),
    );
    expect(series.buckets).toStrictEqual([
      { bucket: '2026-11-14T00:00:00.000Z', count: 120 },
      { bucket: '2026-11-15T00:00:00.000Z', count: 134 },
      { bucket: '2026-11-16T00:00:00.000Z', count: 0 },
      { bucket: '2026-11-17T00:00:00.000Z', count: 141 },
      { bucket: '2026-11-18T00:00:00.000Z', count: 98 },
      { bucket: '2026-11-19T00:00:00.000Z', count: 157 },
      { bucket: '2026-11-20T00:00:00.000Z', count: 61 },
    ]);
    expect(series.total).toBe(711);
    expect(series.cumulative.at(-1)).toStrictEqual({
      bucket: '2026-11-20T00:00:00.000Z',
      count: 711,
    });
  });

  test('24h exports: 24 hourly buckets ending with the current hour', () => {
    const now = fixtureNow('trend-exports-24h');
    const series = toTrendSeries(
      fixtureResponse('trend-exports-24h'),
      'exports',
      timeframeWindow('24h', now),
    );
    expect(series.buckets).toHaveLength(24);
    expect(series.buckets[0]?.bucket).toBe('2026-11-19T15:00:00.000Z');
    expect(series.buckets[23]?.bucket).toBe('2026-11-20T14:00:00.000Z');
    expect(series.buckets.filter((b) => b.count === 0)).toHaveLength(5);
    expect(series.total).toBe(series.buckets.reduce((s, b) => s + b.count, 0));
  });

  test('all exports: weekly buckets from the first week with data to this week', () => {
    const now = fixtureNow('trend-exports-all');
    const series = toTrendSeries(
      fixtureResponse('trend-exports-all'),
      'exports',
      timeframeWindow('all', now),
    );
    expect(series.buckets.map((b) => b.bucket)).toStrictEqual([
      '2026-09-28T00:00:00.000Z',
      '2026-10-05T00:00:00.000Z',
      '2026-10-12T00:00:00.000Z',
      '2026-10-19T00:00:00.000Z',
      '2026-10-26T00:00:00.000Z',
      '2026-11-02T00:00:00.000Z',
      '2026-11-09T00:00:00.000Z',
      '2026-11-16T00:00:00.000Z',
    ]);
    expect(series.buckets[2]?.count).toBe(0);
    expect(series.total).toBe(5094);
  });

  test('no conversions at all → 7 zero buckets, total 0', () => {
    const now = fixtureNow('trend-paywall-7d-empty');
    const series = toTrendSeries(
      fixtureResponse('trend-paywall-7d-empty'),
      'paywall',
      timeframeWindow('7d', now),
    );
    expect(series.buckets).toHaveLength(7);
    expect(series.total).toBe(0);
  });
});

describe('week over week', () => {
  const windows = wowWindows(1, fixtureNow('wow-export-success-1w'));

  test('export success: rates in %, delta in percentage points and %', () => {
    const wow = toWow(fixtureResponse('wow-export-success-1w'), 'export_success', windows);
    expect(wow.unit).toBe('percent');
    expect(wow.current).toBeCloseTo((806 / 850) * 100, 10);
    expect(wow.previous).toBeCloseTo((748 / 812) * 100, 10);
    expect(wow.deltaAbs).toBeCloseTo((806 / 850 - 748 / 812) * 100, 10);
    expect(wow.deltaPct).toBeCloseTo(((806 / 850 - 748 / 812) / (748 / 812)) * 100, 10);
  });

  test('paying users: counts with absolute and relative delta', () => {
    expect(toWow(fixtureResponse('wow-paying-users-1w'), 'paying_users', windows)).toStrictEqual({
      unit: 'count',
      current: 57,
      previous: 48,
      deltaAbs: 9,
      deltaPct: 18.75,
    });
  });

  test('previous 0 → relative delta null', () => {
    expect(
      toWow(fixtureResponse('wow-paying-users-1w-no-previous'), 'paying_users', windows),
    ).toStrictEqual({ unit: 'count', current: 12, previous: 0, deltaAbs: 12, deltaPct: null });
  });

  test('no exports in either window → rates unknown', () => {
    expect(
      toWow(fixtureResponse('wow-export-success-1w-empty'), 'export_success', windows),
    ).toStrictEqual({
      unit: 'percent',
      current: null,
      previous: null,
      deltaAbs: null,
      deltaPct: null,
    });
  });

  test('results are matched to windows by their date range, not only by position', () => {
    const response = fixtureResponse('wow-paying-users-1w');
    const swapped = { ...response, results: [...response.results].reverse() };
    expect(toWow(swapped, 'paying_users', windows).current).toBe(57);
  });
});

/**
 * Invariants that hold for any recording (hand-written or recorded from the engine): the
 * timeframe is read back from the recorded query, "now" from its date range.
 */
describe('every recorded trend', () => {
  const trendFixtures = fixtureNames().filter((n) => n.startsWith('trend-'));
  const metricOf: Record<string, TrendMetric> = {
    'exports_overview.exports': 'exports',
    'prompts.prompts': 'prompts',
    'paywall_funnel.conversions': 'paywall',
  };

  test.each(trendFixtures)(
    '%s: zero-filled buckets of its window, total = sum of its rows',
    (name) => {
      const response = fixtureResponse(name);
      const query = response.results[0]?.query as {
        measures: string[];
        timeDimensions: { granularity: 'hour' | 'day' | 'week'; dateRange: [string, string] }[];
      };
      const metric = metricOf[query.measures[0] ?? ''];
      const td = query.timeDimensions[0];
      if (!metric || !td) throw new Error(`${name}: not a trend query`);
      const days = Math.round(
        (parseCubeTimestamp(td.dateRange[1]) + 1 - parseCubeTimestamp(td.dateRange[0])) /
          86_400_000,
      );
      const timeframe: Timeframe =
        td.granularity === 'hour'
          ? '24h'
          : td.granularity === 'week'
            ? 'all'
            : days === 7
              ? '7d'
              : '30d';
      const window = timeframeWindow(timeframe, fixtureNow(name));
      expect(window.dateRange).toStrictEqual(td.dateRange);
      const series = toTrendSeries(response, metric, window);
      const recordedTotal = (response.results[0]?.data ?? []).reduce(
        (sum, row) => sum + Number(row[query.measures[0] ?? ''] ?? 0),
        0,
      );
      expect(series.total).toBe(recordedTotal);
      if (window.bucketCount !== null) expect(series.buckets).toHaveLength(window.bucketCount);
      expect(series.cumulative.at(-1)?.count ?? 0).toBe(series.total);
    },
  );
});

describe('recorded from the engine', () => {
  test('paying users week over week', () => {
    const name = 'wow-paying-users-1w-engine';
    const wow = toWow(fixtureResponse(name), 'paying_users', wowWindows(1, fixtureNow(name)));
    expect(wow.unit).toBe('count');
    expect(wow.deltaAbs).toBe((wow.current ?? 0) - (wow.previous ?? 0));
  });
});
