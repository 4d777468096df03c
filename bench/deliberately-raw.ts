/**
 * Which tab queries the model answers from the source tables on purpose. The model records them
 * (with the reason) in its list of tab queries, `tests/support/tab-queries.ts`
 * (`deliberatelyRaw`, explained in model/README.md); a bench query is deliberately raw when that
 * list holds the identical Cube query. Every other query must be served by a rollup.
 */
import { tabQueries } from '../tests/support/tab-queries';

/** JSON with object keys sorted, so two equal queries compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

/** The model's reason for running `query` raw, or null when it must hit a rollup. */
export function deliberatelyRawReason(query: unknown, now: number): string | null {
  const wanted = canonical(query);
  const match = tabQueries(now).find((q) => canonical(q.query) === wanted);
  return match?.deliberatelyRaw ?? null;
}
