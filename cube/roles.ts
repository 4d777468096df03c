/**
 * The roles a Cube process can play, and the settings that give each its role: one place, read by
 * `cube/launch.ts`, set by `npm start -- --topology=split` and passed by docker-compose.yml
 * (tests/topology/compose.test.ts checks that compose passes exactly these).
 *
 * - `all`: one process answers queries and refreshes rollups (`npm start`, the tests).
 * - `api`: answers queries only; scheduler off, never builds a rollup (Cube's "external refresh":
 *   it serves the newest version the worker built, or answers "not built yet").
 * - `refresh-worker`: builds and refreshes rollups on its schedule; gets no query traffic.
 */
export type CubeRole = 'all' | 'api' | 'refresh-worker';

/** Seconds between the refresh worker's scheduler runs (CUBE_REFRESH_SECONDS). */
export const WORKER_REFRESH_SECONDS = 30;

/**
 * How long an API instance trusts its list of rollup tables. The worker replaces a partition's
 * table with a new version and drops old ones; an API instance that cached the list for Cube's
 * default hour would serve stale data, then query dropped tables. With the queue and cache in
 * Cube Store (compose) the worker refreshes the shared list itself; locally each process has its
 * own in-memory cache, so API instances re-read the list this often (one catalog query).
 */
export const API_TABLES_CACHE_SECONDS = 2;

/** The environment that gives a Cube process `role` (compose passes the same values). */
export function roleEnv(role: Exclude<CubeRole, 'all'>): Record<string, string> {
  return role === 'api'
    ? { CUBEJS_REFRESH_WORKER: 'false', CUBE_REFRESH_SECONDS: '0' }
    : { CUBEJS_REFRESH_WORKER: 'true', CUBE_REFRESH_SECONDS: String(WORKER_REFRESH_SECONDS) };
}

const isTrue = (value: string | undefined) => /^(true|1)$/i.test(value?.trim() ?? '');

/** The role the environment gives this process. */
export function roleFromEnv(env: NodeJS.ProcessEnv = process.env): CubeRole {
  if (isTrue(env.CUBEJS_REFRESH_WORKER)) return 'refresh-worker';
  // Cube's own switch: an instance without a scheduler that still builds on demand (the tests').
  if (isTrue(env.CUBEJS_PRE_AGGREGATIONS_BUILDER)) return 'all';
  return env.CUBE_REFRESH_SECONDS?.trim() === '0' ? 'api' : 'all';
}

/** Ports of the split topology: the proxy keeps the Cube port; the others follow it. */
export function splitPorts(cubePort: number): { worker: number; apis: [number, number] } {
  return { worker: cubePort + 1, apis: [cubePort + 2, cubePort + 3] };
}
