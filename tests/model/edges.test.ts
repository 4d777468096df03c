/**
 * Edges: a UTC day boundary, windows that are not aligned to any rollup grain, daylight-saving
 * transitions in a non-UTC `timezone` (America/New_York), an empty window (zeros, not errors) and
 * rates whose denominator is zero (null, never NaN or an error).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { num, uncheckedQuery, usedPreAggregations } from '../../lib/cube-client';
import { ratio, sqlWindow } from '../../oracles/sql';
import { VIEW_ORACLES } from '../../oracles/views';
import { assetsSection } from '../../web/lib/analytics/sections/assets';
import { toMultiResponse } from '../../web/lib/cube/response';
import {
  DAY_MS,
  HOUR_MS,
  startOfUtcDay,
  timeframeWindow,
  toCubeTimestamp,
} from '../../web/lib/timeframe';
import { expectMembers } from '../support/compare';
import { cubeFromTestStack } from '../support/cube';
import { oracleFromTestStack } from '../support/oracle';
import { dataNow } from './now';

const cube = cubeFromTestStack();
const oracle = oracleFromTestStack();
afterAll(() => oracle.end());

let now: number;
let firstDataMs: number;
beforeAll(async () => {
  now = await dataNow(oracle);
  const row = await oracle.one(
    'SELECT extract(epoch FROM min(created_at)) * 1000 AS first FROM messages',
  );
  firstDataMs = Number(row.first);
});

const promptsInWindow = async (from: string, to: string) =>
  Number(
    (
      await oracle.one(
        `SELECT count(*) AS n FROM messages WHERE role = 'user' AND created_at >= $1 AND created_at < $2`,
        [from, to],
      )
    ).n,
  );

describe('UTC day boundary', () => {
  test('two adjacent days split exactly at midnight UTC, from the daily rollup', async () => {
    const yesterday = startOfUtcDay(now) - DAY_MS;
    const range = [
      toCubeTimestamp(yesterday - DAY_MS),
      toCubeTimestamp(yesterday + DAY_MS - 1),
    ] as const;
    const answer = await cube.load({
      measures: ['prompts.prompts'],
      timeDimensions: [{ dimension: 'prompts.created_at', granularity: 'day', dateRange: range }],
      timezone: 'UTC',
    });
    expect(usedPreAggregations(answer.response)).not.toEqual([]);
    const days = [yesterday - DAY_MS, yesterday];
    const expected = await Promise.all(
      days.map((d) =>
        promptsInWindow(new Date(d).toISOString(), new Date(d + DAY_MS).toISOString()),
      ),
    );
    const got = days.map(
      (d) =>
        num(
          answer.rows.find((r) => r['prompts.created_at.day'] === toCubeTimestamp(d)),
          'prompts.prompts',
        ) ?? 0,
    );
    expect(got).toEqual(expected);
  });

  test('a window from noon to noon is not answered from a daily rollup (it would be wrong)', async () => {
    const noon = startOfUtcDay(now) - DAY_MS + 12 * HOUR_MS + 30 * 60_000;
    const range = [toCubeTimestamp(noon - DAY_MS), toCubeTimestamp(noon - 1)] as const;
    const answer = await cube.load({
      measures: ['prompts.prompts'],
      timeDimensions: [{ dimension: 'prompts.created_at', dateRange: range }],
      timezone: 'UTC',
    });
    const w = sqlWindow(range);
    expect(num(answer.rows[0], 'prompts.prompts')).toBe(await promptsInWindow(w.from, w.to));
  });

  test('the 24h reuse card on a whole UTC day (23:xx) reads the hourly rollup and equals SQL', async () => {
    // From 23:00 to midnight the 24h window is the UTC day; a day-aligned totals query would go to
    // uploaded_assets.reuse_daily, rebuilt once a day, and show the day as of 00:00.
    const day = startOfUtcDay(now) - DAY_MS;
    const window = timeframeWindow('24h', day + 23 * HOUR_MS + 30 * 60_000);
    expect(window.dateRange).toEqual([toCubeTimestamp(day), toCubeTimestamp(day + DAY_MS - 1)]);
    const reuse = assetsSection.widgets.reuse;
    const [request] = reuse.queries(window);
    if (!request) throw new Error('the reuse card sends no query');
    const answer = await cube.load(request.query);
    expect(usedPreAggregations(answer.response)).toEqual([
      expect.stringMatching(/\.uploaded_assets_hourly$/),
    ]);
    const card = reuse.parse(
      [
        toMultiResponse({
          queryType: 'regularQuery',
          pivotQuery: request.query,
          results: answer.response.results,
        }),
      ],
      window,
    );
    const family = VIEW_ORACLES.find((f) => f.name === 'assets');
    if (!family) throw new Error('no assets oracle');
    const expected = await family.expected(oracle, sqlWindow(window.dateRange));
    expect(card.uploads).toBe(expected['assets.uploads']);
    expect(card.newAssets).toBe(expected['assets.new_assets']);
    expect(card.reused).toBe(expected['assets.reused_assets']);
    expect(card.reuseRate).toBeCloseTo(Number(expected['assets.reuse_rate']), 12);
  });

  test('an hour-aligned 24h window comes from the hourly rollup and equals SQL', async () => {
    // Not ending at a UTC midnight: a window that is also day-aligned rightly reads the daily one.
    const last = Math.floor(now / HOUR_MS) * HOUR_MS;
    const hour = (last + HOUR_MS) % DAY_MS === 0 ? last - HOUR_MS : last;
    const range = [
      toCubeTimestamp(hour - 23 * HOUR_MS),
      toCubeTimestamp(hour + HOUR_MS - 1),
    ] as const;
    const answer = await cube.load({
      measures: ['prompts.prompts'],
      timeDimensions: [{ dimension: 'prompts.created_at', dateRange: range }],
      timezone: 'UTC',
    });
    expect(usedPreAggregations(answer.response).some((t) => t.includes('hourly'))).toBe(true);
    const w = sqlWindow(range);
    expect(num(answer.rows[0], 'prompts.prompts')).toBe(await promptsInWindow(w.from, w.to));
  });
});

/** Local dates (YYYY-MM-DD) in the data's range on which `zone` changes its UTC offset. */
function offsetChanges(zone: string, fromMs: number, toMs: number): string[] {
  const offset = (ms: number) =>
    new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(ms)
      .find((p) => p.type === 'timeZoneName')?.value;
  const days: string[] = [];
  for (let day = startOfUtcDay(fromMs) + DAY_MS; day + DAY_MS < toMs; day += DAY_MS) {
    // The offset at 04:00 and 12:00 UTC of a day (before and after 2am in the Americas).
    if (offset(day + 4 * HOUR_MS) !== offset(day + 12 * HOUR_MS)) {
      days.push(new Date(day).toISOString().slice(0, 10));
    }
  }
  return days;
}

describe('daylight saving time in America/New_York', () => {
  const zone = 'America/New_York';

  test('the data spans at least one transition', () => {
    expect(offsetChanges(zone, firstDataMs, now).length).toBeGreaterThan(0);
  });

  test('days and hours around each transition equal SQL bucketed in that zone', async () => {
    for (const day of offsetChanges(zone, firstDataMs, now)) {
      const before = new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
      const after = new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
      for (const granularity of ['day', 'hour'] as const) {
        // Whole local days. (Cube 1.7 converts a local range end that falls in the few hours
        // after a transition with the pre-transition offset — shared/time.js localTimestampToUtc
        // — so ranges here end at local midnight, where the conversion is right.)
        const range =
          granularity === 'day'
            ? ([`${before}T00:00:00.000`, `${after}T23:59:59.999`] as const)
            : ([`${day}T00:00:00.000`, `${day}T23:59:59.999`] as const);
        // Another zone than the tab's UTC: the model must bucket any zone right.
        const answer = await cube.load(
          uncheckedQuery({
            measures: ['prompts.prompts'],
            timeDimensions: [{ dimension: 'prompts.created_at', granularity, dateRange: range }],
            timezone: zone,
          }),
        );
        const rows = await oracle.sql(
          `SELECT to_char(date_trunc('${granularity}', created_at AT TIME ZONE '${zone}'), 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS bucket,
                  count(*) AS n
             FROM messages
            WHERE role = 'user'
              AND created_at >= ($1::timestamp AT TIME ZONE '${zone}')
              AND created_at < (($2::timestamp + interval '1 millisecond') AT TIME ZONE '${zone}')
            GROUP BY 1 ORDER BY 1`,
          [range[0], range[1]],
        );
        const got = answer.rows
          .map((r) => [r[`prompts.created_at.${granularity}`], num(r, 'prompts.prompts')])
          .filter(([, n]) => n !== 0);
        expect(got, `${day} by ${granularity}`).toEqual(rows.map((r) => [r.bucket, Number(r.n)]));
      }
    }
  });
});

describe('an empty window', () => {
  // Long before any data: day-aligned (daily rollups), hour-aligned (hourly) and unaligned (raw).
  const windows = {
    'day-aligned': ['2001-01-01T00:00:00.000', '2001-01-07T23:59:59.999'],
    'hour-aligned': ['2001-01-01T05:00:00.000', '2001-01-02T04:59:59.999'],
    unaligned: ['2001-01-01T05:17:00.000', '2001-01-02T05:16:59.999'],
  } as const;

  describe.each(Object.entries(windows))('%s', (_, range) => {
    test.each(VIEW_ORACLES)(
      '$name: counts and sums are 0, rates and averages null',
      async (family) => {
        const answer = await cube.load(
          uncheckedQuery({
            measures: family.measures,
            timeDimensions: [{ dimension: family.timeDimension, dateRange: range }],
            timezone: 'UTC',
          }),
        );
        expect(answer.rows).toHaveLength(1);
        const expected = await family.expected(oracle, sqlWindow(range));
        expect(Object.values(expected).every((v) => v === 0 || v === null)).toBe(true);
        expectMembers(answer.rows[0], expected, family.name);
      },
    );
  });
});

describe('a rate whose denominator is zero', () => {
  test('funnel rates by step are null where the step has no predecessor events', async () => {
    const range = timeframeWindow('all', now).dateRange;
    const answer = await cube.load({
      dimensions: ['paywall_funnel.event_type'],
      measures: [
        'paywall_funnel.views',
        'paywall_funnel.checkouts',
        'paywall_funnel.conversions',
        'paywall_funnel.checkout_to_conversion_rate',
        'paywall_funnel.view_to_conversion_rate',
      ],
      timeDimensions: [{ dimension: 'paywall_funnel.created_at', dateRange: range }],
      timezone: 'UTC',
    });
    const purchases = answer.rows.find(
      (r) => r['paywall_funnel.event_type'] === 'completed_purchase',
    );
    expect(num(purchases, 'paywall_funnel.conversions')).toBeGreaterThan(0);
    expect(num(purchases, 'paywall_funnel.checkouts')).toBe(0);
    // conversions > 0 over checkouts = 0: NULLIF gives null, not NaN, Infinity or an error.
    expect(purchases?.['paywall_funnel.checkout_to_conversion_rate']).toBeNull();
    expect(purchases?.['paywall_funnel.view_to_conversion_rate']).toBeNull();
    const views = answer.rows.find((r) => r['paywall_funnel.event_type'] === 'viewed');
    expect(num(views, 'paywall_funnel.view_to_conversion_rate')).toBe(
      ratio(0, num(views, 'paywall_funnel.views')),
    );
  });

  test('success rate and averages of a window without exports are null', async () => {
    const answer = await cube.load({
      measures: [
        'exports_overview.success_rate',
        'exports_overview.avg_render_seconds',
        'exports_overview.exports',
      ],
      timeDimensions: [
        {
          dimension: 'exports_overview.created_at',
          dateRange: ['2001-01-01T00:00:00.000', '2001-01-01T23:59:59.999'],
        },
      ],
      timezone: 'UTC',
    });
    expect(answer.rows[0]).toEqual({
      'exports_overview.success_rate': null,
      'exports_overview.avg_render_seconds': null,
      'exports_overview.exports': expect.anything(),
    });
    expect(num(answer.rows[0], 'exports_overview.exports')).toBe(0);
  });
});
