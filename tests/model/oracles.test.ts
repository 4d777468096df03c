/**
 * Every measure of every view, at every timeframe the tab offers (explicit UTC date ranges), equals
 * an independent SQL answer on the seeded database: counts exactly, rates and averages to 1e-9
 * relative. Plus breakdowns (format, provider, trigger, category…) and week-over-week through
 * compareDateRange.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CubeRow, num, uncheckedQuery } from '../../lib/cube-client';
import {
  percentileCont,
  ratio,
  type SqlWindow,
  sqlWindow,
  TREND_SOURCES,
  trendRows,
} from '../../oracles/sql';
import { VIEW_ORACLES } from '../../oracles/views';
import { tabQueries } from '../../web/lib/analytics/registry';
import { TIMEFRAMES, WINDOW_TIMEFRAMES, wowWindows } from '../../web/lib/timeframe';
import { expectMembers, timeframeRange } from '../support/compare';
import { cubeFromTestStack } from '../support/cube';
import { oracleFromTestStack } from '../support/oracle';
import { dataNow } from './now';

const cube = cubeFromTestStack();
const oracle = oracleFromTestStack();
afterAll(() => oracle.end());

let now: number;
beforeAll(async () => {
  now = await dataNow(oracle);
});

describe.each(VIEW_ORACLES)('$name', (family) => {
  test.each(TIMEFRAMES)('every measure over %s equals the SQL oracle', async (timeframe) => {
    const range = timeframeRange(timeframe, now);
    const answer = await cube.load(
      uncheckedQuery({
        measures: family.measures,
        timeDimensions: [{ dimension: family.timeDimension, dateRange: range }],
        timezone: 'UTC',
      }),
    );
    expect(answer.rows).toHaveLength(1);
    const expected = await family.expected(oracle, sqlWindow(range));
    expect(Object.keys(expected).sort()).toEqual([...family.measures].sort());
    expectMembers(answer.rows[0], expected, `${family.name} ${timeframe}`);
  });
});

/** Rows of a breakdown keyed by a dimension's value ('∅' for null). */
function byKey(rows: readonly CubeRow[], dimension: string): Map<string, CubeRow> {
  return new Map(rows.map((row) => [String(row[dimension] ?? '∅'), row]));
}

const window30d = (): { range: readonly [string, string]; w: SqlWindow } => {
  const range = timeframeRange('30d', now);
  return { range, w: sqlWindow(range) };
};

describe('breakdowns', () => {
  test('exports by format and quality (30d)', async () => {
    const { range, w } = window30d();
    const answer = await cube.load({
      dimensions: ['exports_overview.format', 'exports_overview.quality'],
      measures: [
        'exports_overview.exports',
        'exports_overview.success_rate',
        'exports_overview.avg_render_seconds',
        'exports_overview.total_video_minutes',
      ],
      timeDimensions: [{ dimension: 'exports_overview.created_at', dateRange: range }],
      timezone: 'UTC',
    });
    const rows = await oracle.sql(
      `SELECT format || '/' || quality AS k, count(*) AS n,
              count(*) FILTER (WHERE status = 'completed') AS ok,
              sum(render_duration_ms) FILTER (WHERE status = 'completed') AS render_ms,
              count(render_duration_ms) FILTER (WHERE status = 'completed') AS rendered,
              coalesce(sum(video_duration_ms) FILTER (WHERE status = 'completed'), 0) AS video_ms
         FROM exports WHERE created_at >= $1 AND created_at < $2 GROUP BY 1`,
      [w.from, w.to],
    );
    expect(answer.rows).toHaveLength(rows.length);
    for (const r of rows) {
      const row = answer.rows.find(
        (x) => `${x['exports_overview.format']}/${x['exports_overview.quality']}` === r.k,
      );
      expectMembers(
        row,
        {
          'exports_overview.exports': Number(r.n),
          'exports_overview.success_rate': ratio(Number(r.ok), Number(r.n)),
          'exports_overview.avg_render_seconds': ratio(
            Number(r.render_ms) / 1000,
            Number(r.rendered),
          ),
          'exports_overview.total_video_minutes': Number(r.video_ms) / 60_000,
        },
        String(r.k),
      );
    }
  });

  test('LLM calls by provider, with p95 (30d)', async () => {
    const { range, w } = window30d();
    const answer = await cube.load({
      dimensions: ['llm_usage.provider'],
      measures: [
        'llm_usage.calls',
        'llm_usage.total_tokens',
        'llm_usage.p95_response_ms',
        'llm_usage.success_rate',
      ],
      timeDimensions: [{ dimension: 'llm_usage.created_at', dateRange: range }],
      timezone: 'UTC',
    });
    const rows = await oracle.sql(
      `SELECT provider, count(*) AS calls, sum(input_tokens) + sum(output_tokens) AS tokens,
              count(*) FILTER (WHERE success) AS ok, array_agg(response_time_ms) AS latencies
         FROM api_usage_metrics WHERE created_at >= $1 AND created_at < $2 GROUP BY provider`,
      [w.from, w.to],
    );
    const got = byKey(answer.rows, 'llm_usage.provider');
    expect(got.size).toBe(rows.length);
    for (const r of rows) {
      expectMembers(
        got.get(String(r.provider)),
        {
          'llm_usage.calls': Number(r.calls),
          'llm_usage.total_tokens': Number(r.tokens),
          'llm_usage.p95_response_ms': percentileCont(
            (r.latencies as unknown as number[]) ?? [],
            0.95,
          ),
          'llm_usage.success_rate': ratio(Number(r.ok), Number(r.calls)),
        },
        String(r.provider),
      );
    }
  });

  test('paywall funnel by trigger (30d)', async () => {
    const { range, w } = window30d();
    const answer = await cube.load({
      dimensions: ['paywall_funnel.trigger'],
      measures: [
        'paywall_funnel.views',
        'paywall_funnel.conversions',
        'paywall_funnel.view_to_conversion_rate',
      ],
      timeDimensions: [{ dimension: 'paywall_funnel.created_at', dateRange: range }],
      timezone: 'UTC',
    });
    const rows = await oracle.sql(
      `SELECT trigger, count(*) FILTER (WHERE event_type = 'viewed') AS views,
              count(*) FILTER (WHERE event_type = 'completed_purchase') AS purchases
         FROM paywall_events WHERE created_at >= $1 AND created_at < $2 GROUP BY trigger`,
      [w.from, w.to],
    );
    const got = byKey(answer.rows, 'paywall_funnel.trigger');
    expect(got.size).toBe(rows.length);
    for (const r of rows) {
      expectMembers(got.get(String(r.trigger)), {
        'paywall_funnel.views': Number(r.views),
        'paywall_funnel.conversions': Number(r.purchases),
        'paywall_funnel.view_to_conversion_rate': ratio(Number(r.purchases), Number(r.views)),
      });
    }
  });

  test('templates by category: uses in the window, lifetime uses without fan-out (30d)', async () => {
    const { range, w } = window30d();
    const answer = await cube.load({
      dimensions: ['template_leaderboard.category'],
      measures: ['template_leaderboard.uses', 'template_leaderboard.lifetime_uses'],
      timeDimensions: [{ dimension: 'template_leaderboard.created_at', dateRange: range }],
      timezone: 'UTC',
    });
    const rows = await oracle.sql(
      `SELECT t.category, sum(u.n) AS uses, sum(t.usage_count) AS lifetime
         FROM templates t
         JOIN (SELECT template_id, count(*) AS n FROM template_usage
                WHERE created_at >= $1 AND created_at < $2 GROUP BY template_id) u ON u.template_id = t.id
        GROUP BY t.category`,
      [w.from, w.to],
    );
    const got = byKey(answer.rows, 'template_leaderboard.category');
    expect(got.size).toBe(rows.length);
    for (const r of rows) {
      expectMembers(got.get(String(r.category)), {
        'template_leaderboard.uses': Number(r.uses),
        'template_leaderboard.lifetime_uses': Number(r.lifetime),
      });
    }
  });

  test('the all-time leaderboard is the top 10 lifetime counters', async () => {
    const answer = await cube.load({
      dimensions: ['template_leaderboard.template_id', 'template_leaderboard.template_name'],
      measures: ['template_leaderboard.lifetime_uses'],
      order: [
        ['template_leaderboard.lifetime_uses', 'desc'],
        ['template_leaderboard.template_id', 'asc'],
      ],
      limit: 10,
      timezone: 'UTC',
    });
    const rows = await oracle.sql(
      'SELECT id, name, usage_count FROM templates ORDER BY usage_count DESC, id ASC LIMIT 10',
    );
    expect(
      answer.rows.map((r) => [
        r['template_leaderboard.template_id'],
        r['template_leaderboard.template_name'],
        num(r, 'template_leaderboard.lifetime_uses'),
      ]),
    ).toEqual(rows.map((r) => [r.id, r.name, Number(r.usage_count)]));
  });

  test('top error messages (30d)', async () => {
    const { range, w } = window30d();
    const answer = await cube.load({
      dimensions: ['export_errors.error_message'],
      measures: ['export_errors.failures'],
      filters: [{ member: 'export_errors.error_message', operator: 'set' }],
      timeDimensions: [{ dimension: 'export_errors.created_at', dateRange: range }],
      order: [
        ['export_errors.failures', 'desc'],
        ['export_errors.error_message', 'asc'],
      ],
      limit: 10,
      timezone: 'UTC',
    });
    const rows = await oracle.sql(
      `SELECT error_message, count(*) FILTER (WHERE event = 'failed') AS failures
         FROM export_analytics
        WHERE error_message IS NOT NULL AND created_at >= $1 AND created_at < $2
        GROUP BY error_message ORDER BY 2 DESC, 1 ASC LIMIT 10`,
      [w.from, w.to],
    );
    expect(
      answer.rows.map((r) => [r['export_errors.error_message'], num(r, 'export_errors.failures')]),
    ).toEqual(rows.map((r) => [r.error_message, Number(r.failures)]));
  });

  test('edit-complexity mix by complexity (30d)', async () => {
    const { range, w } = window30d();
    const answer = await cube.load({
      dimensions: ['engagement.edit_complexity'],
      measures: ['engagement.edits', 'engagement.iterations'],
      timeDimensions: [{ dimension: 'engagement.iterated_at', dateRange: range }],
      timezone: 'UTC',
    });
    const rows = await oracle.sql(
      `SELECT edit_complexity, count(*) FILTER (WHERE operation_type = 'edit') AS edits, count(*) AS n
         FROM scene_iterations WHERE created_at >= $1 AND created_at < $2 GROUP BY 1`,
      [w.from, w.to],
    );
    const got = byKey(answer.rows, 'engagement.edit_complexity');
    expect(got.size).toBe(rows.length);
    for (const r of rows) {
      expectMembers(got.get(String(r.edit_complexity ?? '∅')), {
        'engagement.edits': Number(r.edits),
        'engagement.iterations': Number(r.n),
      });
    }
  });

  test('assets by type and size bucket (all)', async () => {
    const range = timeframeRange('all', now);
    const w = sqlWindow(range);
    const answer = await cube.load({
      dimensions: ['assets.asset_type', 'assets.size_bucket'],
      measures: ['assets.uploads', 'assets.bytes'],
      timeDimensions: [{ dimension: 'assets.created_at', dateRange: range }],
      timezone: 'UTC',
    });
    const rows = await oracle.sql(
      `SELECT memory_value->>'asset_type' || '/' || CASE
                WHEN (memory_value->>'size_bytes')::bigint < 100000 THEN '< 100 KB'
                WHEN (memory_value->>'size_bytes')::bigint < 1000000 THEN '100 KB – 1 MB'
                WHEN (memory_value->>'size_bytes')::bigint < 10000000 THEN '1 – 10 MB'
                WHEN (memory_value->>'size_bytes')::bigint < 100000000 THEN '10 – 100 MB'
                ELSE '≥ 100 MB' END AS k,
              count(*) AS n, sum((memory_value->>'size_bytes')::bigint) AS bytes
         FROM project_memory
        WHERE memory_type = 'uploaded_asset' AND created_at >= $1 AND created_at < $2
        GROUP BY 1`,
      [w.from, w.to],
    );
    expect(answer.rows).toHaveLength(rows.length);
    for (const r of rows) {
      const row = answer.rows.find(
        (x) => `${x['assets.asset_type']}/${x['assets.size_bucket']}` === r.k,
      );
      expectMembers(
        row,
        { 'assets.uploads': Number(r.n), 'assets.bytes': Number(r.bytes) },
        String(r.k),
      );
    }
  });

  test('credits by package (30d)', async () => {
    const { range, w } = window30d();
    const answer = await cube.load({
      dimensions: ['credits.package_id'],
      measures: ['credits.credits_purchased', 'credits.revenue', 'credits.paying_users'],
      timeDimensions: [{ dimension: 'credits.created_at', dateRange: range }],
      timezone: 'UTC',
    });
    const rows = await oracle.sql(
      `SELECT package_id, coalesce(sum(amount) FILTER (WHERE type = 'purchase'), 0) AS credits,
              coalesce(sum(price_cents) FILTER (WHERE type = 'purchase'), 0) AS cents,
              count(DISTINCT user_id) FILTER (WHERE type = 'purchase') AS payers
         FROM credit_transactions WHERE created_at >= $1 AND created_at < $2 GROUP BY 1`,
      [w.from, w.to],
    );
    const got = byKey(answer.rows, 'credits.package_id');
    expect(got.size).toBe(rows.length);
    for (const r of rows) {
      expectMembers(got.get(String(r.package_id ?? '∅')), {
        'credits.credits_purchased': Number(r.credits),
        'credits.revenue': Number(r.cents) / 100,
        'credits.paying_users': Number(r.payers),
      });
    }
  });

  test('credit balances (a snapshot over all users)', async () => {
    const answer = await cube.load({
      measures: [
        'credit_balances.users',
        'credit_balances.total_balance',
        'credit_balances.total_lifetime_purchased',
        'credit_balances.total_lifetime_used',
        'credit_balances.users_out_of_credits',
      ],
      timezone: 'UTC',
    });
    const r = await oracle.one(
      `SELECT count(*) AS users, sum(balance) AS balance, sum(lifetime_purchased) AS bought,
              sum(lifetime_used) AS used, count(*) FILTER (WHERE balance <= 0) AS empty
         FROM user_credits`,
    );
    expectMembers(answer.rows[0], {
      'credit_balances.users': Number(r.users),
      'credit_balances.total_balance': r.balance === null ? null : Number(r.balance),
      'credit_balances.total_lifetime_purchased': r.bought === null ? null : Number(r.bought),
      'credit_balances.total_lifetime_used': r.used === null ? null : Number(r.used),
      'credit_balances.users_out_of_credits': Number(r.empty),
    });
  });
});

describe('trend series', () => {
  test.each(TIMEFRAMES)(
    'exports, prompts and conversions per bucket over %s equal SQL',
    async (timeframe) => {
      const range = timeframeRange(timeframe, now);
      const w = sqlWindow(range);
      const granularity = { '24h': 'hour', '7d': 'day', '30d': 'day', all: 'week' }[timeframe] as
        | 'hour'
        | 'day'
        | 'week';
      const series = [
        [
          'exports_overview.exports',
          'exports_overview.created_at',
          trendRows(TREND_SOURCES.exports, 't'),
        ],
        ['prompts.prompts', 'prompts.created_at', trendRows(TREND_SOURCES.prompts, 't')],
        [
          'paywall_funnel.conversions',
          'paywall_funnel.created_at',
          trendRows(TREND_SOURCES.paywall, 't'),
        ],
      ] as const;
      for (const [measure, dimension, source] of series) {
        const answer = await cube.load({
          measures: [measure],
          timeDimensions: [{ dimension, granularity, dateRange: range }],
          timezone: 'UTC',
        });
        const rows = await oracle.sql(
          `SELECT to_char(date_trunc('${granularity}', t AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS bucket,
                count(*) AS n
           FROM (${source}) s WHERE t >= $1 AND t < $2 GROUP BY 1 ORDER BY 1`,
          [w.from, w.to],
        );
        // Buckets without rows are absent from SQL and may be present as 0 in Cube (a rollup row of
        // another role or status); the chart fills them with zeros either way.
        const got = answer.rows
          .map((r) => [r[`${dimension}.${granularity}`], num(r, measure)])
          .filter(([, value]) => value !== 0);
        expect(got, `${measure} ${timeframe}`).toEqual(rows.map((r) => [r.bucket, Number(r.n)]));
      }
    },
  );
});

describe('week over week (compareDateRange): the tab queries themselves', () => {
  test.each([1, 2, 4] as const)(
    '%i-week export success and paying users equal SQL per window',
    async (weeks) => {
      const windows = wowWindows(weeks, now);
      const byName = new Map(tabQueries(now).map((q) => [q.name, q.query]));
      const exportsQuery = byName.get(`wow.export_success/${weeks}w`);
      const payersQuery = byName.get(`wow.paying_users/${weeks}w`);
      if (!exportsQuery || !payersQuery) throw new Error('week-over-week tab queries are missing');
      const exportsAnswer = await cube.load({
        ...exportsQuery,
        measures: [...(exportsQuery.measures ?? []), 'exports_overview.success_rate'],
      });
      const payersAnswer = await cube.load(payersQuery);
      expect(exportsAnswer.response.results).toHaveLength(2);
      expect(payersAnswer.response.results).toHaveLength(2);
      for (const [i, range] of [windows.current, windows.previous].entries()) {
        const w = sqlWindow(range);
        const e = await oracle.one(
          `SELECT count(*) AS n, count(*) FILTER (WHERE status = 'completed') AS ok
           FROM exports WHERE created_at >= $1 AND created_at < $2`,
          [w.from, w.to],
        );
        const p = await oracle.one(
          `SELECT count(DISTINCT user_id) AS payers FROM credit_transactions
          WHERE type = 'purchase' AND created_at >= $1 AND created_at < $2`,
          [w.from, w.to],
        );
        const exportsRow = exportsAnswer.response.results[i]?.data[0];
        expect(exportsRow?.compareDateRange).toBe(`${range[0]} - ${range[1]}`);
        expectMembers(exportsRow, {
          'exports_overview.completed_exports': Number(e.ok),
          'exports_overview.exports': Number(e.n),
          'exports_overview.success_rate': ratio(Number(e.ok), Number(e.n)),
        });
        expectMembers(payersAnswer.response.results[i]?.data[0], {
          'credits.paying_users': Number(p.payers),
        });
      }
    },
  );
});

describe('the tab’s single-number widgets equal SQL at every timeframe', () => {
  /** Tab queries without dimensions or buckets: one row, comparable to a view family's oracle. */
  const singleRow = () =>
    tabQueries(now).filter(
      (q) =>
        !q.timeframe.startsWith('wow') &&
        (q.query.dimensions ?? []).length === 0 &&
        (q.query.timeDimensions ?? []).every((td) => td.granularity === undefined),
    );

  test('there are such widgets for every timeframe', () => {
    expect(new Set(singleRow().map((q) => q.timeframe))).toEqual(new Set(WINDOW_TIMEFRAMES));
  });

  test('each one (rollup or deliberately raw) equals its view’s SQL oracle', async () => {
    for (const tabQuery of singleRow()) {
      const measures = tabQuery.query.measures ?? [];
      const td = tabQuery.query.timeDimensions?.[0];
      const family = VIEW_ORACLES.find(
        (f) =>
          measures.every((m) => f.measures.includes(m)) &&
          (!td || td.dimension === f.timeDimension),
      );
      if (!family) throw new Error(`no oracle covers ${tabQuery.name}`);
      // Without a time filter (`all` of a non-additive widget) the window is every row.
      const range =
        td?.dateRange ?? (['1970-01-01T00:00:00.000', '2999-12-31T23:59:59.999'] as const);
      const [answer, all] = await Promise.all([
        cube.load(tabQuery.query),
        family.expected(oracle, sqlWindow(range)),
      ]);
      expectMembers(
        answer.rows[0],
        Object.fromEntries(measures.map((m) => [m, all[m] ?? null])),
        tabQuery.name,
      );
    }
  });
});
