/**
 * PATCHES `source-map-support`'s `Error.prepareStackTrace` hook (installed by
 *   `@cubejs-backend/server-core`: removed) and `promise-timeout` (Cube's copy, loaded from
 *   server-core's tree) `timeout` (replaced: the same race, its error built on expiry).
 * GAIN: 4.4 % of an uncached request's CPU (5.0 % compiled) and ~3 % of Cube's busy time on the
 *   30d tab (bench/results/history.md, "The uncached path: what Cube does around reading a
 *   rollup"); BENCHMARKS.md's "Whole tab uncached vs raw SQL" rows.
 * OFF: `CUBE_COMPAT_OFF=stack-traces` (switches.ts). Guard: tests/compat/cube-compat.test.ts.
 *
 * Stack traces Cube formats on every query, for nothing.
 *
 * - Cube's server core loads its dev-server templates, which `require('source-map-support/register')`:
 *   from then on every stack trace in the process is rewritten through the source maps of Cube's
 *   packages, ~5 % of an uncached request's CPU in a profile of the tab's queries
 *   (bench/results/history.md). Traces of Cube's compiled JavaScript are as useful in this
 *   project's logs; V8's own formatting is restored.
 * - `promise-timeout`, which the orchestrator API wraps around every query for its continue-wait
 *   timeout, builds its `TimeoutError` up front and reads `Error().stack` in the constructor, so
 *   each query captures and formats a stack that is thrown away when the query answers in time
 *   (~3 % of Cube's busy time on the 30d tab, bench/results/history.md). Here the error is built
 *   when the timer fires: the same class, message and race; only its stack now points at the timer.
 */
import { createRequire } from 'node:module';

type PrepareStackTrace = NonNullable<typeof Error.prepareStackTrace>;
type PromiseTimeout = {
  timeout: <T>(promise: Promise<T>, timeoutMillis: number) => Promise<T>;
  TimeoutError: new () => Error;
};

/** source-map-support's hook, recognised by its name (it exports no handle to compare with). */
export const isSourceMapSupportHook = (hook: PrepareStackTrace | undefined): boolean =>
  hook?.name === 'prepareStackTrace' && hook.toString().includes('wrapCallSite');

/** The `promise-timeout` module Cube's orchestrator API loads (resolved from its package). */
export function cubePromiseTimeout(): PromiseTimeout {
  const fromServerCore = createRequire(
    createRequire(import.meta.url).resolve('@cubejs-backend/server-core'),
  );
  return fromServerCore('promise-timeout') as PromiseTimeout;
}

let lazyTimeoutInstalled = false;

function buildTimeoutErrorOnExpiry(): void {
  if (lazyTimeoutInstalled) return;
  lazyTimeoutInstalled = true;
  const module = cubePromiseTimeout();
  const { TimeoutError } = module;
  module.timeout = function timeoutWithLazyError<T>(promise: Promise<T>, timeoutMillis: number) {
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new TimeoutError()), timeoutMillis);
    });
    return Promise.race([promise, expiry]).then(
      (value) => {
        clearTimeout(timer);
        return value;
      },
      (error: unknown) => {
        clearTimeout(timer);
        throw error;
      },
    );
  };
}

export function restoreNativeStackTraces(): void {
  if (isSourceMapSupportHook(Error.prepareStackTrace))
    Reflect.deleteProperty(Error, 'prepareStackTrace');
  buildTimeoutErrorOnExpiry();
}
