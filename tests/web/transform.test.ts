/**
 * Recorded Cube answers → hook outputs: the contract between the model and the widgets.
 */
import { describe, expect, test } from 'vitest';
import { firstDataBucket, SERIES_WIDGETS } from '../../web/lib/analytics/allTime';
import type { TrendMetric } from '../../web/lib/analytics/schemas';
import { toTopTemplates, toTrendSeries, toWow } from '../../web/lib/analytics/transform';
import {
  parseCubeTimestamp,
  type Timeframe,
  type TimeframeWindow,
  timeframeWindow,
  withAllTimeStart,
  wowWindows,
} from '../../web/lib/timeframe';
import {
  fixtureNames,
  fixtureNow,
  fixtureResponse,
  recordedNumber,
  recordedRows,
  recordedSum,
} from './helpers/cubeFixtures';

describe('top templates', () => {
  test('7d: ten rows, ranked by uses, thumbnails nullable', () => {
    const rows = toTopTemplates(fixtureResponse('top-templates-7d'), false);
    expect(rows).toHaveLength(10);
    const [first] = recordedRows('top-templates-7d');
    expect(rows[0]).toStrictEqual({
      id: first?.['template_leaderboard.template_id'],
      name: first?.['template_leaderboard.template_name'],
      usageCount: recordedNumber('top-templates-7d', 'template_leaderboard.uses'),
      thumbnailUrl: first?.['template_leaderboard.thumbnail_url'],
    });
    // A blank or missing thumbnail is null (the widget shows a monogram).
    const response = structuredClone(fixtureResponse('top-templates-7d'));
    const row = response.results[0]?.data[2];
    if (row) row['template_leaderboard.thumbnail_url'] = ' ';
    expect(toTopTemplates(response, false)[2]?.thumbnailUrl).toBeNull();
    const counts = rows.map((r) => r.usageCount);
    expect(counts).toStrictEqual([...counts].sort((a, b) => b - a));
  });

  test('all: counts come from lifetime_uses', () => {
    const rows = toTopTemplates(fixtureResponse('top-templates-all'), true);
    expect(rows[0]?.usageCount).toBe(
      recordedNumber('top-templates-all', 'template_leaderboard.lifetime_uses'),
    );
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
    // The recorded rows by day; the days of the window without a row are zero.
    const byDay = new Map(
      recordedRows('trend-exports-7d').map((r) => [
        `${String(r['exports_overview.created_at.day'])}Z`,
        Number(r['exports_overview.exports']),
      ]),
    );
    const days = Array.from({ length: 7 }, (_, i) =>
      new Date(Date.parse('2026-11-14T00:00:00.000Z') + i * 86_400_000).toISOString(),
    );
    expect(series.buckets).toStrictEqual(
      days.map((bucket) => ({ bucket, count: byDay.get(bucket) ?? 0 })),
    );
    const total = recordedSum('trend-exports-7d', 'exports_overview.exports');
    expect(series.total).toBe(total);
    expect(series.cumulative.at(-1)).toStrictEqual({
      bucket: '2026-11-20T00:00:00.000Z',
      count: total,
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
    const nonZero = recordedRows('trend-exports-24h').filter(
      (r) => Number(r['exports_overview.exports']) !== 0,
    );
    expect(series.buckets.filter((b) => b.count !== 0)).toHaveLength(nonZero.length);
    expect(series.total).toBe(series.buckets.reduce((s, b) => s + b.count, 0));
  });

  test("all exports: weekly buckets from the page's first week to this week", () => {
    const now = fixtureNow('trend-exports-all');
    const window = pageAllTime(now);
    const series = toTrendSeries(fixtureResponse('trend-exports-all'), 'exports', window);
    const first = window.allTimeStart ?? Number.NaN;
    // The page's first week is the earliest of every series': none of the exports precede it.
    const weeks = recordedRows('trend-exports-all')
      .filter((r) => Number(r['exports_overview.exports']) !== 0)
      .map((r) => parseCubeTimestamp(String(r['exports_overview.created_at.week'])));
    expect(Math.min(...weeks)).toBeGreaterThanOrEqual(first);
    const last = Date.parse('2026-11-16T00:00:00.000Z'); // the week of the recording's now
    expect(series.buckets[0]?.bucket).toBe(new Date(first).toISOString());
    expect(series.buckets.at(-1)?.bucket).toBe(new Date(last).toISOString());
    expect(series.buckets).toHaveLength((last - first) / (7 * 86_400_000) + 1);
    expect(series.total).toBe(recordedSum('trend-exports-all', 'exports_overview.exports'));
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
    const name = 'wow-export-success-1w';
    const wow = toWow(fixtureResponse(name), 'export_success', windows);
    // results[0] answers the current window, results[1] the previous (request order).
    const rate = (i: number) =>
      recordedNumber(name, 'exports_overview.completed_exports', 0, i) /
      recordedNumber(name, 'exports_overview.exports', 0, i);
    expect(wow.unit).toBe('percent');
    expect(wow.current).toBeCloseTo(rate(0) * 100, 10);
    expect(wow.previous).toBeCloseTo(rate(1) * 100, 10);
    expect(wow.deltaAbs).toBeCloseTo((rate(0) - rate(1)) * 100, 10);
    expect(wow.deltaPct).toBeCloseTo(((rate(0) - rate(1)) / rate(1)) * 100, 10);
  });

  test('paying users: counts with absolute and relative delta', () => {
    const name = 'wow-paying-users-1w';
    const current = recordedNumber(name, 'credits.paying_users', 0, 0);
    const previous = recordedNumber(name, 'credits.paying_users', 0, 1);
    expect(toWow(fixtureResponse(name), 'paying_users', windows)).toStrictEqual({
      unit: 'count',
      current,
      previous,
      deltaAbs: current - previous,
      deltaPct: previous === 0 ? null : ((current - previous) / previous) * 100,
    });
  });

  test('previous 0 → relative delta null', () => {
    const name = 'wow-paying-users-1w-no-previous';
    const current = recordedNumber(name, 'credits.paying_users', 0, 0);
    expect(current).toBeGreaterThan(0);
    expect(
      toWow(fixtureResponse(name), 'paying_users', wowWindows(1, fixtureNow(name))),
    ).toStrictEqual({ unit: 'count', current, previous: 0, deltaAbs: current, deltaPct: null });
  });

  test('no exports in either window → rates unknown', () => {
    const name = 'wow-export-success-1w-empty';
    expect(
      toWow(fixtureResponse(name), 'export_success', wowWindows(1, fixtureNow(name))),
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
    expect(toWow(swapped, 'paying_users', windows).current).toBe(
      recordedNumber('wow-paying-users-1w', 'credits.paying_users', 0, 0),
    );
  });
});

/** The all-time window with the page's first week, read from every series' recorded answer. */
function pageAllTime(now: number): TimeframeWindow {
  const window = timeframeWindow('all', now);
  const responses = SERIES_WIDGETS.map((w) =>
    fixtureResponse(`all-time-${w.id.replace('.', '-')}`),
  );
  return withAllTimeStart(window, firstDataBucket(responses, window));
}

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
      const window =
        timeframe === 'all'
          ? pageAllTime(fixtureNow(name))
          : timeframeWindow(timeframe, fixtureNow(name));
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
