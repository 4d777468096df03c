/**
 * Failures inside the patched paths of Cube (this folder). A patch that meets Cube code it does not
 * expect falls back to Cube's own path, which keeps answers right but may silently switch a cache
 * off; so each failure is counted, logged the first time per patch (not per request: a broken patch
 * would otherwise flood the log), and shown in Cube's `/readyz` and `/livez` answers
 * (`compat.patchFailures`, see gateway.ts `healthResponse`). Counts start at zero per process.
 */

const failures = new Map<string, number>();

export function patchFailed(patch: string, error: unknown): void {
  const count = (failures.get(patch) ?? 0) + 1;
  failures.set(patch, count);
  if (count === 1) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(
      `[cube compat] ${patch} failed; Cube's own path answers instead (counted on /readyz, logged once): ${message}`,
    );
  }
}

/** What the health answers show: failures per patch since the process started. */
export function compatHealth(): { patchFailures: Record<string, number> } {
  return { patchFailures: Object.fromEntries(failures) };
}
