/**
 * PATCHES `@cubejs-backend/shared` dist/src/env.js, the module export `getEnv` (replaced by a
 *   kept-answer wrapper; Cube reaches it through the package index's live getter).
 * GAIN: ~8 % of a warm request's CPU (bench/results/history.md, "Where a request's CPU goes
 *   (profile)"); BENCHMARKS.md's "Cube result-cache hit" and "Whole tab uncached" rows.
 * OFF: `CUBE_COMPAT_OFF=env-cache` (switches.ts). Guard: tests/compat/cube-compat.test.ts.
 *
 * Cube reads its settings through `getEnv` from `@cubejs-backend/shared`, which re-reads and
 * re-validates `process.env` (env-var) on every call, and Cube calls it many times per request
 * (query limits, timeouts, dev mode, API scopes…): ~8 % of the CPU of a warm request in a profile
 * of the Cube process under load (bench/results/history.md). The process's environment is settled
 * before Cube starts listening (cube/server.ts sets what it needs first), so answers are kept per
 * key and options from then on. Errors (a malformed variable) are not kept: they recur as before.
 * This assumes one Cube per process, as `cube/launch.ts` runs it (a second in-process Cube with
 * another environment would see the first one's settings).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type GetEnv = (key: string, opts?: unknown) => unknown;
type EnvModule = { getEnv: GetEnv };

/** The module that defines `getEnv`; the package index re-exports it through a live getter. */
export const SHARED_ENV_MODULE = '@cubejs-backend/shared/dist/src/env';

let installed = false;

export function installEnvCache(): void {
  if (installed) return;
  installed = true;
  const envModule = require(SHARED_ENV_MODULE) as EnvModule;
  const read = envModule.getEnv;
  const kept = new Map<string, unknown>();
  envModule.getEnv = function cachedGetEnv(key, opts) {
    const id = opts === undefined ? key : `${key}\u0000${JSON.stringify(opts)}`;
    if (kept.has(id)) return kept.get(id);
    const value = read(key, opts);
    kept.set(id, value);
    return value;
  };
}
