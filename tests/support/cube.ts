/**
 * A tiny typed Cube REST client for the test suites: signs a short-lived admin token with the
 * engine's own `signCubeToken`, GETs `/load` (always `queryType=multi`, so `compareDateRange`
 * works too) and `/meta`, waits out Cube's "Continue wait" while a rollup builds, and parses the
 * answers with zod. The raw results stay available (e.g. `usedPreAggregations`).
 */
import { inject } from 'vitest';
import { z } from 'zod';
import { signCubeToken } from '../../cube/auth';

// ---------------------------------------------------------------- queries (Cube's REST shape)
export type Granularity = 'hour' | 'day' | 'week' | 'month';
export type DateRange = readonly [start: string, end: string];

export interface CubeTimeDimension {
  readonly dimension: string;
  readonly granularity?: Granularity;
  readonly dateRange?: DateRange;
  readonly compareDateRange?: readonly DateRange[];
}

export type CubeFilter =
  | { readonly member: string; readonly operator: 'set' | 'notSet' }
  | {
      readonly member: string;
      readonly operator: 'equals' | 'notEquals' | 'gt' | 'gte' | 'lt' | 'lte';
      readonly values: readonly string[];
    };

export interface CubeQuery {
  readonly measures?: readonly string[];
  readonly dimensions?: readonly string[];
  readonly timeDimensions?: readonly CubeTimeDimension[];
  readonly filters?: readonly CubeFilter[];
  readonly segments?: readonly string[];
  readonly order?: readonly (readonly [string, 'asc' | 'desc'])[];
  readonly limit?: number;
  readonly timezone: string;
}

// ---------------------------------------------------------------- responses
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type CubeValue = z.infer<typeof scalar>;
export type CubeRow = Record<string, CubeValue>;

const loadResultSchema = z
  .object({
    data: z.array(z.record(z.string(), scalar)),
    annotation: z
      .object({
        measures: z.record(z.string(), z.unknown()),
        dimensions: z.record(z.string(), z.unknown()),
        timeDimensions: z.record(z.string(), z.unknown()),
      })
      .loose(),
    usedPreAggregations: z.record(z.string(), z.unknown()).optional(),
    query: z.record(z.string(), z.unknown()),
  })
  .loose();
export type LoadResult = z.infer<typeof loadResultSchema>;

const multiResponseSchema = z.object({ results: z.array(loadResultSchema) }).loose();

const memberSchema = z
  .object({
    name: z.string(),
    type: z.string(),
    title: z.string().optional(),
    description: z.string().optional(),
    format: z.unknown().optional(),
  })
  .loose();

const metaSchema = z.object({
  cubes: z.array(
    z
      .object({
        name: z.string(),
        type: z.enum(['cube', 'view']).optional(),
        public: z.boolean().optional(),
        measures: z.array(memberSchema),
        dimensions: z.array(memberSchema),
        segments: z.array(z.object({ name: z.string(), title: z.string().optional() }).loose()),
      })
      .loose(),
  ),
});
export type Meta = z.infer<typeof metaSchema>;

/** A failed Cube request, with Cube's own message. */
export class CubeRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'CubeRequestError';
  }
}

export interface LoadAnswer {
  /** Rows of the first (or only) result. */
  readonly rows: CubeRow[];
  /** Every result: one per `compareDateRange` window, else one. */
  readonly results: LoadResult[];
  /** Rollup tables that answered the first result (empty when it ran on the source tables). */
  readonly usedPreAggregations: string[];
  /** Wall time of the successful request, ms. */
  readonly ms: number;
}

export interface CubeClient {
  load(query: CubeQuery): Promise<LoadAnswer>;
  meta(): Promise<Meta>;
}

export interface CubeClientOptions {
  readonly apiUrl: string;
  readonly apiSecret: string;
  /** How long to wait for rollups Cube is still building ("Continue wait"), ms. */
  readonly continueWaitMs?: number;
}

export function cubeClient(options: CubeClientOptions): CubeClient {
  const token = signCubeToken(options.apiSecret, { sub: 'model-tests', role: 'admin' });
  const deadlineMs = options.continueWaitMs ?? 240_000;

  async function get(path: string, params: Record<string, string>): Promise<unknown> {
    const url = new URL(`${options.apiUrl}/${path}`);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    const until = Date.now() + deadlineMs;
    for (;;) {
      const response = await fetch(url, { headers: { Authorization: token } });
      const body = (await response.json()) as { error?: unknown };
      if (body.error === 'Continue wait') {
        if (Date.now() > until)
          throw new CubeRequestError(`Still waiting after ${deadlineMs} ms`, 0);
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      if (!response.ok || body.error !== undefined) {
        throw new CubeRequestError(String(body.error ?? response.statusText), response.status);
      }
      return body;
    }
  }

  return {
    async load(query) {
      const started = performance.now();
      const body = await get('load', { query: JSON.stringify(query), queryType: 'multi' });
      const ms = performance.now() - started;
      const { results } = multiResponseSchema.parse(body);
      const first = results[0];
      if (!first) throw new CubeRequestError('Cube answered no result', 200);
      return {
        rows: first.data,
        results,
        usedPreAggregations: Object.keys(first.usedPreAggregations ?? {}),
        ms,
      };
    },
    async meta() {
      return metaSchema.parse(await get('meta', {}));
    },
  };
}

/** A measure's value as a number: Cube sends numerics as strings; null stays null. */
export function num(row: CubeRow | undefined, member: string): number | null {
  const value = row?.[member];
  if (value === null || value === undefined) return null;
  const n = Number(value);
  if (Number.isNaN(n)) throw new Error(`${member} is not numeric: ${JSON.stringify(value)}`);
  return n;
}

const providedCubeSchema = z
  .object({ apiUrl: z.string().url(), apiSecret: z.string().min(16) })
  .loose();

/** The client for the Cube the vitest global setup started (`inject('cube')`). */
export function cubeFromTestStack(): CubeClient {
  // Read by name and validated here, so this file compiles whatever else the setup provides.
  const provided = (inject as unknown as (key: string) => unknown)('cube');
  const parsed = providedCubeSchema.safeParse(provided);
  if (!parsed.success) {
    throw new Error(
      "The test stack provides no Cube: tests/setup/global-stack.ts must provide('cube', { apiUrl, apiSecret }).",
    );
  }
  return cubeClient(parsed.data);
}
