/**
 * zod schemas for Cube's REST `/load` response (Cube 1.7: the gateway's
 * `prepareResultTransformData` result object, and the `queryType=multi` envelope that
 * `@cubejs-client/core` always requests). Runtime parsing is lenient about extra fields;
 * the `strict` variants are used by contract tests against recorded responses.
 */
import { z } from 'zod';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const annotationSchema = z
  .object({
    title: z.string(),
    shortTitle: z.string(),
    type: z.string(),
  })
  .loose();

/** Cube annotates segments with a title only: they have no type. */
const segmentAnnotationSchema = annotationSchema.extend({ type: z.string().optional() });

export const queryAnnotationSchema = z.object({
  measures: z.record(z.string(), annotationSchema),
  dimensions: z.record(z.string(), annotationSchema),
  segments: z.record(z.string(), segmentAnnotationSchema),
  timeDimensions: z.record(z.string(), annotationSchema),
});

const usedPreAggregationSchema = z
  .object({
    preAggregationId: z.string().optional(),
    lastUpdatedAt: z.number().optional(),
    type: z.string().optional(),
    targetTableName: z.string().optional(),
    refreshKeyValues: z.unknown().optional(),
  })
  .loose();

const resultShape = {
  query: z.record(z.string(), z.unknown()).describe('the normalized query Cube ran'),
  data: z.array(z.record(z.string(), scalar)).describe('rows keyed by member name'),
  lastRefreshTime: z
    .string()
    .optional()
    .describe('ISO instant of the oldest data the answer is built from'),
  annotation: queryAnnotationSchema,
  usedPreAggregations: z
    .record(z.string(), usedPreAggregationSchema)
    .optional()
    .describe('absent when no pre-aggregation was used'),
  refreshKeyValues: z.unknown().optional().describe('dev mode only'),
  transformedQuery: z.unknown().optional().describe('dev mode only'),
  requestId: z.string().optional().describe('dev mode only'),
  dataSource: z.string().optional(),
  dbType: z.string().optional(),
  extDbType: z.string().nullable().optional(),
  external: z.boolean().nullable().optional(),
  slowQuery: z.boolean().optional(),
  total: z.number().nullable().optional(),
};

export const loadResultSchema = z.object(resultShape).loose();
export const loadResultStrictSchema = z.object(resultShape).strict();
export type LoadResult = z.infer<typeof loadResultSchema>;

const queryTypeSchema = z.enum(['regularQuery', 'compareDateRangeQuery', 'blendingQuery']);

const multiShape = {
  queryType: queryTypeSchema,
  results: z.array(loadResultSchema).min(1),
  pivotQuery: z.record(z.string(), z.unknown()),
  slowQuery: z.boolean().optional(),
};

export const loadResponseSchema = z.object(multiShape).loose();
export const loadResponseStrictSchema = z
  .object({ ...multiShape, results: z.array(loadResultStrictSchema).min(1) })
  .strict();
export type LoadResponse = z.infer<typeof loadResponseSchema>;

/**
 * Accepts either shape Cube answers `/load` with — a single result (`queryType` not `multi`)
 * or the multi envelope — and returns the multi envelope.
 */
export function toMultiResponse(body: unknown): LoadResponse {
  if (typeof body === 'object' && body !== null && 'results' in body) {
    return loadResponseSchema.parse(body);
  }
  const single = loadResultSchema.parse(body);
  return {
    queryType: 'regularQuery',
    results: [single],
    pivotQuery: { ...single.query, queryType: 'regularQuery' },
    slowQuery: single.slowQuery ?? false,
  };
}

/**
 * A measure value: Cube passes the driver's types through, so bigint/numeric results arrive as
 * strings ("123", "0.953"), int/float ones as numbers, and Cube Store answers as strings; both
 * are accepted. null (no rows) is 0.
 */
export const measureValue = z.union([z.string(), z.number(), z.null()]).transform((v, ctx) => {
  if (v === null) return 0;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n) || (typeof v === 'string' && v.trim() === '')) {
    ctx.addIssue({ code: 'custom', message: `not a number: ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});

/** A string dimension value; numbers are stringified (ids may be numeric in other sources). */
export const stringValue = z.union([z.string(), z.number()]).transform(String);

/** Oldest `lastRefreshTime` of all results: the freshness of the whole answer. */
export function oldestRefreshTime(response: LoadResponse): string | null {
  const times = response.results
    .map((r) => r.lastRefreshTime)
    .filter((t): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t)));
  if (times.length === 0) return null;
  return times.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
}

/** Whether every result was answered from a pre-aggregation. */
export function servedFromPreAggregations(response: LoadResponse): boolean {
  return response.results.every((r) => Object.keys(r.usedPreAggregations ?? {}).length > 0);
}
