/**
 * When this process last fetched the list of rollup tables, and a generation counter that moves
 * every time it does. Cube answers a query from rollups with whatever tables that listing names:
 * a partition build ends with Cube refetching the listing (`PreAggregationLoadCache.reset`), and
 * an expired listing is refetched by the next request. So an answer derived from rollups stays
 * the answer Cube's own path would give for as long as the generation has not moved and the
 * listing has not expired; the result fast path (cube/hardening/result-fast-path.ts) relies on it.
 */
import type { PreAggregationLoadCache as LoadCacheClass } from '@cubejs-backend/query-orchestrator';

type LoadCacheInternals = {
  fetchTables(preAggregation: unknown): Promise<unknown>;
  preAggregations: { options: { preAggregationsSchemaCacheExpire?: number } };
};

/** Cube's default lifetime of a cached listing (PreAggregationLoadCache.fetchTables). */
const CUBE_DEFAULT_LISTING_SECONDS = 60 * 60;

export type ListingState = {
  /** Moves on every listing fetch (a build finished, or the cached listing expired). */
  generation: number;
  /** Until when (epoch ms) Cube keeps the latest listing; 0 before the first fetch. */
  validUntil: number;
};

const state: ListingState = { generation: 0, validUntil: 0 };
let installed = false;

export function rollupListing(): Readonly<ListingState> {
  return state;
}

export function installRollupListingWatch(LoadCache: typeof LoadCacheClass): void {
  if (installed) return;
  installed = true;
  const proto = LoadCache.prototype as unknown as LoadCacheInternals;
  const fetchTables = proto.fetchTables;
  proto.fetchTables = async function watchedFetchTables(this: LoadCacheInternals, preAggregation) {
    // Moved before and after: an answer computed while the fetch runs is never kept.
    state.generation++;
    // Cube stores the listing after the fetch: counting from before it errs on the short side.
    const started = Date.now();
    const tables = await fetchTables.call(this, preAggregation);
    const seconds =
      this.preAggregations.options.preAggregationsSchemaCacheExpire || CUBE_DEFAULT_LISTING_SECONDS;
    state.generation++;
    state.validUntil = started + seconds * 1000;
    return tables;
  };
}
