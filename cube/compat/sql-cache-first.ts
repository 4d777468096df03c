/**
 * PATCHES `@cubejs-backend/server-core` CompilerApi.js `CompilerApi.prototype.getSql`
 *   (the native-free engine's subclass looks the kept SQL up first) and reads
 *   `@cubejs-backend/schema-compiler` adapter/QueryCache.js's private `storage`.
 * GAIN: 3.9–5.0 % of an uncached request's CPU (bench/results/history.md, "The uncached path:
 *   what Cube does around reading a rollup"); BENCHMARKS.md's "Whole tab uncached" rows.
 * OFF: `CUBE_COMPAT_OFF=sql-cache-first` (switches.ts). Guard: tests/compat/cube-compat.test.ts.
 *
 * Cube keeps the SQL it planned for a query (CompilerApi.getSql, `sqlCache`, on by default), but
 * builds a full query object first and only then looks the SQL up: for a query it already
 * planned, each request still constructs a `BaseQuery` (member resolution, join hints, date
 * parsing) and throws it away, ~4-5 % of an uncached request's CPU in a profile of the tab's
 * queries (bench/results/history.md). Looking the SQL up first, under Cube's own key in Cube's own
 * cache, answers exactly what Cube would answer, without that object; a miss falls through to
 * Cube's code unchanged. The key holds the whole normalised query and the security context, and the
 * cache belongs to the compiled model (a recompiled model has a new, empty one), so a kept entry
 * is never shared across users' contexts or model versions.
 */
import type { CompilerApi as CompilerApiClass } from '@cubejs-backend/server-core';

type CompilerApiInstance = InstanceType<typeof CompilerApiClass>;
type Query = Parameters<CompilerApiInstance['getSql']>[0];
type Options = NonNullable<Parameters<CompilerApiInstance['getSql']>[1]>;
type SqlResult = Awaited<ReturnType<CompilerApiInstance['getSql']>>;
/** Cube's per-key holder (`QueryCache`); its `storage` is private in the type declarations. */
type KeyHolder = { storage: Record<string, unknown> };

/** The SQL Cube kept for this query and options, or undefined when Cube has to plan it. */
export async function keptSql(
  api: CompilerApiInstance,
  sqlCache: boolean | undefined,
  query: Query,
  options: Options,
): Promise<SqlResult | undefined> {
  if (!sqlCache) return undefined;
  const { requestId, ...keyOptions } = query as Query & { requestId?: string };
  const compilers = await api.getCompilers({ requestId });
  // The same key CompilerApi.getSql builds (guarded by tests/compat/cube-compat.test.ts).
  const holder = compilers.compilerCache.getQueryCache({
    query: keyOptions,
    options,
  }) as unknown as KeyHolder;
  return holder.storage.sql as SqlResult | undefined;
}
