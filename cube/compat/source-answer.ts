/**
 * PATCHES nothing; reads private members of `@cubejs-backend/query-orchestrator`
 *   QueryCache.js (`cacheDriver`, `loadRefreshKeys`, `cacheKeyQueriesFrom`, `queryCacheKey`,
 *   statics `decideCacheAction`, `queryCacheKey`, `replacePreAggregationTableNames`) and
 *   `@cubejs-backend/base-driver`'s `QueuePriority`, to ask Cube's cache as Cube asks it.
 * GAIN: the warm tab with `wow.paying_users` served from memory (bench/results/history.md, "Kept
 *   source answers"); BENCHMARKS.md's "Whole tab warm" row.
 * OFF: with the result fast path (`CUBE_RESULT_CACHE_SECONDS=0`). A failure here is counted on
 *   /readyz (health.ts) and Cube's own path answers. Guard: tests/compat/cube-compat.test.ts.
 *
 * Kept answers of queries Cube answers from the source tables (no rollup), such as the
 * week-over-week paying users: such an answer is served from memory only when Cube's own query
 * cache would, at that moment, serve the very result entry the kept answer was made from.
 *
 * Why not a TTL: Cube re-checks the query's refresh key on every request (its value may be served
 * stale while Cube renews it in the background) and refetches the result when the key moved or the
 * entry is older than its renewal threshold. A copy with its own clock would serve answers Cube
 * would not. So the check asks the same `QueryCache` instance, the same way its foreground path
 * (`cachedQueryResult` → `renewQuery`, Cube 1.7.43) does: the refresh keys as
 * `loadRefreshKeys(…, { skipRefreshKeyWaitForRenew: true })` returns them (renewing them in the
 * background as Cube's own request would), the renewal key built from them, and
 * `decideCacheAction` on the stored entry. Only `serve-cached` of the same entry object (the
 * in-memory cache driver stores it by reference; any other driver never matches) lets the kept
 * answer out; anything else falls through to Cube's path.
 *
 * Not replicated: the background renew cycle Cube starts after each request. Without it Cube only
 * learns of a moved refresh key a little later (on the next request's own refresh key check), as
 * it would with fewer requests; the answer served is still the entry Cube would serve then.
 */
import { createRequire } from 'node:module';
import { patchFailed } from './health';

const require = createRequire(import.meta.url);
const orchestratorRequire = createRequire(require.resolve('@cubejs-backend/query-orchestrator'));
// Cube's own constants, from the packages that define them.
const { QueryCache, CacheAction } = orchestratorRequire(
  '@cubejs-backend/query-orchestrator',
) as typeof import('@cubejs-backend/query-orchestrator');
const { QueuePriority } = orchestratorRequire('@cubejs-backend/base-driver') as {
  QueuePriority: { Interactive: number };
};

type CacheEntry = { time: number; result: unknown; renewalKey?: string; requestId?: string };

/** The parts of Cube's `QueryCache` the check reads (some are protected in its typings). */
type QueryCacheView = {
  options: { backgroundRenew?: boolean; skipExternalCacheAndQueue?: boolean };
  cacheDriver: { get(key: string): Promise<CacheEntry | null | undefined> };
  loadRefreshKeys(
    queries: unknown[],
    expireSecs: number,
    options: {
      skipRefreshKeyWaitForRenew: boolean;
      priority: number;
      requestId?: string;
      dataSource?: string;
      external?: boolean;
    },
  ): Promise<unknown>[];
  cacheKeyQueriesFrom(queryBody: unknown): unknown[];
  queryCacheKey(cacheKey: unknown): string;
};
type QueryCacheStatics = {
  queryCacheKey(queryBody: unknown): unknown;
  replacePreAggregationTableNames(queryAndParams: unknown, tables: unknown[]): unknown;
  decideCacheAction(
    entry: CacheEntry,
    renewedAgo: number,
    options: { renewalThreshold: number; waitForRenew: boolean; requestId?: string },
    renewalKey: string,
  ): string;
};
const queryCacheStatics = QueryCache as unknown as QueryCacheStatics;

/** The query body Cube's gateway hands the orchestrator (`getSqlResponseInternal`). */
type QueryBody = {
  query?: unknown;
  values?: unknown[];
  cacheMode?: unknown;
  forceNoCache?: unknown;
  persistent?: unknown;
  external?: unknown;
  dataSource?: string;
  expireSecs?: number;
  queuePriority?: unknown;
  preAggregations?: unknown[];
  cacheKeyQueries?: { renewalThreshold?: number } | unknown[];
  loadRefreshKeysOnly?: unknown;
  isJob?: unknown;
};

/** One `executeQuery` of the orchestrator, as the gateway's request saw it. */
export type ExecutedQuery = {
  queryBody: QueryBody;
  /** The result rows as the orchestrator returned them (before the gateway wraps them). */
  rows: unknown;
  lastRefreshTime: unknown;
  slowQuery: unknown;
  usedPreAggregations: unknown;
  queryCache: unknown;
};

/** What a kept source answer needs to ask Cube's query cache whether it would still serve it. */
export type SourceAnswerCheck = {
  queryCache: QueryCacheView;
  cacheKeyQueries: unknown[];
  expireSecs: number;
  renewalThreshold: number;
  priority: number;
  dataSource?: string;
  external: boolean;
  /** The result entry's key in Cube's cache driver. */
  entryKey: string;
  /** Hash of the query and its values, the last part of the entry's renewal key. */
  queryHash: string;
  /** The entry's result object the kept answer was made from. */
  rows: unknown;
};

const isEmpty = (value: unknown) =>
  value === undefined ||
  value === null ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && Object.keys(value).length === 0);

/**
 * The check for an answer made from this executed query, when it is one Cube's foreground path
 * served from its query cache entry as it stands now; otherwise undefined (not kept).
 */
export async function sourceAnswerCheck(
  executed: ExecutedQuery,
): Promise<SourceAnswerCheck | undefined> {
  const body = executed.queryBody;
  const queryCache = executed.queryCache as QueryCacheView | undefined;
  if (!queryCache || typeof body.query !== 'string' || !Array.isArray(executed.rows))
    return undefined;
  // Only `cachedQueryResult`'s default branch (`renewQuery` in the foreground) is replicated.
  if (body.cacheMode !== undefined && body.cacheMode !== 'stale-if-slow') return undefined;
  if (body.forceNoCache || body.persistent || body.loadRefreshKeysOnly || body.isJob)
    return undefined;
  if (queryCache.options.backgroundRenew) return undefined;
  if (body.external && queryCache.options.skipExternalCacheAndQueue) return undefined;
  // Rollup answers are the listing generation's business (result-fast-path.ts).
  if (!isEmpty(body.preAggregations) || !isEmpty(executed.usedPreAggregations)) return undefined;
  if (executed.slowQuery) return undefined;
  const cacheKeyQueries = queryCache
    .cacheKeyQueriesFrom(body)
    .map((q) => queryCacheStatics.replacePreAggregationTableNames(q, []));
  const entryKey = queryCache.queryCacheKey(queryCacheStatics.queryCacheKey(body));
  const entry = await queryCache.cacheDriver.get(entryKey);
  // The answer must be the stored entry's (not one a concurrent renewal has since replaced).
  if (!entry || entry.result !== executed.rows) return undefined;
  if (!(executed.lastRefreshTime instanceof Date)) return undefined;
  if (executed.lastRefreshTime.getTime() !== entry.time) return undefined;
  const threshold = Array.isArray(body.cacheKeyQueries)
    ? undefined
    : body.cacheKeyQueries?.renewalThreshold;
  return {
    queryCache,
    cacheKeyQueries,
    expireSecs: body.expireSecs || 24 * 3600,
    renewalThreshold: threshold || 6 * 60 * 60,
    priority: Number.isInteger(body.queuePriority)
      ? (body.queuePriority as number)
      : QueuePriority.Interactive,
    dataSource: body.dataSource,
    external: Boolean(body.external),
    entryKey,
    queryHash: queryCache.queryCacheKey([body.query, body.values]),
    rows: executed.rows,
  };
}

/** A check per executed query when every one of them qualifies; otherwise undefined. */
export async function sourceAnswerChecks(
  executed: ExecutedQuery[],
): Promise<SourceAnswerCheck[] | undefined> {
  if (executed.length === 0) return undefined;
  try {
    const checks = await Promise.all(executed.map(sourceAnswerCheck));
    return checks.every((check) => check !== undefined) ? checks : undefined;
  } catch (error) {
    // Cube's internals not as expected (e.g. after an upgrade): keep nothing, and say so.
    patchFailed('source-answer', error);
    return undefined;
  }
}

/** Whether Cube's query cache would serve the kept answer's entry to a request right now. */
export async function cubeWouldServe(
  check: SourceAnswerCheck,
  requestId: string | undefined,
): Promise<boolean> {
  const { queryCache } = check;
  let refreshKeys: unknown[];
  try {
    refreshKeys = await Promise.all(
      queryCache.loadRefreshKeys(check.cacheKeyQueries, check.expireSecs, {
        skipRefreshKeyWaitForRenew: true,
        priority: check.priority,
        requestId,
        dataSource: check.dataSource,
        external: check.external,
      }),
    );
  } catch (error) {
    // A refresh key query failed (the database, not the patch): Cube's own path then refetches
    // and answers that error itself. A TypeError is this code meeting a Cube it does not know.
    if (error instanceof TypeError) patchFailed('source-answer', error);
    return false;
  }
  try {
    const renewalKey = queryCache.queryCacheKey([
      check.cacheKeyQueries,
      refreshKeys,
      check.queryHash,
    ]);
    const entry = await queryCache.cacheDriver.get(check.entryKey);
    if (!entry || entry.result !== check.rows) return false;
    const action = queryCacheStatics.decideCacheAction(
      entry,
      Date.now() - entry.time,
      { renewalThreshold: check.renewalThreshold, waitForRenew: true, requestId },
      renewalKey,
    );
    return action === CacheAction.ServeCached;
  } catch (error) {
    // Cube's internals not as expected: Cube's own path answers, and the failure is counted.
    patchFailed('source-answer', error);
    return false;
  }
}
