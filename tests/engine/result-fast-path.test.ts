/**
 * The result fast path (cube/hardening/result-fast-path.ts) on the test stack: a repeated query is
 * answered from memory byte for byte, and never where Cube's own path would answer differently or
 * refuse: other callers, refused queries, `no-cache`, relative ranges, and a rollup rebuilt after
 * the data changed (checked against SQL over the source table).
 */
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { signCubeToken } from '../../cube/auth';
import { installRollupListingWatch, rollupListing } from '../../cube/compat/rollup-listing';
import {
  RESULT_CACHE_HEADER,
  ResultFastPath,
  resultCacheSettingsFrom,
} from '../../cube/hardening/result-fast-path';
import { buildAllRollups } from '../../cube/rollups';
import { CubeClient } from '../../lib/cube-client';

const { apiUrl, apiSecret } = inject('cube');
const pool = new pg.Pool({ ...inject('pg'), max: 2 });
const TAG = 'fastpath-test';
afterAll(async () => {
  await pool.query('delete from exports where id like $1', [`${TAG}-%`]);
  await pool.end();
});

const admin = signCubeToken(apiSecret, { sub: 'fast-admin', role: 'admin' });

type Answer = { status: number; cache: string | null; text: string; exports: number };

const cube = new CubeClient({ apiUrl, token: admin });

/** `POST /load` with a single (not multi) answer, whatever its status. */
async function load(
  query: unknown,
  { token = admin, cache }: { token?: string; cache?: 'no-cache' } = {},
): Promise<Answer> {
  const answer = await cube.request('load', {
    method: 'POST',
    token,
    body: { query, ...(cache ? { cache } : {}) },
  });
  const { data = [] } = answer.body as { data?: Array<Record<string, string | number>> };
  return {
    status: answer.status,
    cache: answer.headers.get(RESULT_CACHE_HEADER),
    text: answer.text,
    exports: data.reduce((sum, row) => sum + Number(row[EXPORTS] ?? 0), 0),
  };
}

const EXPORTS = 'exports_overview.exports';

/** The last day of the seeded data, where the test adds rows. */
const lastRow = (await pool.query<{ at: Date }>('select max(created_at) as at from exports'))
  .rows[0];
if (!lastRow) throw new Error('the test database has no exports');
const lastInstant = lastRow.at;
const lastDay = lastInstant.toISOString().slice(0, 10);

/** Exports per day over the data's last week; `limit` tells the tests' queries apart. */
function weekQuery(limit: number) {
  const from = new Date(Date.parse(`${lastDay}T00:00:00Z`) - 6 * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return {
    measures: [EXPORTS],
    timeDimensions: [
      {
        dimension: 'exports_overview.created_at',
        granularity: 'day',
        dateRange: [from, `${lastDay}T23:59:59.999`],
      },
    ],
    timezone: 'UTC',
    limit,
  };
}

async function oracleWeekExports(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `select count(*)::int as n from exports
      where created_at >= $1::date - 6 and created_at < $1::date + 1`,
    [lastDay],
  );
  return rows[0]?.n ?? -1;
}

describe('the fast path answers a repeat from memory', () => {
  test('the second identical query is a hit with the same bytes, from rollups', async () => {
    const first = await load(weekQuery(901));
    const second = await load(weekQuery(901));
    expect(first).toMatchObject({ status: 200, cache: 'miss' });
    expect(second).toMatchObject({ status: 200, cache: 'hit' });
    expect(second.text).toBe(first.text);
    expect(Object.keys(JSON.parse(first.text).usedPreAggregations ?? {})).not.toHaveLength(0);
    expect(first.exports).toBe(await oracleWeekExports());
  });

  test('identical requests arriving together run the full path once', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => load(weekQuery(908))));
    expect(answers.filter((a) => a.cache === 'miss')).toHaveLength(1);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers.every((a) => a.status === 200)).toBe(true);
  });

  test('the same query with its keys in another order is the same entry', async () => {
    await load(weekQuery(902));
    const { limit, timezone, timeDimensions, measures } = weekQuery(902);
    expect((await load({ limit, timezone, timeDimensions, measures })).cache).toBe('hit');
  });

  test('cache: no-cache takes Cube’s own path and leaves nothing behind', async () => {
    expect((await load(weekQuery(903), { cache: 'no-cache' })).cache).toBeNull();
    expect((await load(weekQuery(903), { cache: 'no-cache' })).cache).toBeNull();
    expect((await load(weekQuery(903))).cache).toBe('miss');
  });

  test('a relative date range is resolved by Cube every time', async () => {
    const query = {
      measures: [EXPORTS],
      timeDimensions: [{ dimension: 'exports_overview.created_at', dateRange: 'last 7 days' }],
    };
    expect((await load(query)).cache).toBeNull();
    expect((await load(query)).cache).toBeNull();
  });
});

describe('callers and refusals', () => {
  test('another caller has its own entries; a fresh token of the same caller shares them', async () => {
    await load(weekQuery(904));
    const other = signCubeToken(apiSecret, { sub: 'fast-admin-2', role: 'admin' });
    expect((await load(weekQuery(904), { token: other })).cache).toBe('miss');
    const now = Math.floor(Date.now() / 1000);
    const sameCallerLater = jwt.sign(
      { sub: 'fast-admin', role: 'admin', iat: now - 5, exp: now + 600 },
      apiSecret,
      { algorithm: 'HS256' },
    );
    expect(sameCallerLater).not.toBe(admin);
    expect((await load(weekQuery(904), { token: sameCallerLater })).cache).toBe('hit');
  });

  test('a cached answer is still refused to a non-admin and to an unbounded token', async () => {
    await load(weekQuery(905));
    const member = signCubeToken(apiSecret, { sub: 'fast-admin', role: 'member' });
    expect(await load(weekQuery(905), { token: member })).toMatchObject({
      status: 403,
      cache: null,
    });
    const unbounded = jwt.sign({ sub: 'fast-admin', role: 'admin' }, apiSecret, {
      algorithm: 'HS256',
      noTimestamp: true,
      expiresIn: '10h',
    });
    expect((await load(weekQuery(905), { token: unbounded })).status).toBe(403);
  });

  test('what the query guard or the limits refuse is refused every time, never a hit', async () => {
    const hidden = {
      ...weekQuery(906),
      filters: [{ member: 'users.email', operator: 'equals', values: ['a@example.com'] }],
    };
    const overLimit = weekQuery(10_000_000);
    for (const query of [hidden, overLimit, hidden, overLimit]) {
      const answer = await load(query);
      expect(answer.status).toBe(400);
      expect(answer.cache).not.toBe('hit');
    }
  });
});

describe('rollup builds', () => {
  test('a rebuilt rollup retires the entry: after a data change the new rows show, as in SQL', async () => {
    const before = await load(weekQuery(907));
    expect((await load(weekQuery(907))).cache).toBe('hit');
    const added = 7;
    await pool.query(
      `insert into exports (id, user_id, project_id, format, quality, status, video_duration_ms, created_at)
       select $2 || '-' || g, e.user_id, e.project_id, 'mp4', '720p', 'pending', 1000, $3
         from (select user_id, project_id from exports limit 1) e, generate_series(1, $1::int) g`,
      [added, TAG, lastInstant],
    );
    try {
      await buildAllRollups(apiUrl, admin, { dateRange: [lastDay, lastDay] });
      const after = await load(weekQuery(907));
      expect(after.cache).toBe('miss');
      expect(after.exports).toBe(before.exports + added);
      expect(after.exports).toBe(await oracleWeekExports());
    } finally {
      await pool.query('delete from exports where id like $1', [`${TAG}-%`]);
      await buildAllRollups(apiUrl, admin, { dateRange: [lastDay, lastDay] });
    }
    const restored = await load(weekQuery(907));
    expect(restored.cache).toBe('miss');
    expect(restored.exports).toBe(before.exports);
  });
});

describe('keys and settings', () => {
  const fastPath = new ResultFastPath({ ttlMs: 10_000, maxBytes: 1024 * 1024 });
  const query = weekQuery(1);

  test('bypassed: renewQuery, a cache mode, relative ranges, an empty blend, invalid JSON', () => {
    const ctx = { sub: 'a', role: 'admin' };
    expect(fastPath.keyOf({ query: { ...query, renewQuery: true } }, ctx)).toBeNull();
    for (const cacheMode of ['no-cache', 'must-revalidate', 'stale-while-revalidate']) {
      expect(fastPath.keyOf({ query, cacheMode }, ctx)).toBeNull();
    }
    const compare = {
      measures: [EXPORTS],
      timeDimensions: [
        { dimension: 'exports_overview.created_at', compareDateRange: ['this week', 'last week'] },
      ],
    };
    expect(fastPath.keyOf({ query: compare }, ctx)).toBeNull();
    expect(fastPath.keyOf({ query: [] }, ctx)).toBeNull();
    expect(fastPath.keyOf({ query: '{"measures":' }, ctx)).toBeNull();
    expect(fastPath.keyOf({ query: JSON.stringify(query) }, ctx)).toBe(
      fastPath.keyOf({ query }, ctx),
    );
  });

  test('the key holds the caller’s claims but not their time bounds, and the query type', () => {
    const key = (ctx: object, queryType?: string) => fastPath.keyOf({ query, queryType }, ctx);
    expect(key({ sub: 'a', role: 'admin', iat: 1, exp: 2 })).toBe(
      key({ role: 'admin', sub: 'a', iat: 3, exp: 4 }),
    );
    expect(key({ sub: 'a', role: 'admin' })).not.toBe(key({ sub: 'b', role: 'admin' }));
    expect(key({ sub: 'a', role: 'admin' })).not.toBe(key({ sub: 'a', role: 'admin' }, 'multi'));
  });

  test('an answer not from rollups, or from an older listing, is not kept', () => {
    const compiler = {};
    const bytes = Buffer.from('{}');
    const k = 'k';
    const ticket = fastPath.begin(k, compiler);
    expect(fastPath.store(k, ticket, compiler, bytes, [{ usedPreAggregations: {} }])).toBe(false);
    ticket.settle(undefined);
    expect(fastPath.store(k, { generation: -1 }, compiler, bytes, [])).toBe(false);
  });

  test('a request for a key already being answered waits for that answer', async () => {
    const compiler = {};
    const ticket = fastPath.begin('joined', compiler);
    const { generation } = ticket;
    const joined = fastPath.joinInFlight('joined', compiler, generation);
    expect(fastPath.joinInFlight('joined', {}, generation)).toBeUndefined();
    expect(fastPath.joinInFlight('joined', compiler, generation + 1)).toBeUndefined();
    expect(fastPath.joinInFlight('joined', compiler, null)).toBeUndefined();
    expect(fastPath.joinInFlight('other', compiler, generation)).toBeUndefined();
    ticket.settle(Buffer.from('answer'));
    expect(String(await joined)).toBe('answer');
    expect(fastPath.joinInFlight('joined', compiler, generation)).toBeUndefined();
  });

  test('CUBE_RESULT_CACHE_SECONDS and CUBE_RESULT_CACHE_MB; 0 turns it off; longer is refused', () => {
    expect(resultCacheSettingsFrom({})).toEqual({ ttlMs: 10_000, maxBytes: 64 * 1024 * 1024 });
    expect(resultCacheSettingsFrom({ CUBE_RESULT_CACHE_SECONDS: '0' }).ttlMs).toBe(0);
    expect(resultCacheSettingsFrom({ CUBE_RESULT_CACHE_MB: '1' }).maxBytes).toBe(1024 * 1024);
    expect(() => resultCacheSettingsFrom({ CUBE_RESULT_CACHE_SECONDS: '60' })).toThrow();
  });
});

describe('the rollup listing generation', () => {
  test('only a listing that differs moves it; every fetch renews the listing’s lifetime', async () => {
    let tables = [{ table_name: 'a_rollup_1' }];
    class LoadCache {
      preAggregations = { options: { preAggregationsSchemaCacheExpire: 3600 } };
      async fetchTables(_preAggregation: unknown) {
        return tables;
      }
    }
    installRollupListingWatch(LoadCache as never);
    const cache = new LoadCache();
    const schema = { preAggregationsSchema: 'rollups' };
    await cache.fetchTables(schema);
    const { generation } = rollupListing();
    expect(rollupListing().validUntil).toBeGreaterThan(Date.now());
    await cache.fetchTables(schema);
    expect(rollupListing().generation).toBe(generation);
    tables = [{ table_name: 'a_rollup_1' }, { table_name: 'a_rollup_2' }];
    await cache.fetchTables(schema);
    expect(rollupListing().generation).toBe(generation + 1);
    await cache.fetchTables({ preAggregationsSchema: 'other' });
    expect(rollupListing().generation).toBe(generation + 2);
  });
});
