/**
 * PATCHES `@cubejs-backend/query-orchestrator` orchestrator/QueryOrchestrator.js,
 *   `QueryOrchestrator.prototype.fetchQuery` (wrapped: planned again once on a dropped rollup).
 * GAIN: correctness, not speed: the split topology's chaos test (tests/topology/chaos.test.ts)
 *   met `relation "analytics_pre_aggregations.…" does not exist` 400s for seconds after every
 *   refresh-worker restart without it; tests/engine/dropped-rollup.test.ts fails without it.
 * OFF: not switchable (a wrong answer is no speed trade-off). Guard: tests/compat/cube-compat.test.ts.
 *
 * A query that names a rollup table the refresh worker has just dropped is planned again on a
 * fresh listing instead of failing. Cube answers a query from the rollup tables its cached listing
 * names; when a build replaces a partition's table, the process that built it drops the old
 * version, and other processes (the split topology's API instances, which re-read the listing
 * every 2 s) can still send a query naming it: Postgres answers `relation "…" does not exist` and
 * Cube turns that into a 400. The builder decides what to keep from its own in-memory record of
 * the tables it used or touched, which is empty after it restarts, so no setting of Cube's
 * (`CUBEJS_DROP_PRE_AGG_WITHOUT_TOUCH`, `usedTablePersistTime`) keeps the old version for the
 * others. The error proves the drop is committed, so a listing read after it no longer names the
 * table; Cube re-reads the listing the same way after its own builds (`PreAggregationLoadCache.reset`).
 */
import type { QueryOrchestrator as OrchestratorClass } from '@cubejs-backend/query-orchestrator';
import { PreAggregationLoadCache } from '../engine/cube-modules';

type RollupDescription = {
  preAggregationsSchema?: string;
  dataSource?: string;
  external?: boolean | null;
};
type QueryBody = { preAggregations?: RollupDescription[] };

type OrchestratorInternals = {
  fetchQuery(queryBody: QueryBody): Promise<unknown>;
  queryCache: unknown;
  preAggregations: unknown;
  driverFactory: (dataSource: string, preAggregations: boolean) => unknown;
};

/**
 * Fresh listings asked for after the error. Two, not one: the first refetch can join a listing
 * fetch that another request started just before the drop (Cube's queue shares a running fetch
 * of the same schema), and return the old list once more.
 */
const REPLANS = 2;

let installed = false;

/** Whether Postgres says a relation in one of `rollups`' schemas does not exist. */
function namesDroppedRollup(error: unknown, rollups: RollupDescription[]): boolean {
  const message = error instanceof Error ? error.message : String(error);
  const missing = /relation "([^"]+)" does not exist/.exec(message)?.[1];
  return (
    missing !== undefined &&
    rollups.some(
      (rollup) =>
        rollup.preAggregationsSchema && missing.startsWith(`${rollup.preAggregationsSchema}.`),
    )
  );
}

export function installDroppedRollupRetry(Orchestrator: typeof OrchestratorClass): void {
  if (installed) return;
  installed = true;
  const proto = Orchestrator.prototype as unknown as OrchestratorInternals;
  const fetchQuery = proto.fetchQuery;
  proto.fetchQuery = async function replanOnDroppedRollup(this: OrchestratorInternals, body) {
    const rollups = body.preAggregations ?? [];
    for (let replans = 0; ; replans++) {
      try {
        return await fetchQuery.call(this, body);
      } catch (error) {
        if (replans >= REPLANS || !namesDroppedRollup(error, rollups)) throw error;
        // One fresh listing per schema (Cube keeps one listing per schema and store).
        const bySchema = new Map<string, RollupDescription>();
        for (const rollup of rollups)
          bySchema.set(
            `${rollup.dataSource}|${rollup.preAggregationsSchema}|${Boolean(rollup.external)}`,
            rollup,
          );
        await Promise.all(
          [...bySchema.values()].map((rollup) => {
            const dataSource = rollup.dataSource ?? 'default';
            return new PreAggregationLoadCache(
              () => this.driverFactory(dataSource, true) as never,
              this.queryCache,
              this.preAggregations,
              { dataSource },
            ).reset(rollup);
          }),
        );
      }
    }
  };
}
