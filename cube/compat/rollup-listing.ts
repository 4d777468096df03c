/**
 * Until when this process's list of rollup tables is current, and a generation counter that moves
 * every time a fetched list differs from the previous one. Cube answers a query from rollups with whatever tables that listing names:
 * a partition build ends with Cube refetching the listing (`PreAggregationLoadCache.reset`), and
 * an expired listing is refetched by the next request. So an answer derived from rollups stays
 * the answer Cube's own path would give for as long as the generation has not moved and the
 * listing has not expired (once it has, only the next fetch can say whether it changed); the result fast path (cube/hardening/result-fast-path.ts) relies on it.
 */
import type { PreAggregationLoadCache as LoadCacheClass } from '@cubejs-backend/query-orchestrator';

type LoadCacheInternals = {
  fetchTables(preAggregation: unknown): Promise<unknown>;
  /** Set on the partial listings of the jobs API's partition checks. */
  tablePrefixes?: unknown;
  preAggregations: { options: { preAggregationsSchemaCacheExpire?: number } };
};

/** Cube's default lifetime of a cached listing (PreAggregationLoadCache.fetchTables). */
const CUBE_DEFAULT_LISTING_SECONDS = 60 * 60;

export type ListingState = {
  /** Moves whenever a fetched listing differs from the last one (a build finished). */
  generation: number;
  /** Until when (epoch ms) Cube keeps the latest listing; 0 before the first fetch. */
  validUntil: number;
};

const state: ListingState = { generation: 0, validUntil: 0 };
const lastListing = new Map<string, string>();
/** How to fetch each whole listing again (Cube's own fetch, on the cache that last did it). */
const refetchers = new Map<string, () => Promise<unknown>>();
let renewing: Promise<void> | undefined;
let installed = false;

export function rollupListing(): Readonly<ListingState> {
  return state;
}

/**
 * The generation of a current listing, first fetching the listings again when Cube's copy has
 * expired: what Cube's own path would do on its next request (API instances of the split
 * topology keep it 2 s). Concurrent callers share one fetch. Null when there is no current
 * listing (never fetched, or the fetch failed).
 */
export async function currentRollupGeneration(): Promise<number | null> {
  if (Date.now() < state.validUntil) return state.generation;
  if (refetchers.size === 0) return null;
  const before = state.validUntil;
  renewing ??= Promise.all([...refetchers.values()].map((refetch) => refetch()))
    .then(
      () => undefined,
      () => undefined,
    )
    .finally(() => {
      renewing = undefined;
    });
  await renewing;
  // Just fetched, as Cube's own request would have: current for this request even if the event
  // loop was slow to come back to it.
  return state.validUntil > before ? state.generation : null;
}

export function installRollupListingWatch(LoadCache: typeof LoadCacheClass): void {
  if (installed) return;
  installed = true;
  const proto = LoadCache.prototype as unknown as LoadCacheInternals;
  const fetchTables = proto.fetchTables;
  proto.fetchTables = async function watchedFetchTables(this: LoadCacheInternals, preAggregation) {
    // Cube stores the listing after the fetch: counting from before it errs on the short side.
    const started = Date.now();
    const tables = await fetchTables.call(this, preAggregation);
    const seconds =
      this.preAggregations.options.preAggregationsSchemaCacheExpire || CUBE_DEFAULT_LISTING_SECONDS;
    // API instances of the split topology refetch every 2 s (cube/roles.ts): only a listing that
    // differs from the last one moves the generation.
    const signature = JSON.stringify(tables);
    const where = listingKey(preAggregation);
    if (!this.tablePrefixes)
      refetchers.set(where, () => proto.fetchTables.call(this, preAggregation));
    if (lastListing.get(where) !== signature) {
      lastListing.set(where, signature);
      state.generation++;
    }
    state.validUntil = started + seconds * 1000;
    return tables;
  };
}

/** Cube keeps one listing per schema (and per store: Postgres or Cube Store). */
function listingKey(preAggregation: unknown): string {
  const { preAggregationsSchema, external } = (preAggregation ?? {}) as {
    preAggregationsSchema?: unknown;
    external?: unknown;
  };
  return `${String(preAggregationsSchema)}${external ? ' external' : ''}`;
}
