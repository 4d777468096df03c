/**
 * PATCHES `@cubejs-backend/query-orchestrator` QueryCache.js
 *   `QueryCache.prototype.cacheOperationContext` (replaced by Cube's code with another span id
 *   source) and orchestrator/utils.js `getCacheHash` (replaced: the same digest, one-shot).
 * GAIN: ~4 % + ~3.7 % of Cube's busy time on the uncached tab (bench/results/history.md, "Cache
 *   lookups and copies"); BENCHMARKS.md's "Whole tab uncached vs raw SQL" rows.
 * OFF: `CUBE_COMPAT_OFF=cache-lookup-cost` (switches.ts). Guard: tests/compat/cube-compat.test.ts.
 *
 * What Cube's orchestrator pays on every cache lookup, for nothing this project uses. An uncached
 * `/load` goes through `QueryCache.cacheQueryResult` ~10 times (the query, each rollup's build
 * range and refresh keys, all in-memory hits but the query), and each lookup
 *
 * - draws a span id for its log lines from `crypto.randomBytes(16)`: a synchronous call into
 *   OpenSSL's generator per lookup, ~4 % of Cube's busy time on the uncached tab at `large`
 *   (bench/results/history.md). A span id only ties log lines together; `randomUUID` hands out ids
 *   from a pool Node refills in batches, as 32 hex digits like Cube's;
 * - hashes its key with `createHash('md5').update(json).digest('hex')` (and the queue hashes it
 *   again): three calls across the native boundary and a hash object per key, ~3.7 % of busy
 *   time. `crypto.hash` is Node's one-shot form of the same digest: the same keys, cheaper.
 *
 * Nothing else changes: cache keys, entries, expiry, renewal and what is served from a cache
 * are Cube's own (tests/compat/cube-compat.test.ts fingerprints the replaced code;
 * tests/engine/uncached-internals.test.ts compares the answers with Cube's).
 */
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import type { QueryCache as QueryCacheClass } from '@cubejs-backend/query-orchestrator';

const require = createRequire(import.meta.url);

type CacheKey = unknown;
type Options = Record<string, unknown> & { requestId?: string; renewalKey?: CacheKey };
type Logger = (message: string, params: Record<string, unknown>) => void;
/** The members of Cube's query cache used here (protected in its type declarations). */
type QueryCacheInternals = {
  logger: Logger;
  queryCacheKey(cacheKey: CacheKey): string;
  cacheOperationContext(cacheKey: CacheKey, expiration: number, options: Options): unknown;
};
type GetCacheHash = (queryKey: unknown, processUid?: string) => string;
/** Cube's orchestrator utilities (CommonJS: callers look `getCacheHash` up at every call). */
export type OrchestratorUtils = { getCacheHash: GetCacheHash };
type SharedModule = { getProcessUid: () => string };

export const orchestratorUtils = (): OrchestratorUtils =>
  require('@cubejs-backend/query-orchestrator/dist/src/orchestrator/utils') as OrchestratorUtils;

/** A span id as Cube draws one (32 hex digits), from Node's pooled UUID entropy. */
export const spanId = (): string => crypto.randomUUID().replaceAll('-', '');

/** Cube's `getCacheHash` with the one-shot digest; the same answer for every key. */
export function oneShotCacheHash(): GetCacheHash {
  const { getProcessUid } = require('@cubejs-backend/shared') as SharedModule;
  return (queryKey, processUid) => {
    if (typeof queryKey === 'string' && queryKey.length < 256) return queryKey;
    const digest = crypto.hash('md5', JSON.stringify(queryKey), 'hex');
    const persistent =
      typeof queryKey === 'object' &&
      queryKey !== null &&
      'persistent' in queryKey &&
      queryKey.persistent;
    // Cube reads the process uid first on every call; only a persistent key uses it.
    return persistent ? `${digest}@${processUid || getProcessUid()}` : digest;
  };
}

let installed = false;

export function installCheapCacheLookups(QueryCache: typeof QueryCacheClass): void {
  if (installed) return;
  installed = true;
  orchestratorUtils().getCacheHash = oneShotCacheHash();
  const proto = QueryCache.prototype as unknown as QueryCacheInternals;
  // Cube's method but for where the span id comes from (its source is pinned by the guard).
  proto.cacheOperationContext = function cacheOperationContext(
    this: QueryCacheInternals,
    cacheKey,
    expiration,
    options,
  ) {
    const span = spanId();
    const logContext = {
      cacheKey,
      requestId: options.requestId,
      spanId: span,
      primaryQuery: options.primaryQuery,
      renewCycle: options.renewCycle,
    };
    const redisKey = this.queryCacheKey(cacheKey);
    return {
      cacheKey,
      redisKey,
      renewalKey:
        options.renewalKey &&
        (options.renewalKey === cacheKey ? redisKey : this.queryCacheKey(options.renewalKey)),
      expiration,
      spanId: span,
      options,
      log: (message: string, extra?: Record<string, unknown>) =>
        this.logger(message, extra ? { ...logContext, ...extra } : logContext),
    };
  };
}
