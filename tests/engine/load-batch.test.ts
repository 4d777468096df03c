/**
 * The warm request path on the test stack: a kept answer served to `GET /load` ahead of Cube's
 * middlewares (cube/compat/gateway.ts, `serveKeptAnswer`), `POST /load-batch` (each entry
 * answered as its own `/load` would be), and the web app's batching transport over both, against
 * the real Cube and Postgres. Answers are checked against single `/load`s and SQL over the source.
 */
import { createRequire } from 'node:module';
import cube, { type Query } from '@cubejs-client/core';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { tabQueries, tabStates } from '../../bench/cases';
import { signCubeToken } from '../../cube/auth';
import { loadParamsOf } from '../../cube/hardening/front-door';
import { RESULT_CACHE_HEADER } from '../../cube/hardening/result-fast-path';
import { LOAD_BATCH_MAX_QUERIES, LOAD_BATCH_METHOD } from '../../cube/load-batch-wire';
import { CubeClient, uncheckedQuery } from '../../lib/cube-client';
import { BatchingTransport } from '../../web/lib/cube/batch-transport';
import { createCubeLoader } from '../../web/lib/cube/client';
import type { LoadResponse } from '../../web/lib/cube/response';

const { apiUrl, apiSecret } = inject('cube');
const pool = new pg.Pool({ ...inject('pg'), max: 1 });
afterAll(() => pool.end());

const admin = signCubeToken(apiSecret, { sub: 'batch-admin', role: 'admin' });
const EXPORTS = 'exports_overview.exports';

const lastRow = (await pool.query<{ at: Date }>('select max(created_at) as at from exports'))
  .rows[0];
if (!lastRow) throw new Error('the test database has no exports');
const lastDay = lastRow.at.toISOString().slice(0, 10);
const firstDay = new Date(Date.parse(`${lastDay}T00:00:00Z`) - 6 * 86_400_000)
  .toISOString()
  .slice(0, 10);

/** Exports per day over the data's last week; `limit` tells the tests' queries apart. */
const weekQuery = (limit: number): Query => ({
  measures: [EXPORTS],
  timeDimensions: [
    {
      dimension: 'exports_overview.created_at',
      granularity: 'day',
      dateRange: [firstDay, `${lastDay}T23:59:59.999`],
    },
  ],
  timezone: 'UTC',
  limit,
});
/** A query the guard refuses (a hidden member). */
const hiddenQuery: Query = {
  ...weekQuery(1),
  filters: [{ member: 'users.email', operator: 'equals', values: ['a@example.com'] }],
};

async function oracleWeekExports(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `select count(*)::int as n from exports
      where created_at >= $1::date and created_at < $2::date + 1`,
    [firstDay, lastDay],
  );
  return rows[0]?.n ?? -1;
}

const exportsIn = (body: unknown): number =>
  (
    ((body as { results?: Array<{ data?: Array<Record<string, unknown>> }> }).results?.[0]?.data ??
      []) as Array<Record<string, unknown>>
  ).reduce((sum, row) => sum + Number(row[EXPORTS] ?? 0), 0);

type Got = { status: number; cache: string | null; etag: string | null; text: string };

const node = new CubeClient({ apiUrl, token: admin });

/** One `GET /load`, as `@cubejs-client/core` sends it; `Continue wait` is polled. */
async function getLoad(
  query: Query,
  token = admin,
  headers: Record<string, string> = {},
): Promise<Got> {
  const answer = await node.loadAnswer(uncheckedQuery(query), { token, headers });
  return {
    status: answer.status,
    cache: answer.headers.get(RESULT_CACHE_HEADER),
    etag: answer.headers.get('etag'),
    text: answer.text,
  };
}

/** A raw `POST /load-batch`, for the refusals (no token, too many queries): no polling. */
async function postBatch(queries: unknown[], token: string | null = admin) {
  const response = await fetch(`${apiUrl}/${LOAD_BATCH_METHOD}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token === null ? {} : { Authorization: token }),
    },
    body: JSON.stringify({ queries: queries.map((query) => ({ query, queryType: 'multi' })) }),
  });
  const text = await response.text();
  return { status: response.status, text };
}

/** A batch whose entries answered `Continue wait` are sent again, as the transport does. */
function batch(queries: Query[], token = admin) {
  return node.loadBatchEntries(queries.map(uncheckedQuery), { token });
}

describe('GET /load: a kept answer ahead of Cube’s middlewares', () => {
  test('a repeat is a hit with the same bytes and a validator; If-None-Match gets 304', async () => {
    const first = await getLoad(weekQuery(801));
    const second = await getLoad(weekQuery(801));
    expect(first).toMatchObject({ status: 200, cache: 'miss' });
    expect(second).toMatchObject({ status: 200, cache: 'hit' });
    expect(second.text).toBe(first.text);
    expect(exportsIn(JSON.parse(second.text))).toBe(await oracleWeekExports());
    expect(second.etag).toMatch(/^".+"$/);
    const revalidated = await fetch(
      `${apiUrl}/load?${new URLSearchParams({ query: JSON.stringify(weekQuery(801)), queryType: 'multi' })}`,
      { headers: { Authorization: admin, 'If-None-Match': second.etag ?? '' } },
    );
    expect(revalidated.status).toBe(304);
  });

  test('a hit answered before Express carries the headers Express’s middlewares give', async () => {
    const webOrigin = `http://localhost:${process.env.WEB_PORT ?? 3000}`;
    const url = (extra: string) =>
      `${apiUrl}/load?${new URLSearchParams({ query: JSON.stringify(weekQuery(804)), queryType: 'multi' })}${extra}`;
    await getLoad(weekQuery(804));
    for (const origin of [webOrigin, 'https://elsewhere.example']) {
      const headers = { Authorization: admin, Origin: origin };
      const front = await fetch(url(''), { headers });
      // A nested key makes the front door decline: Express, its middlewares and Cube's route run.
      const express = await fetch(url('&unused[x]=1'), { headers });
      const texts = [await front.text(), await express.text()];
      expect(texts[0]).toBe(texts[1]);
      // Express's own ETag is weak (W/); the front door's is the kept strong one.
      expect(front.headers.get('etag')).toMatch(/^"/);
      expect(express.headers.get('etag')).toMatch(/^W\//);
      const comparable = (h: Headers) =>
        [...h.entries()].filter(
          ([name]) => !['date', 'etag', 'connection', 'keep-alive'].includes(name),
        );
      expect(comparable(front.headers)).toEqual(comparable(express.headers));
      expect(front.headers.get(RESULT_CACHE_HEADER)).toBe('hit');
      expect(front.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  test('the front door reads the query string exactly as Express’s parser (qs) does', () => {
    const expressRequire = createRequire(createRequire(import.meta.url).resolve('express'));
    const qs = expressRequire('qs') as {
      parse(text: string, options: { allowPrototypes: boolean }): Record<string, unknown>;
    };
    const query = JSON.stringify(weekQuery(1));
    const plain = new URLSearchParams({ query, queryType: 'multi' }).toString();
    const cases = [
      plain,
      `${plain}&cache=stale-if-slow&other=1`,
      `query=${encodeURIComponent(query).replace(/%20/g, '+')}`,
      `%71uery=${encodeURIComponent(query)}`,
      'query=%7B%22a%22%3A+1%7D',
      `${plain}&query=${encodeURIComponent(query)}`,
      `${plain}&query[]=x`,
      `${plain}&query%5Bx%5D=1`,
      `queryType[]=multi&query=${encodeURIComponent(query)}`,
      'query=%E0%A4%A',
      'query=%ZZ',
      'query=%C0%AF',
      'queryType=multi',
      '',
      `${'a=1&'.repeat(1000)}query=1`,
    ];
    for (const text of cases) {
      const parsed = qs.parse(text, { allowPrototypes: true });
      const got = loadParamsOf(text);
      if (got === undefined) {
        // Declined: Express serves it (always allowed; only a plain-string reading may be served).
        continue;
      }
      expect({ query: parsed.query, queryType: parsed.queryType, cache: parsed.cache }).toEqual(
        got,
      );
    }
    expect(loadParamsOf(plain)).toEqual({ query, queryType: 'multi', cache: undefined });
    expect(loadParamsOf(`${plain}&query[]=x`)).toBeUndefined();
    expect(loadParamsOf('query=%ZZ')).toBeUndefined();
  });

  test('scopes are checked on every request: a verified non-admin token never gets the answer', async () => {
    await getLoad(weekQuery(802));
    expect((await getLoad(weekQuery(802))).cache).toBe('hit');
    const member = signCubeToken(apiSecret, { sub: 'batch-admin', role: 'member' });
    for (let i = 0; i < 2; i++) {
      expect(await getLoad(weekQuery(802), member)).toMatchObject({ status: 403, cache: null });
    }
  });

  test('a token verified before is refused once it expires', async () => {
    const now = Math.floor(Date.now() / 1000);
    const shortLived = jwt.sign(
      { sub: 'batch-admin', role: 'admin', iat: now, exp: now + 2 },
      apiSecret,
      { algorithm: 'HS256' },
    );
    await getLoad(weekQuery(803), shortLived);
    expect((await getLoad(weekQuery(803), shortLived)).cache).toBe('hit');
    await new Promise((resolve) => setTimeout(resolve, (now + 2) * 1000 - Date.now() + 50));
    const expired = await getLoad(weekQuery(803), shortLived);
    expect(expired.status).toBeGreaterThanOrEqual(400);
    expect(expired.status).toBeLessThan(500);
    expect(expired.cache).toBeNull();
  });
});

describe('POST /load-batch', () => {
  test('each entry is what its own /load answers; hits after misses', async () => {
    const queries = [weekQuery(811), weekQuery(812), weekQuery(813)];
    const cold = await batch(queries);
    expect(cold.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(cold.map((a) => a.cache)).toEqual(['miss', 'miss', 'miss']);
    const warm = await batch(queries);
    expect(warm.map((a) => a.cache)).toEqual(['hit', 'hit', 'hit']);
    for (const [i, query] of queries.entries()) {
      const single = await getLoad(query);
      expect(single.cache).toBe('hit');
      expect(warm[i]?.body).toEqual(JSON.parse(single.text));
      expect(cold[i]?.body).toEqual(JSON.parse(single.text));
    }
    expect(exportsIn(warm[0]?.body)).toBe(await oracleWeekExports());
  });

  test('a refused query gets its own 4xx entry and the others still answer', async () => {
    const answers = await batch([weekQuery(821), hiddenQuery, weekQuery(10_000_000)]);
    expect(answers.map((a) => a.status)).toEqual([200, 400, 400]);
    expect(answers[1]?.body).toEqual(JSON.parse((await getLoad(hiddenQuery)).text));
    expect(exportsIn(answers[0]?.body)).toBe(await oracleWeekExports());
  });

  test('authorisation: no token is refused whole, a non-admin gets 403 for every entry', async () => {
    const anonymous = await postBatch([weekQuery(811)], null);
    expect(anonymous.status).toBeGreaterThanOrEqual(400);
    expect(anonymous.status).toBeLessThan(500);
    await batch([weekQuery(831)]);
    const member = signCubeToken(apiSecret, { sub: 'batch-admin', role: 'member' });
    const answers = await batch([weekQuery(831), weekQuery(832)], member);
    expect(answers.map((a) => [a.status, a.cache])).toEqual([
      [403, undefined],
      [403, undefined],
    ]);
  });

  test(`at most ${LOAD_BATCH_MAX_QUERIES} queries, and a body that is not a batch is a 400`, async () => {
    const tooMany = Array.from({ length: LOAD_BATCH_MAX_QUERIES + 1 }, (_, i) => weekQuery(i + 1));
    const refused = await postBatch(tooMany);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Invalid /load-batch body');
    const malformed = await fetch(`${apiUrl}/${LOAD_BATCH_METHOD}`, {
      method: 'POST',
      headers: { Authorization: admin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: weekQuery(1) }),
    });
    expect(malformed.status).toBe(400);
  });
});

describe('the batching transport of the web app’s Cube client', () => {
  /** Counts the requests the transport sends (real fetch underneath). */
  function counting() {
    const sent: string[] = [];
    const counted: typeof fetch = (input, init) => {
      sent.push(`${init?.method ?? 'GET'} ${String(input).replace(apiUrl, '').split('?')[0]}`);
      return fetch(input, init);
    };
    return { sent, counted };
  }

  test('queries issued together are one /load-batch, answered as single loads', async () => {
    const { sent, counted } = counting();
    const batched = cube(async () => admin, {
      apiUrl,
      transport: new BatchingTransport({ apiUrl, fetch: counted }),
    });
    const single = cube(async () => admin, { apiUrl });
    const queries = [weekQuery(841), weekQuery(842), weekQuery(843), weekQuery(844)];
    const answers = await Promise.all(queries.map((q) => batched.load(q)));
    expect(sent).toEqual([`POST /${LOAD_BATCH_METHOD}`]);
    for (const [i, query] of queries.entries()) {
      const alone = await single.load(query);
      expect(answers[i]?.rawData()).toEqual(alone.rawData());
    }
    expect(answers[0]?.rawData().reduce((sum, row) => sum + Number(row[EXPORTS] ?? 0), 0)).toBe(
      await oracleWeekExports(),
    );
  });

  test('a refused query rejects alone; its neighbours resolve', async () => {
    const batched = cube(async () => admin, {
      apiUrl,
      transport: new BatchingTransport({ apiUrl }),
    });
    const [good, bad] = await Promise.allSettled([
      batched.load(weekQuery(851)),
      batched.load(hiddenQuery),
    ]);
    expect(good.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
  });

  test('a Cube without the endpoint gets single /loads from then on', async () => {
    const { sent, counted } = counting();
    const missing = `${apiUrl}/no-such-prefix`;
    const transport = new BatchingTransport({
      apiUrl,
      fetch: (input, init) =>
        counted(String(input).replace(`/${LOAD_BATCH_METHOD}`, missing.slice(apiUrl.length)), init),
    });
    const client = cube(async () => admin, { apiUrl, transport });
    const answers = await Promise.all([client.load(weekQuery(861)), client.load(weekQuery(862))]);
    const single = cube(async () => admin, { apiUrl });
    expect(answers[0]?.rawData()).toEqual((await single.load(weekQuery(861))).rawData());
    expect(answers[1]?.rawData()).toEqual((await single.load(weekQuery(862))).rawData());
    expect(sent).toEqual(['POST /no-such-prefix']);
  });
});

describe('the one Cube client (browser hooks and the server prefetch)', () => {
  test('a tab state issued together goes out as /load-batch requests only, answers as single loads', async () => {
    const expiresAt = new Date(Date.now() + 5 * 60_000).toISOString();
    // As serverLoader (web/embed/server.ts) and the browser's provider make it.
    const loader = createCubeLoader({
      fetchToken: async () => ({ token: admin, apiUrl, expiresAt }),
    });
    const state = tabStates(lastRow.at.getTime()).find((t) => t.timeframe === '30d');
    if (!state) throw new Error('no 30d tab state');
    const queries = tabQueries(state);
    const sent: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      sent.push(`${init?.method ?? 'GET'} ${String(input).replace(apiUrl, '').split('?')[0]}`);
      return realFetch(input, init);
    };
    let answers: LoadResponse[];
    try {
      answers = await Promise.all(queries.map((q) => loader.load(q.query)));
    } finally {
      globalThis.fetch = realFetch;
    }
    // Continue-wait re-polls may add batches; a GET /load would mean a query went alone.
    expect(new Set(sent)).toEqual(new Set([`POST /${LOAD_BATCH_METHOD}`]));
    const single = createCubeLoader({
      fetchToken: async () => ({ token: admin, apiUrl, expiresAt }),
      batch: false,
    });
    for (const [i, q] of queries.entries()) {
      const alone = await single.load(q.query);
      expect(answers[i]?.results.map((r) => r.data)).toEqual(alone.results.map((r) => r.data));
    }
  });
});
