/**
 * What a widget's numbers mean, in the model's own words: the descriptions of the measures its
 * Cube queries ask for (definitions.generated.ts, generated from Cube's /meta). The tab writes
 * no definition of its own, so the text on screen is the text analysts read in the Playground.
 */

import { measureDefinitions } from './cube/definitions.generated';
import type { MeasureName } from './cube/members';
import type { TypedQuery } from './cube/query';

export interface MetricDefinition {
  readonly measure: string;
  readonly title: string;
  readonly description: string;
}

const DEFINITIONS: Readonly<Record<string, { title: string; description: string }>> =
  measureDefinitions;

/**
 * The definitions of `shown` (a figure the tab derives from the queried measures, e.g. a rate it
 * divides itself) and of every measure the queries ask for, once each, in that order.
 */
export function definitionsOf(
  queries: readonly { readonly query: TypedQuery }[],
  shown: readonly MeasureName[] = [],
): MetricDefinition[] {
  const seen = new Set<string>();
  const list: MetricDefinition[] = [];
  for (const measures of [shown, ...queries.map(({ query }) => query.measures ?? [])]) {
    for (const measure of measures) {
      if (seen.has(measure)) continue;
      seen.add(measure);
      const definition = DEFINITIONS[measure];
      if (definition) list.push({ measure, ...definition });
    }
  }
  return list;
}
