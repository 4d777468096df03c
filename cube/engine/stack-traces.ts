/**
 * Cube's server core loads its dev-server templates, which `require('source-map-support/register')`:
 * from then on every stack trace in the process is rewritten through the source maps of Cube's
 * packages. Cube formats a stack on every query (the `TimeoutError` that `promise-timeout`
 * creates up front for the continue-wait timeout reads `Error().stack`), so this mapping was ~5 % of
 * an uncached request's CPU in a profile of the tab's queries (BENCHMARKS.md). Traces of Cube's
 * compiled JavaScript are as useful in this project's logs; V8's own formatting is restored.
 */
type PrepareStackTrace = NonNullable<typeof Error.prepareStackTrace>;

/** source-map-support's hook, recognised by its name (it exports no handle to compare with). */
export const isSourceMapSupportHook = (hook: PrepareStackTrace | undefined): boolean =>
  hook?.name === 'prepareStackTrace' && hook.toString().includes('wrapCallSite');

export function restoreNativeStackTraces(): void {
  if (isSourceMapSupportHook(Error.prepareStackTrace))
    Reflect.deleteProperty(Error, 'prepareStackTrace');
}
