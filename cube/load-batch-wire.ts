/**
 * The wire format of `POST /cubejs-api/v1/load-batch` (served by cube/hardening/load-batch.ts):
 * several independent `/load` requests in one HTTP request, each answered on its own exactly as
 * a single `GET /load` would answer it (status and body), in the order sent.
 *
 * Why: a tab state is six queries with different granularities, which Cube's own array `/load`
 * (data blending) refuses; as six requests they cost six HTTP round trips and six passes through
 * Cube's middleware (bench/results/history.md, "One request per tab state").
 *
 * Shared by the Cube server (request check), the web app's batching transport and the bench, so
 * there is one definition of both sides.
 */
import { z } from 'zod';

/** Queries in one batch; a larger body is refused whole (400). */
export const LOAD_BATCH_MAX_QUERIES = 16;

/** The endpoint, relative to Cube's API URL (`…/cubejs-api/v1`), like `load`. */
export const LOAD_BATCH_METHOD = 'load-batch';

/** One entry: the same fields a `/load` takes (`query` as an object or its JSON text). */
export const loadBatchEntrySchema = z
  .object({
    query: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown()), z.string()]),
    queryType: z
      .enum(['multi', 'regularQuery', 'blendingQuery', 'compareDateRangeQuery'])
      .optional(),
    cache: z
      .enum(['stale-if-slow', 'stale-while-revalidate', 'must-revalidate', 'no-cache'])
      .optional(),
  })
  .strict();

export const loadBatchRequestSchema = z
  .object({ queries: z.array(loadBatchEntrySchema).min(1).max(LOAD_BATCH_MAX_QUERIES) })
  .strict();

export type LoadBatchEntry = z.infer<typeof loadBatchEntrySchema>;

/**
 * One answer: the HTTP status and body the same query alone would have got from `/load`
 * (`{ "error": "Continue wait" }` included: send that entry again), and whether the result
 * fast path answered it (`hit`/`miss`, absent when it was bypassed).
 */
export const loadBatchResultSchema = z.object({
  status: z.number().int(),
  cache: z.enum(['hit', 'miss']).optional(),
  body: z.unknown(),
});

export const loadBatchResponseSchema = z.object({ results: z.array(loadBatchResultSchema) });
