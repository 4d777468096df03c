/**
 * Which tab queries the model answers from the source tables on purpose. The model records them
 * (with the reason) in its list of tab queries, `web/lib/analytics/registry.ts`
 * (`deliberatelyRaw`, explained in model/README.md); a bench query is deliberately raw when that
 * list holds the same query: same measures, dimensions and time dimensions (segments aside, as
 * they change how the source rows are found, not what is counted). When the two differ in their
 * segments, that is reported: the tab does not send what the model measured.
 */
import { tabQueries } from '../web/lib/analytics/registry';

type Shape = {
  measures?: readonly string[];
  dimensions?: readonly string[];
  segments?: readonly string[];
  timeDimensions?: readonly unknown[];
};

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

const what = (q: Shape) =>
  canonical({
    measures: q.measures ?? [],
    dimensions: q.dimensions ?? [],
    timeDimensions: q.timeDimensions ?? [],
  });

export type RawRecord = { reason: string; note: string | null };

/** The model's record of `query` as deliberately raw, or null when it must hit a rollup. */
export function deliberatelyRaw(query: Shape, now: number): RawRecord | null {
  const wanted = what(query);
  const match = tabQueries(now).find((q) => q.deliberatelyRaw && what(q.query as Shape) === wanted);
  if (!match?.deliberatelyRaw) return null;
  const theirs = [...((match.query as Shape).segments ?? [])].sort();
  const ours = [...(query.segments ?? [])].sort();
  const note =
    canonical(theirs) === canonical(ours)
      ? null
      : `the model's record of this query uses segments [${theirs.join(', ')}], the tab sends [${ours.join(', ')}]`;
  return { reason: match.deliberatelyRaw, note };
}
