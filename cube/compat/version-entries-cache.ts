/**
 * PATCHES `@cubejs-backend/query-orchestrator` PreAggregationLoadCache.js,
 *   `PreAggregationLoadCache.prototype.calculateVersionEntries` (wrapped: kept per listing).
 * GAIN: 24.8 % of a warm request's CPU, gone from the profile (bench/results/history.md, "Where a
 *   request's CPU goes (profile)"); carries BENCHMARKS.md's "Cube result-cache hit" row.
 * OFF: `CUBE_COMPAT_OFF=version-entries-cache` (switches.ts). Guard: tests/compat/cube-compat.test.ts.
 *
 * Cube resolves which rollup tables are current on every request, even a result-cache hit: it
 * takes the schema's table listing (itself cached by Cube, and refetched after every build),
 * parses each of the ~230 names with a backtracking regex, sorts them, drops those being built
 * (its pre-aggregation queue) and indexes them three ways. A CPU profile of warm requests put
 * this at the top of Cube's own code. The answer only depends on that listing while no build is
 * queued, so it is kept per listing: when a build finishes, Cube refetches the listing (a new
 * array), which is what invalidates the entry; while builds are queued, Cube's own code runs.
 */
import type { PreAggregationLoadCache as LoadCacheClass } from '@cubejs-backend/query-orchestrator';

type PreAggregationDescription = { external?: boolean | null };
type VersionEntries = unknown;

/** The members of Cube's load cache used here (some are private in its type declarations). */
type LoadCacheInternals = {
  calculateVersionEntries(preAggregation: PreAggregationDescription): Promise<VersionEntries>;
  getTablesQuery(preAggregation: PreAggregationDescription): Promise<object>;
  fetchQueryStageState(): Promise<[unknown, unknown, Record<string, unknown>]>;
};

const byListing = new WeakMap<object, Promise<VersionEntries>>();
let installed = false;

export function installVersionEntriesCache(LoadCache: typeof LoadCacheClass): void {
  if (installed) return;
  installed = true;
  const proto = LoadCache.prototype as unknown as LoadCacheInternals;
  const calculate = proto.calculateVersionEntries;
  proto.calculateVersionEntries = async function calculateVersionEntries(
    this: LoadCacheInternals,
    preAggregation,
  ) {
    // Rollups in Cube Store are listed without the queue filter; leave them to Cube.
    if (preAggregation.external) return calculate.call(this, preAggregation);
    const listing = await this.getTablesQuery(preAggregation);
    const [, , queued] = await this.fetchQueryStageState();
    if (Object.keys(queued).length > 0) return calculate.call(this, preAggregation);
    let entries = byListing.get(listing);
    if (!entries) {
      entries = calculate.call(this, preAggregation);
      byListing.set(listing, entries);
      entries.catch(() => byListing.delete(listing));
    }
    return entries;
  };
}
