/**
 * Cell schemas for section rows. Cube sends numeric cells as numbers or numeric strings
 * (stock Cube 1.7 answers strings); both parse. Counts and sums read 0 when null (an empty
 * window), rates and averages stay null (nothing to divide by: the widget says "no data").
 */
import { z } from 'zod';
import type { LoadResponse, LoadResult } from '../../cube/response';
import { parseRows } from '../transform';

export { measureValue as count, stringValue as text } from '../../cube/response';

export const nullableNumber = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((v, ctx) => {
    if (v === null || v === undefined) return null;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n) || (typeof v === 'string' && v.trim() === '')) {
      ctx.addIssue({ code: 'custom', message: `not a number: ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  });

/** A dimension that may be null (e.g. a call without a tool): null stays null. */
export const nullableText = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined || String(v).trim() === '' ? null : String(v)));

export function result(responses: readonly LoadResponse[], index: number): LoadResult {
  const first = responses[index]?.results[0];
  if (!first) throw new Error(`Cube answered query ${index} without results`);
  return first;
}

/** The single row of a totals query; an empty answer is an all-null row. */
export function totalsRow<S extends Parameters<typeof parseRows>[0]>(
  spec: S,
  responses: readonly LoadResponse[],
  index: number,
  what: string,
) {
  const r = result(responses, index);
  const empty = Object.fromEntries(Object.values(spec).map(([key]) => [key, null]));
  const rows = parseRows(spec, r.data.length > 0 ? r : { ...r, data: [empty] }, what);
  const [row] = rows;
  if (!row) throw new Error(`no totals row for ${what}`);
  return row;
}

export { parseRows };
