/**
 * The page's all-time charts share their weeks: every series over time at `all` (the overview's
 * three trends, Exports' finalizing share, Monetization's credits), built by the tab's own
 * endpoints from Cube answers recorded on the demo data, starts on the same week (the earliest
 * week any of them has data in) and ends on the current week, still filling.
 */
import { describe, expect, test } from 'vitest';
import { seriesQueries } from '../../web/lib/analytics/allTime';
import { SECTION_ROUTES, trendsDefinition } from '../../web/lib/analytics/definitions';
import { tabQueries } from '../../web/lib/analytics/registry';
import { isPartialBucket } from '../../web/lib/buckets';
import { parseCubeTimestamp, startOfUtcWeek, timeframeWindow } from '../../web/lib/timeframe';
import {
  cubeError,
  fakeCube,
  fixtureNow,
  ok,
  type Reply,
  recordedRows,
  type SentQuery,
} from './helpers/cubeFixtures';
import { testLoader } from './helpers/render';

const hasConversions = (r: Record<string, unknown>) =>
  Number(r['paywall_funnel.conversions']) !== 0;

/** Each series' weekly query at `all`, recorded by scripts/record-cube-fixtures.ts. */
const SERIES: Record<
  string,
  { fixture: string; hasData: (row: Record<string, unknown>) => boolean }
> = {
  'exports_overview.exports': {
    fixture: 'all-time-trend-exports',
    hasData: (r) => Number(r['exports_overview.exports']) !== 0,
  },
  'prompts.prompts': {
    fixture: 'all-time-trend-prompts',
    hasData: (r) => Number(r['prompts.prompts']) !== 0,
  },
  'paywall_funnel.conversions': {
    fixture: 'all-time-trend-paywall',
    hasData: (r) => Number(r['paywall_funnel.conversions']) !== 0,
  },
  'export_reliability.finalizing_share': {
    fixture: 'all-time-exports-finalizing',
    hasData: (r) => r['export_reliability.finalizing_share'] != null,
  },
  'credits.credits_purchased': {
    fixture: 'all-time-monetization-credits',
    hasData: (r) =>
      Number(r['credits.credits_purchased']) !== 0 || Number(r['credits.credits_used']) !== 0,
  },
};

function reply(query: SentQuery): Reply {
  const measure = query.measures?.[0] ?? '';
  const weekly = (query.timeDimensions ?? []).some((td) => td.granularity === 'week');
  const series = SERIES[measure];
  if (weekly && series) return ok(series.fixture);
  // The finalizing widget's totals and by-format queries: not series; an empty window's answers.
  if (measure === 'export_reliability.finalizing_share') {
    return ok(
      Array.isArray(query.dimensions) && query.dimensions.length > 0
        ? 'section-exports-finalizing-7d-1-empty'
        : 'section-exports-finalizing-7d-0-empty',
    );
  }
  return cubeError(400, `no recorded answer for ${JSON.stringify(query)}`);
}

const weekOf = (row: Record<string, unknown>) =>
  parseCubeTimestamp(
    String(Object.entries(row).find(([key]) => key.endsWith('.created_at.week'))?.[1]),
  );

describe('all-time weekly series', () => {
  const now = fixtureNow('all-time-trend-exports');

  test('every series starts on the same week and ends on the current one', async () => {
    const firstWeeks = Object.values(SERIES).map(({ fixture, hasData }) =>
      Math.min(...recordedRows(fixture).filter(hasData).map(weekOf)),
    );
    // The recorded series do start on different weeks (else this test proves nothing).
    expect(new Set(firstWeeks).size).toBeGreaterThan(1);
    const pageStart = Math.min(...firstWeeks);

    const loader = testLoader(fakeCube(reply));
    const trends = await trendsDefinition.load(
      trendsDefinition.params(
        trendsDefinition.schema.parse({
          timeframe: 'all',
          metrics: ['exports', 'prompts', 'paywall'],
        }),
        now,
      ),
      loader,
    );
    const section = <K extends keyof typeof SECTION_ROUTES>(route: K, widget: string) => {
      const def = SECTION_ROUTES[route];
      return def.load(def.params(def.schema.parse({ timeframe: 'all', widget }), now), loader);
    };
    const finalizing = (await section('getExportFunnel', 'finalizing')).value as {
      trend: { bucket: string }[];
    };
    const credits = (await section('getMonetizationFunnel', 'credits')).value as {
      purchased: { bucket: string }[];
      used: { bucket: string }[];
    };

    const buckets = (points: readonly { bucket: string }[]) => points.map((p) => p.bucket);
    const charts: Record<string, string[]> = {
      'trend.exports': buckets(trends.value.series.exports?.buckets ?? []),
      'trend.prompts': buckets(trends.value.series.prompts?.buckets ?? []),
      'trend.paywall': buckets(trends.value.series.paywall?.buckets ?? []),
      'exports.finalizing': buckets(finalizing.trend),
      'monetization.credits purchased': buckets(credits.purchased),
      'monetization.credits used': buckets(credits.used),
    };
    const thisWeek = startOfUtcWeek(now);
    const expected: string[] = [];
    for (let at = pageStart; at <= thisWeek; at += 7 * 86_400_000) {
      expected.push(new Date(at).toISOString());
    }
    for (const [chart, got] of Object.entries(charts)) {
      expect.soft(got, `${chart}: its weeks`).toStrictEqual(expected);
    }
    expect(isPartialBucket(expected.at(-1) ?? '', 'week', now)).toBe(true);
  });

  test('the leading weeks before a series has data are empty: nothing is added or lost', async () => {
    const loader = testLoader(fakeCube(reply));
    const trends = await trendsDefinition.load(
      trendsDefinition.params(
        trendsDefinition.schema.parse({ timeframe: 'all', metrics: ['paywall'] }),
        now,
      ),
      loader,
    );
    const paywall = trends.value.series.paywall;
    const rows = recordedRows('all-time-trend-paywall');
    const first = Math.min(...rows.filter(hasConversions).map(weekOf));
    const leading = (paywall?.buckets ?? []).filter((b) => Date.parse(b.bucket) < first);
    expect(leading.length).toBeGreaterThan(0);
    expect(leading.every((b) => b.count === 0)).toBe(true);
    expect(paywall?.total).toBe(
      rows.reduce((sum, r) => sum + Number(r['paywall_funnel.conversions']), 0),
    );
  });

  test("the registry marks the queries the page's first week is read from, at all only", () => {
    const listed = tabQueries(now).filter((q) => q.pageStart === true);
    expect(new Set(listed.map((q) => q.timeframe))).toStrictEqual(new Set(['all']));
    expect(listed.map((q) => JSON.stringify(q.query)).sort()).toStrictEqual(
      seriesQueries(timeframeWindow('all', now))
        .map((q) => JSON.stringify(q))
        .sort(),
    );
  });
});
