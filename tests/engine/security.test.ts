/**
 * Adversarial probes against the test stack's Cube: token lifetimes, private
 * members anywhere in a query, scope gaps, request bounds, client errors and response headers.
 * Every refused query must also cost no SQL: Postgres' own per-table scan counters
 * (`pg_stat_user_tables`) must not move while the probes run.
 */
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { signCubeToken } from '../../cube/auth';
import { LIMITS } from '../../cube/limits';
import { cubeOptions } from '../../cube/options';
import { Rng } from '../../db/seed/rng';

const { apiUrl, apiSecret } = inject('cube');
const db = inject('pg');
const admin = signCubeToken(apiSecret, { sub: 'probe-admin', role: 'admin' });
const member = signCubeToken(apiSecret, { sub: 'probe-member', role: 'member' });
const pool = new pg.Pool({ ...db, max: 1 });
afterAll(() => pool.end());

type Answer = { status: number; body: Record<string, unknown>; headers: Headers };

async function call(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { token?: string | null; query?: unknown; body?: string; origin?: string } = {},
): Promise<Answer> {
  const url = new URL(`${apiUrl}/${path}`);
  if (options.query !== undefined) url.searchParams.set('query', JSON.stringify(options.query));
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const token = options.token === undefined ? admin : options.token;
  if (token) headers.Authorization = token;
  if (options.origin) headers.Origin = options.origin;
  const response = await fetch(url, { method, headers, body: options.body });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, body, headers: response.headers };
}

const postJson = (path: string, payload: unknown) =>
  call('POST', path, { body: JSON.stringify(payload) });

/** Sum of sequential and index scans over every table, source and rollup alike. */
async function tableScans(): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    'select coalesce(sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)), 0)::text as n from pg_stat_user_tables',
  );
  return Number(rows[0]?.n);
}

/**
 * Table scan counters once every backend has published its own: an idle backend publishes its
 * pending counters within 10 s (PGSTAT_IDLE_INTERVAL), so wait until they hold still that long.
 */
async function settledTableScans(): Promise<number> {
  let last = await tableScans();
  let stableSince = Date.now();
  while (Date.now() - stableSince < 11_000) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = await tableScans();
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    }
  }
  return last;
}

// Baseline before the first refused probe; compared once all of them ran (see the last test
// before the accepted queries at the end of this file).
let scansBeforeProbes: number;
beforeAll(async () => {
  scansBeforeProbes = await settledTableScans();
}, 120_000);

const exportsCount = 'exports_overview.exports';
const probeTimeDimension = { dimension: 'exports_overview.created_at', granularity: 'day' };

describe('defect 1: token lifetime', () => {
  const now = Math.floor(Date.now() / 1000);
  const raw = (claims: Record<string, unknown>) =>
    // jsonwebtoken drops a given `iat` under noTimestamp, so that option only when there is none.
    jwt.sign({ sub: 'probe', role: 'admin', ...claims }, apiSecret, {
      algorithm: 'HS256',
      noTimestamp: !('iat' in claims),
    });

  test.each([
    ['no iat, exp in 10 hours', { exp: now + 10 * 3600 }],
    ['no iat, exp in 10 years', { exp: now + 10 * 365 * 86400 }],
    ['iat 9 hours ahead, exp in 10 hours', { iat: now + 9 * 3600, exp: now + 10 * 3600 }],
    ['iat now, exp in 2 hours', { iat: now, exp: now + 2 * 3600 }],
    ['iat and no exp', { iat: now }],
  ])('%s: 403', async (_name, claims) => {
    const answer = await call('GET', 'meta', { token: raw(claims) });
    expect(answer.status).toBe(403);
    expect(answer.body.error).toBe('API scope is missing: meta');
  });

  test('iat now, exp in 50 minutes: 200', async () => {
    expect((await call('GET', 'meta', { token: raw({ iat: now, exp: now + 3000 }) })).status).toBe(
      200,
    );
  });
});

describe('defect 2: members of non-public cubes are refused before any SQL', () => {
  const hiddenProbes: Array<[string, Record<string, unknown>, string]> = [
    ['a measure', { measures: ['users.count'] }, 'users.count'],
    ['a dimension', { measures: [exportsCount], dimensions: ['users.email'] }, 'users.email'],
    [
      'a time dimension',
      {
        measures: [exportsCount],
        timeDimensions: [{ dimension: 'users.created_at', granularity: 'day' }],
      },
      'users.created_at',
    ],
    [
      'an equality filter',
      {
        measures: [exportsCount],
        filters: [{ member: 'users.email', operator: 'equals', values: ['someone@example.com'] }],
      },
      'users.email',
    ],
    [
      'a filter nested in or/and',
      {
        measures: [exportsCount],
        filters: [
          {
            or: [
              { member: 'exports_overview.status', operator: 'set' },
              { and: [{ member: 'users.email', operator: 'contains', values: ['@'] }] },
            ],
          },
        ],
      },
      'users.email',
    ],
    ['order', { measures: [exportsCount], order: { 'users.email': 'asc' } }, 'users.email'],
    ['order as pairs', { measures: [exportsCount], order: [['users.id', 'desc']] }, 'users.id'],
    ['a segment', { measures: [exportsCount], segments: ['exports.failed'] }, 'exports.failed'],
  ];

  test('/load, /sql and /dry-run (GET and POST) answer 400 naming the member', async () => {
    {
      for (const [where, query, hidden] of hiddenProbes) {
        for (const path of ['load', 'sql', 'dry-run']) {
          for (const answer of [
            await call('GET', path, { query }),
            await postJson(path, { query }),
          ]) {
            expect(answer.status, `${where} via ${path}`).toBe(400);
            expect(String(answer.body.error), `${where} via ${path}`).toContain(
              `hidden member: '${hidden}' (in `,
            );
            expect(String(answer.body.error)).toContain('is not public');
          }
        }
      }
      const blended = await call('GET', 'load', {
        query: [
          { measures: [exportsCount], timeDimensions: [probeTimeDimension] },
          {
            measures: ['users.count'],
            timeDimensions: [{ dimension: 'users.created_at', granularity: 'day' }],
          },
        ],
      });
      expect(blended.status).toBe(400);
      expect(String(blended.body.error)).toContain('users.count');
    }
  });
});

describe('defect 9: every endpoint needs a scope', () => {
  test('a token without scopes gets 403 on graphql-to-json and running-query', async () => {
    const graphql = await call('POST', 'graphql-to-json', {
      token: member,
      body: JSON.stringify({ query: '{ cube { exports_overview { exports } } }' }),
    });
    expect(graphql).toMatchObject({
      status: 403,
      body: { error: 'API scope is missing: graphql' },
    });
    const cancel = await call('DELETE', 'running-query/some-request-id', { token: member });
    expect(cancel).toMatchObject({ status: 403, body: { error: 'API scope is missing: data' } });
  });

  test('an admin token still may use both', async () => {
    const graphql = await call('POST', 'graphql-to-json', {
      body: JSON.stringify({ query: '{ cube { exports_overview { exports } } }' }),
    });
    expect(graphql.status).toBe(200);
    expect(graphql.body).toHaveProperty('jsonQuery');
    expect((await call('DELETE', 'running-query/some-request-id')).status).toBe(200);
  });
});

describe('defects 4 and 7: bounded requests, client errors as 4xx with clear messages', () => {
  const nestedFilter = (levels: number): Record<string, unknown> =>
    levels === 0
      ? { member: 'exports_overview.status', operator: 'set' }
      : { and: [nestedFilter(levels - 1)] };
  // JSON text built directly: JSON.stringify of an object this deep would itself overflow.
  const deepFilterJson = (levels: number): string =>
    `${'{"and":['.repeat(levels)}{"member":"exports_overview.status","operator":"set"}${']}'.repeat(levels)}`;
  const deepQueryJson = (levels: number): string =>
    `{"measures":["${exportsCount}"],"filters":[${deepFilterJson(levels)}]}`;
  const probe = (extra: Record<string, unknown>) => ({
    measures: [exportsCount],
    timeDimensions: [probeTimeDimension],
    ...extra,
  });

  const cases: Array<[string, () => Promise<Answer>, number, RegExp]> = [
    [
      'malformed JSON body',
      () => call('POST', 'load', { body: '{"query": {' }),
      400,
      /not valid JSON/,
    ],
    [
      'malformed JSON query param',
      () => fetchRaw('load?query=%7Bbad'),
      400,
      /decode query param as JSON/,
    ],
    ['query: 42', () => postJson('load', { query: 42 }), 400, /query must be a JSON object/],
    ['query: "42" in the URL', () => fetchRaw('load?query=42'), 400, /query must be a JSON object/],
    [
      'limit over the maximum',
      () => postJson('load', { query: probe({ limit: 10_000_000 }) }),
      400,
      /limit 10,000,000 is over the maximum/,
    ],
    [
      'a huge offset',
      () => postJson('load', { query: probe({ offset: 1e15 }) }),
      400,
      /offset .* is over the maximum/,
    ],
    [
      'filters nested 6 deep',
      () => postJson('load', { query: probe({ filters: [nestedFilter(6)] }) }),
      400,
      /deeper than 4 levels/,
    ],
    [
      'JSON nested 500 deep',
      () => postJson('load', { query: probe({ filters: [nestedFilter(500)] }) }),
      400,
      /nests deeper than/,
    ],
    [
      '1,000 queries in one request',
      () => postJson('load', { query: Array.from({ length: 1000 }, () => probe({})) }),
      400,
      /at most 12 queries/,
    ],
    [
      'a 10 kB contains pattern',
      () =>
        postJson('load', {
          query: probe({
            filters: [
              {
                member: 'exports_overview.status',
                operator: 'contains',
                values: ['x'.repeat(10_000)],
              },
            ],
          }),
        }),
      400,
      /10,000 characters; at most 256/,
    ],
    [
      '1,000 filter values',
      () =>
        postJson('load', {
          query: probe({
            filters: [
              {
                member: 'exports_overview.status',
                operator: 'equals',
                values: Array.from({ length: 1000 }, (_, i) => `s${i}`),
              },
            ],
          }),
        }),
      400,
      /1,000 values; at most 100/,
    ],
    [
      'a 5 MB body',
      () =>
        postJson('load', {
          query: probe({
            filters: [
              {
                member: 'exports_overview.status',
                operator: 'contains',
                values: ['x'.repeat(5_000_000)],
              },
            ],
          }),
        }),
      413,
      /larger than 128 KB/,
    ],
    [
      'an invalid date range',
      () =>
        postJson('load', {
          query: probe({
            timeDimensions: [{ ...probeTimeDimension, dateRange: ['2026-13-45', '2026-14-01'] }],
          }),
        }),
      400,
      /"2026-13-45" is not a valid date/,
    ],
    [
      'a reversed date range',
      () =>
        postJson('load', {
          query: probe({
            timeDimensions: [{ ...probeTimeDimension, dateRange: ['2026-02-01', '2026-01-01'] }],
          }),
        }),
      400,
      /starts \(2026-02-01\) after it ends/,
    ],
    [
      'an invalid date in a filter',
      () =>
        postJson('load', {
          query: probe({
            filters: [
              {
                member: 'exports_overview.created_at',
                operator: 'afterDate',
                values: ['2026-02-30'],
              },
            ],
          }),
        }),
      400,
      /not a valid date/,
    ],
    [
      'pre-aggregations/can-use with a body it does not expect',
      () => postJson('pre-aggregations/can-use', { query: { measures: [exportsCount] } }),
      400,
      /Invalid pre-aggregations\/can-use body/,
    ],
    [
      'pre-aggregations/can-use with references missing their lists',
      () =>
        postJson('pre-aggregations/can-use', {
          transformedQuery: { measures: [exportsCount] },
          references: {},
        }),
      400,
      /Invalid pre-aggregations\/can-use body/,
    ],
    [
      'convert-query without input/output',
      () => postJson('convert-query', { query: 'select 1' }),
      400,
      /Invalid convert-query body/,
    ],
    [
      'a filter nested 10,000 levels in the body',
      () => call('POST', 'load', { body: `{"query":${deepQueryJson(10_000)}}` }),
      400,
      /nests deeper than/,
    ],
    [
      // As deep as a URL may be long (Node's 16 kB header limit); bounded the same way.
      'a filter nested 500 levels in the query parameter',
      () => fetchRaw(`load?query=${encodeURIComponent(deepQueryJson(500))}`),
      400,
      /nests deeper than/,
    ],
    [
      'dateRange ["a", "b"]',
      () =>
        postJson('load', {
          query: probe({ timeDimensions: [{ ...probeTimeDimension, dateRange: ['a', 'b'] }] }),
        }),
      400,
      /"a" is not a valid date/,
    ],
    [
      'dateRange "from 10000 years ago to now"',
      () =>
        postJson('load', {
          query: probe({
            timeDimensions: [{ ...probeTimeDimension, dateRange: 'from 10000 years ago to now' }],
          }),
        }),
      400,
      /reaches year -\d+; dates must fall within years 1-9999/,
    ],
    [
      'a relative inDateRange filter 10000 years back',
      () =>
        postJson('load', {
          query: probe({
            filters: [
              {
                member: 'exports_overview.created_at',
                operator: 'inDateRange',
                values: ['from 10000 years ago to now'],
              },
            ],
          }),
        }),
      400,
      /reaches year -\d+/,
    ],
  ];

  async function fetchRaw(pathAndQuery: string): Promise<Answer> {
    const response = await fetch(`${apiUrl}/${pathAndQuery}`, {
      headers: { Authorization: admin },
    });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      headers: response.headers,
    };
  }

  test('every probe gets its 4xx and message', async () => {
    for (const [name, send, status, message] of cases) {
      const answer = await send();
      expect(answer.status, name).toBe(status);
      expect(String(answer.body.error), name).toMatch(message);
      expect(String(answer.body.error), name).not.toMatch(
        /syntax error|postgres|invalid input syntax|TypeError|RangeError|Cannot read properties/i,
      );
      // SQL in capitals (a statement's text); convert-query's own field value "sql" may appear.
      expect(String(answer.body.error), name).not.toMatch(/SQL/);
    }
  });

  test('no refused probe above read a table (Postgres scan counters unchanged)', async () => {
    expect(await settledTableScans()).toBe(scansBeforeProbes);
  }, 120_000);

  test('every source query runs under a statement timeout', async () => {
    const options = cubeOptions({ db, apiSecret });
    const driver = await options.driverFactory?.({
      dataSource: 'default',
      securityContext: {},
      requestId: 'statement-timeout-probe',
    });
    if (!driver || !('query' in driver)) throw new Error('cubeOptions has no driver factory');
    try {
      const rows = await driver.query<{ statement_timeout: string }>('SHOW statement_timeout', []);
      expect(rows).toEqual([{ statement_timeout: `${LIMITS.statementTimeoutSeconds / 60}min` }]);
    } finally {
      await driver.release();
    }
  });
});

describe('defect 8: Cube response headers', () => {
  const webOrigin = `http://localhost:${process.env.WEB_PORT ?? 3000}`;

  test('CORS answers only the web app’s origin', async () => {
    const evil = await call('GET', 'meta', { origin: 'http://evil.example' });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const web = await call('GET', 'meta', { origin: webOrigin });
    expect(web.headers.get('access-control-allow-origin')).toBe(webOrigin);
  });

  test('no X-Powered-By; API answers carry nosniff, a locked-down CSP and no referrer', async () => {
    const answer = await call('GET', 'meta');
    expect(answer.headers.get('x-powered-by')).toBeNull();
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('accepted queries (after the no-SQL check)', () => {
  test('the tab-sized query still answers', async () => {
    const answer = await postJson('load', {
      query: {
        measures: [exportsCount],
        timeDimensions: [{ ...probeTimeDimension, dateRange: ['2026-01-01', '2026-01-31'] }],
        limit: 5,
        offset: 1,
      },
    });
    expect(answer.status).toBe(200);
    // The counters do see a query that runs: the no-SQL check above can fail.
    expect(await settledTableScans()).toBeGreaterThan(scansBeforeProbes);
  }, 120_000);
});

/**
 * Random malformed requests to every endpoint: whatever the body, the answer is never a 5xx.
 * Seeded, so a failure names a request that fails again; bounded, so it stays a few seconds.
 */
describe('no 5xx for random malformed requests', () => {
  const SEED = 24;
  const REQUESTS = 240;
  const posts = [
    'load',
    'load-batch',
    'sql',
    'dry-run',
    'subscribe',
    'convert-query',
    'graphql-to-json',
    'pre-aggregations/can-use',
    'pre-aggregations/jobs',
    'cubesql',
    'graphql',
  ];
  const gets = ['load', 'sql', 'dry-run', 'meta'];
  const keys = [
    'query',
    'queries',
    'measures',
    'dimensions',
    'timeDimensions',
    'filters',
    'dateRange',
    'compareDateRange',
    'granularity',
    'member',
    'operator',
    'values',
    'and',
    'or',
    'order',
    'limit',
    'offset',
    'timezone',
    'segments',
    'transformedQuery',
    'references',
    'action',
    'selector',
    'tokens',
    'dimension',
  ];
  const strings = [
    '',
    exportsCount,
    'exports_overview.created_at',
    'exports_overview.format',
    'users.email',
    'a',
    'last 7 days',
    'from 10000 years ago to now',
    '2026-13-45',
    '2026-01-01',
    'inDateRange',
    'equals',
    'day',
    'desc',
    "'; drop table exports; --",
    '\u0000',
    'x'.repeat(300),
  ];

  function randomValue(rng: Rng, depth: number): unknown {
    const kind = rng.int(0, depth > 5 ? 4 : 7);
    if (kind === 0) return null;
    if (kind === 1) return rng.chance(0.5);
    if (kind === 2) return rng.pick([0, -1, 1e308, 3.5, 50_001, Number.MAX_SAFE_INTEGER]);
    if (kind === 3 || kind === 4) return rng.pick(strings);
    if (kind === 5) return Array.from({ length: rng.int(0, 3) }, () => randomValue(rng, depth + 1));
    return Object.fromEntries(
      Array.from({ length: rng.int(0, 4) }, () => [rng.pick(keys), randomValue(rng, depth + 1)]),
    );
  }

  /** A body: random JSON, a query-like object with random members, or text that is not JSON. */
  function randomBody(rng: Rng): string {
    const kind = rng.int(0, 3);
    if (kind === 0) return JSON.stringify(randomValue(rng, 0));
    if (kind === 1) return JSON.stringify({ query: randomValue(rng, 1) });
    if (kind === 2) {
      const valid = JSON.stringify({ query: { measures: [exportsCount] } });
      return valid.slice(0, rng.int(0, valid.length - 1));
    }
    return rng.pick(['', 'null', '[]', '"query"', '{"query":', '\u0000', 'query=1']);
  }

  test(`${REQUESTS} random requests (seed ${SEED}) answer below 500`, async () => {
    const rng = new Rng(SEED);
    const failures: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const body = randomBody(rng);
      const [method, path] = rng.chance(0.75)
        ? (['POST', rng.pick(posts)] as const)
        : (['GET', `${rng.pick(gets)}?query=${encodeURIComponent(body)}`] as const);
      const answer =
        method === 'POST' ? await call('POST', path, { body }) : await call('GET', path);
      if (answer.status >= 500) {
        failures.push(
          `${method} ${path} ${body.slice(0, 200)} → ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`,
        );
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
