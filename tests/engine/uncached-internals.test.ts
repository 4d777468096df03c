/**
 * What the uncached path's shortcuts (cube/compat/postgres-driver.ts, date-parse-memo.ts,
 * cache-lookup-cost.ts, stack-traces.ts) answer, against Cube's own functions and the test
 * stack's real Postgres. Whether Cube still has the code they rely on is the compat guard's
 * business (tests/compat/cube-compat.test.ts).
 */
import { createRequire } from 'node:module';
import { afterAll, describe, expect, inject, test } from 'vitest';
import {
  installCheapCacheLookups,
  orchestratorUtils,
  spanId,
} from '../../cube/compat/cache-lookup-cost';
import {
  copyQueryData,
  hasOnlyAbsoluteDates,
  installDateParseMemo,
} from '../../cube/compat/date-parse-memo';
import { SessionPreparedPostgresDriver } from '../../cube/compat/postgres-driver';
import {
  cubePromiseTimeout,
  isSourceMapSupportHook,
  restoreNativeStackTraces,
} from '../../cube/compat/stack-traces';
import { PreAggregationPartitionRangeLoader, QueryCache } from '../../cube/engine/cube-modules';

const require = createRequire(import.meta.url);

describe('Postgres session prepared once per pooled connection', () => {
  const db = inject('pg');
  const driver = new SessionPreparedPostgresDriver({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database: db.database,
    maxPoolSize: 1,
    executionTimeout: 7,
  });
  afterAll(() => driver.release());

  test('every query runs with the configured time zone and timeout; they are sent once', async () => {
    const settings = `SELECT current_setting('TimeZone') AS zone,
      current_setting('statement_timeout') AS timeout, pg_backend_pid() AS pid`;
    const first = await driver.query<{ zone: string; timeout: string; pid: number }>(settings, []);
    expect(first).toEqual([{ zone: 'UTC', timeout: '7s', pid: expect.any(Number) }]);
    // Changed behind the driver's back on the same (only) pooled connection: the stock driver
    // would set it again before the next query; this one does not send the SETs again.
    await driver.query('SET statement_timeout TO 1234', []);
    const later = await driver.query<{ timeout: string; pid: number }>(settings, []);
    expect(later[0]?.pid).toBe(first[0]?.pid);
    expect(later[0]?.timeout).toBe('1234ms');
  });
});

describe("Cube's source-map stack rewriting switched off", () => {
  test("loading Cube's server core still installs source-map-support, which is then removed", () => {
    require('@cubejs-backend/server-core');
    expect(isSourceMapSupportHook(Error.prepareStackTrace)).toBe(true);
    restoreNativeStackTraces();
    expect(Error.prepareStackTrace).toBeUndefined();
    expect(new Error('here').stack).toMatch(/^Error: here\n\s+at /);
  });

  test('the continue-wait timeout builds its error only when it expires, same class and race', async () => {
    const module = cubePromiseTimeout();
    restoreNativeStackTraces();
    expect(module.timeout.toString()).not.toContain('var error = new TimeoutError()');
    await expect(module.timeout(Promise.resolve(7), 1000)).resolves.toBe(7);
    const failure = new Error('query failed');
    await expect(module.timeout(Promise.reject(failure), 1000)).rejects.toBe(failure);
    const never = new Promise<never>(() => undefined);
    const expired = await module.timeout(never, 5).catch((error: unknown) => error);
    expect(expired).toBeInstanceOf(module.TimeoutError);
    expect(expired).toMatchObject({ message: 'Timeout', name: 'TimeoutError' });
  });
});

describe('date parsing kept per input (normalizeQuery, partition range dates)', () => {
  type Query = Record<string, unknown>;
  type QueryModule = { normalizeQuery: (q: Query, p?: boolean, c?: string) => Query };
  const queryModule = require('@cubejs-backend/api-gateway/dist/src/query') as QueryModule;
  const stockNormalize = queryModule.normalizeQuery;
  const stockExtract = PreAggregationPartitionRangeLoader.extractDate;
  const stockSeries = PreAggregationPartitionRangeLoader.timeSeries;
  type Boundaries = (g: string, range: string[], options?: object) => string[][];
  type LocalToUtc = (zone: string, format: string, timestamp: string | null) => string | null;
  const shared = require('@cubejs-backend/shared') as {
    timeSeriesBoundaries: Boundaries;
    localTimestampToUtc: LocalToUtc;
  };
  const stockBoundaries = shared.timeSeriesBoundaries;
  const stockLocalToUtc = shared.localTimestampToUtc;

  const absolute = () => ({
    measures: ['credits.paying_users'],
    timeDimensions: [
      {
        dimension: 'credits.created_at',
        dateRange: ['2026-11-23T15:00:00.000', '2026-11-30T14:59:59.999'],
      },
    ],
    filters: [{ member: 'credits.type', operator: 'equals', values: ['purchase'] }],
    timezone: 'UTC',
    cache: 'no-cache',
  });
  const relative = () => ({
    measures: ['credits.paying_users'],
    timeDimensions: [{ dimension: 'credits.created_at', dateRange: 'last 7 days' }],
  });

  test('answers equal Cube’s own, copies each time, inputs changed the same way', () => {
    installDateParseMemo(PreAggregationPartitionRangeLoader);
    expect(queryModule.normalizeQuery).not.toBe(stockNormalize);
    for (const [make, cacheMode] of [
      [absolute, undefined],
      [absolute, 'no-cache'],
      [relative, undefined],
    ] as const) {
      const stockInput: Query = make();
      const expected = stockNormalize(stockInput, false, cacheMode);
      const inputs: Query[] = [make(), make()];
      const [first, second] = inputs.map((q) => queryModule.normalizeQuery(q, false, cacheMode));
      expect(first).toEqual(expected);
      expect(second).toEqual(expected);
      expect(second).not.toBe(first);
      for (const input of inputs) expect(input).toEqual(stockInput);
      // Deep copies with the same own members (`undefined` ones included) as Cube's answer.
      expect(Object.keys(second).sort()).toEqual(Object.keys(expected).sort());
      for (const answer of [first, second]) {
        (answer.timeDimensions as Array<{ dateRange?: string[] }>)[0]?.dateRange?.splice(0);
        (answer.filters as unknown[] | undefined)?.splice(0);
      }
      expect(queryModule.normalizeQuery(make(), false, cacheMode)).toEqual(expected);
    }
    const odd = { at: new Date(0), list: [1, { a: undefined }], nested: { b: [null, 'x'] } };
    const copied = copyQueryData(odd);
    expect(copied).toEqual(odd);
    expect(copied.at).toBeInstanceOf(Date);
    expect(copied.at).not.toBe(odd.at);
    expect(copied.list[1]).not.toBe(odd.list[1]);
    expect('a' in (copied.list[1] as object)).toBe(true);
    const withProto = JSON.parse('{"__proto__": {"x": 1}, "y": [2]}') as Record<string, unknown>;
    const protoCopy = copyQueryData(withProto);
    expect(Object.getPrototypeOf(protoCopy)).toBe(Object.prototype);
    expect(Object.keys(protoCopy)).toEqual(['__proto__', 'y']);
    const rows = [{ value: '2026-11-30T14:59:59.999Z' }];
    expect(PreAggregationPartitionRangeLoader.extractDate(rows, 'UTC')).toBe(
      stockExtract(rows, 'UTC'),
    );
    expect(PreAggregationPartitionRangeLoader.extractDate(rows, 'Europe/Berlin')).toBe(
      stockExtract(rows, 'Europe/Berlin'),
    );
    // Seen by Cube's callers through the package index.
    expect(shared.timeSeriesBoundaries).not.toBe(stockBoundaries);
    const range: [string, string] = ['2025-10-03T00:00:00.000', '2026-11-30T14:59:59.999'];
    const options = { timestampPrecision: 3 };
    const expected = stockBoundaries('month', range, options);
    const kept = shared.timeSeriesBoundaries('month', range, options);
    kept[0]?.splice(0);
    expect(shared.timeSeriesBoundaries('month', range, options)).toEqual(expected);
    expect(expected).toEqual([
      ['2025-10-01T00:00:00.000', '2025-10-31T23:59:59.999'],
      ['2026-11-01T00:00:00.000', '2026-11-30T23:59:59.999'],
    ]);
    expect(PreAggregationPartitionRangeLoader.timeSeries).not.toBe(stockSeries);
    const partitions = stockSeries('month', range, 3);
    expect(partitions).toHaveLength(14);
    const keptPartitions = PreAggregationPartitionRangeLoader.timeSeries('month', range, 3);
    expect(keptPartitions).toEqual(partitions);
    keptPartitions[0]?.splice(0);
    keptPartitions.pop();
    expect(PreAggregationPartitionRangeLoader.timeSeries('month', range, 3)).toEqual(partitions);
    expect(PreAggregationPartitionRangeLoader.timeSeries('week', range, 3)).toEqual(
      stockSeries('week', range, 3),
    );
    expect(shared.localTimestampToUtc).not.toBe(stockLocalToUtc);
    for (const zone of ['UTC', 'Europe/Berlin', 'America/New_York']) {
      for (const format of [
        'YYYY-MM-DDTHH:mm:ss.SSS',
        'YYYY-MM-DD[T]HH:mm:ss.SSS[Z]',
        'YYYY-MM-DDTHH:mm:ss.SSSSSSZ',
      ]) {
        for (const timestamp of [
          '2026-03-29T02:30:00.000',
          '2026-10-25T02:59:59.999',
          '2026-11-30T23:59:59.999999',
          '2026-11-30',
          null,
        ]) {
          const expected = stockLocalToUtc(zone, format, timestamp);
          expect(shared.localTimestampToUtc(zone, format, timestamp)).toBe(expected);
          expect(shared.localTimestampToUtc(zone, format, timestamp)).toBe(expected);
        }
      }
    }
    const unknownZone = () =>
      shared.localTimestampToUtc('Mars/Base', 'YYYY-MM-DDTHH:mm:ss.SSS', '2026-11-30T00:00:00.000');
    expect(unknownZone).toThrow('Unknown timezone: Mars/Base');
    expect(unknownZone).toThrow('Unknown timezone: Mars/Base');
  });

  test('relative dates and evaluated expressions are never kept', () => {
    expect(hasOnlyAbsoluteDates(absolute())).toBe(true);
    expect(hasOnlyAbsoluteDates(relative())).toBe(false);
    expect(
      hasOnlyAbsoluteDates({
        ...absolute(),
        filters: [
          { or: [{ member: 'credits.created_at', operator: 'afterDate', values: ['last week'] }] },
        ],
      }),
    ).toBe(false);
    expect(
      hasOnlyAbsoluteDates({
        ...absolute(),
        timeDimensions: [
          { dimension: 'credits.created_at', compareDateRange: ['this week', 'last week'] },
        ],
      }),
    ).toBe(false);
    // A relative range resolves against the clock on every call, as in Cube.
    const now = queryModule.normalizeQuery(relative()) as {
      timeDimensions: Array<{ dateRange: string[] }>;
    };
    const stock = stockNormalize(relative()) as { timeDimensions: Array<{ dateRange: string[] }> };
    expect(now.timeDimensions[0]?.dateRange).toEqual(stock.timeDimensions[0]?.dateRange);
  });
});

describe('cache lookups: span ids from the UUID pool, keys hashed in one shot', () => {
  type Context = Record<string, unknown> & {
    log: (message: string, extra?: Record<string, unknown>) => void;
  };
  type Internals = {
    cacheOperationContext(cacheKey: unknown, expiration: number, options: object): Context;
  };
  const proto = QueryCache.prototype as unknown as Internals;
  const stockContext = proto.cacheOperationContext;
  const utils = orchestratorUtils();
  const stockHash = utils.getCacheHash;

  test('the same hashes and contexts as Cube’s, a fresh 32-hex-digit span id each time', () => {
    installCheapCacheLookups(QueryCache);
    expect(utils.getCacheHash).not.toBe(stockHash);
    expect(proto.cacheOperationContext).not.toBe(stockContext);
    const sql = `SELECT * FROM t WHERE created_at >= $1 ${'AND x = 1 '.repeat(40)}`;
    for (const key of [
      'short key',
      `long key ${'x'.repeat(300)}`,
      [sql, ['2026-11-01T00:00:00.000'], { external: false, renewalThreshold: 10 }],
      { query: sql, values: [1], persistent: true },
      { query: sql, values: [1], persistent: false },
    ]) {
      expect(utils.getCacheHash(key)).toBe(stockHash(key));
      expect(utils.getCacheHash(key, 'process-a')).toBe(stockHash(key, 'process-a'));
    }

    const logged: Array<[string, Record<string, unknown>]> = [];
    const cache = {
      logger: (message: string, params: Record<string, unknown>) => logged.push([message, params]),
      queryCacheKey: (key: unknown) => `SQL_QUERY_RESULT_${utils.getCacheHash(key)}`,
    };
    const cacheKey = [sql, []];
    for (const options of [
      { requestId: 'r-1', primaryQuery: true, renewalKey: cacheKey },
      { requestId: 'r-2', renewalKey: ['SELECT 1', []], renewCycle: true },
      { requestId: 'r-3' },
    ]) {
      const ours = proto.cacheOperationContext.call(cache, cacheKey, 600, options);
      const stock = stockContext.call(cache, cacheKey, 600, options);
      const { spanId: ourSpan, log: ourLog, ...ourRest } = ours;
      const { spanId: stockSpan, log: stockLog, ...stockRest } = stock;
      expect(ourRest).toEqual(stockRest);
      expect(ourSpan).toMatch(/^[0-9a-f]{32}$/);
      expect(stockSpan).toMatch(/^[0-9a-f]{32}$/);
      logged.length = 0;
      ourLog('Missing cache for');
      ourLog('Found cache entry', { renewedAgo: 5 });
      stockLog('Missing cache for');
      stockLog('Found cache entry', { renewedAgo: 5 });
      const [a, b, c, d] = logged;
      expect(a).toEqual([c?.[0], { ...c?.[1], spanId: ourSpan }]);
      expect(b).toEqual([d?.[0], { ...d?.[1], spanId: ourSpan }]);
    }
    const ids = new Set(Array.from({ length: 1000 }, spanId));
    expect(ids.size).toBe(1000);
  });
});
