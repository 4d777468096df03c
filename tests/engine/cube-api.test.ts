/**
 * The engine's REST API on the seeded test database: auth, errors, a day series against a SQL
 * oracle, compareDateRange through an unmodified @cubejs-client/core, and rollup use.
 */
import cube from '@cubejs-client/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { signCubeToken } from '../../cube/auth';

const { apiUrl, apiSecret } = inject('cube');
const admin = signCubeToken(apiSecret, { sub: 'test-admin', role: 'admin' });
const member = signCubeToken(apiSecret, { sub: 'test-member', role: 'member' });
const pool = new pg.Pool({ ...inject('pg'), max: 2 });
afterAll(() => pool.end());

async function get(path: string, token: string | null, query?: unknown) {
  const url = new URL(`${apiUrl}/${path}`);
  if (query) url.searchParams.set('query', JSON.stringify(query));
  const response = await fetch(url, { headers: token ? { Authorization: token } : {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The last 30 UTC days, as explicit day boundaries (the tab's `30d`). */
const today = new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) =>
  new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

describe('health', () => {
  test('/readyz answers the compat layer’s failure counts beside Cube’s health', async () => {
    const response = await fetch(new URL('/readyz', apiUrl));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      health: string;
      compat: { patchFailures: Record<string, number> };
    };
    expect(body.health).toBe('HEALTH');
    expect(body.compat.patchFailures).toBeTypeOf('object');
    for (const count of Object.values(body.compat.patchFailures)) expect(count).toBeGreaterThan(0);
  });
});

describe('auth', () => {
  test('a request without a token gets 403 with Cube’s message', async () => {
    expect(await get('meta', null)).toEqual({
      status: 403,
      body: { error: "Authorization header isn't set" },
    });
  });
  test('a token signed with another secret gets 403', async () => {
    const forged = signCubeToken('not-the-secret-not-the-secret', { sub: 'x', role: 'admin' });
    expect(await get('meta', forged)).toEqual({ status: 403, body: { error: 'Invalid token' } });
  });
  test('a non-admin token gets 403 on meta and load', async () => {
    expect((await get('meta', member)).status).toBe(403);
    const load = await get('load', member, { measures: ['exports_overview.exports'] });
    expect(load).toEqual({ status: 403, body: { error: 'API scope is missing: data' } });
  });
});

describe('meta and errors', () => {
  test('meta lists the exports view with its measures', async () => {
    const { status, body } = await get('meta', admin);
    expect(status).toBe(200);
    const cubes = body.cubes as Array<{ name: string; measures: Array<{ name: string }> }>;
    const exportsView = cubes.find((c) => c.name === 'exports_overview');
    expect(exportsView?.measures.map((m) => m.name)).toContain('exports_overview.exports');
  });
  test('a query naming an unknown member gets 400 naming it', async () => {
    const { status, body } = await get('load', admin, { measures: ['exports_overview.nope'] });
    expect(status).toBe(400);
    expect(String(body.error)).toContain('nope');
  });
  test('an unparseable date range gets 400', async () => {
    const { status } = await get('load', admin, {
      measures: ['exports_overview.exports'],
      timeDimensions: [{ dimension: 'exports_overview.created_at', dateRange: 'bogus' }],
    });
    expect(status).toBe(400);
  });
});

describe('data', () => {
  let oracle: Map<string, number>;
  beforeAll(async () => {
    const { rows } = await pool.query<{ day: string; n: string }>(
      `select to_char(date_trunc('day', created_at at time zone 'UTC'), 'YYYY-MM-DD') as day, count(*) as n
         from exports where created_at >= $1::date and created_at < $2::date + 1 group by 1`,
      [daysAgo(29), today],
    );
    oracle = new Map(rows.map((r) => [r.day, Number(r.n)]));
  });

  test('a 30-day series equals the SQL oracle and is served from a rollup', async () => {
    const { status, body } = await get('load', admin, {
      measures: ['exports_overview.exports'],
      timeDimensions: [
        {
          dimension: 'exports_overview.created_at',
          granularity: 'day',
          dateRange: [daysAgo(29), today],
        },
      ],
      timezone: 'UTC',
    });
    expect(status).toBe(200);
    const data = body.data as Array<Record<string, string>>;
    const got = new Map(
      data.map((row) => [
        String(row['exports_overview.created_at.day']).slice(0, 10),
        Number(row['exports_overview.exports']),
      ]),
    );
    expect(got).toEqual(oracle);
    expect(Object.keys(body.usedPreAggregations as object).length).toBeGreaterThan(0);
  });

  test('compareDateRange works through @cubejs-client/core (decompose, chartPivot, tablePivot)', async () => {
    const api = cube(admin, { apiUrl });
    const current: [string, string] = [daysAgo(6), today];
    const previous: [string, string] = [daysAgo(13), daysAgo(7)];
    const resultSet = await api.load({
      measures: ['exports_overview.exports'],
      timeDimensions: [
        {
          dimension: 'exports_overview.created_at',
          granularity: 'day',
          compareDateRange: [current, previous],
        },
      ],
      timezone: 'UTC',
    });
    const [now, before] = resultSet.decompose();
    const sum = (rs: typeof now) =>
      rs.tablePivot().reduce((acc, row) => acc + Number(row['exports_overview.exports']), 0);
    const oracleSum = (from: number, to: number) => {
      let total = 0;
      for (let d = from; d <= to; d++) total += oracle.get(daysAgo(d)) ?? 0;
      return total;
    };
    expect(sum(now)).toBe(oracleSum(0, 6));
    expect(sum(before)).toBe(oracleSum(7, 13));
    expect(resultSet.chartPivot()).toHaveLength(7);
    expect(now.chartPivot().map((point) => point.x.slice(0, 10))).toEqual(
      Array.from({ length: 7 }, (_, i) => daysAgo(6 - i)),
    );
  });
});
