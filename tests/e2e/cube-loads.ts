/**
 * Every Cube `/load` answer the browser receives, read off the wire (`response` events of a
 * browser context), and which query of `web/lib/analytics/registry.ts` each one is. Queries the
 * client sent together in one `/load-batch` (web/lib/cube/batch-transport.ts) count one by one.
 */
import type { BrowserContext, Response } from 'playwright-core';
import {
  LOAD_BATCH_METHOD,
  loadBatchRequestSchema,
  loadBatchResponseSchema,
} from '../../cube/load-batch-wire';
import { type TabQuery, tabQueries } from '../../web/lib/analytics/registry';

export type CubeLoad = {
  /** The query as the browser sent it. */
  query: Record<string, unknown>;
  status: number;
  queryType: string | null;
  /** `usedPreAggregations` of each result (compareDateRange answers have two results). */
  preAggregations: string[][];
  error: string | null;
};

/** Recursively key-sorted JSON: equal queries give equal strings whatever their key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/;

/** The query with every timestamp blanked: the same widget at another `now` has the same shape. */
export function shape(query: unknown): string {
  return canonical(
    JSON.parse(JSON.stringify(query), (_key, v) =>
      typeof v === 'string' && TIMESTAMP.test(v) ? '<t>' : v,
    ),
  );
}

function sentQuery(response: Response): Record<string, unknown> | null {
  const request = response.request();
  const raw =
    request.method() === 'GET'
      ? new URL(request.url()).searchParams.get('query')
      : ((request.postDataJSON() as { query?: unknown } | null)?.query ?? null);
  if (raw === null) return null;
  return (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown>;
}

type LoadBody = {
  error?: string;
  queryType?: string;
  results?: { usedPreAggregations?: Record<string, unknown> }[];
  usedPreAggregations?: Record<string, unknown>;
};

function loadOf(query: Record<string, unknown>, status: number, body: LoadBody): CubeLoad | null {
  // "Continue wait": Cube is still working; the client asks again and that answer counts.
  if (body.error === 'Continue wait') return null;
  const results = body.results ?? [body];
  return {
    query,
    status,
    queryType: body.queryType ?? null,
    preAggregations: results.map((r) => Object.keys(r.usedPreAggregations ?? {})),
    error: body.error ?? null,
  };
}

/** Each entry of a `/load-batch` answer, as if its query had been a `/load` of its own. */
async function recordBatch(response: Response, loads: CubeLoad[]): Promise<void> {
  const sent = loadBatchRequestSchema.safeParse(response.request().postDataJSON());
  const answer = loadBatchResponseSchema.safeParse(await response.json().catch(() => null));
  if (!sent.success) return;
  sent.data.queries.forEach((entry, i) => {
    const query = (
      typeof entry.query === 'string' ? JSON.parse(entry.query) : entry.query
    ) as Record<string, unknown>;
    const result = answer.success ? answer.data.results[i] : undefined;
    const load = result
      ? loadOf(query, result.status, (result.body ?? {}) as LoadBody)
      : loadOf(query, response.status(), { error: 'no answer in the /load-batch response' });
    if (load) loads.push(load);
  });
}

/** Starts recording the `/load` answers of a context; `settle()` waits for pending bodies. */
export function recordCubeLoads(context: BrowserContext) {
  const loads: CubeLoad[] = [];
  const pending: Promise<void>[] = [];
  context.on('response', (response) => {
    if (new URL(response.url()).pathname.endsWith(`/cubejs-api/v1/${LOAD_BATCH_METHOD}`)) {
      pending.push(recordBatch(response, loads));
      return;
    }
    if (!new URL(response.url()).pathname.endsWith('/cubejs-api/v1/load')) return;
    const method = response.request().method();
    if (method !== 'GET' && method !== 'POST') return;
    pending.push(
      (async () => {
        const query = sentQuery(response);
        if (query === null) return;
        const body = (await response.json().catch(() => ({ error: 'no JSON body' }))) as LoadBody;
        const load = loadOf(query, response.status(), body);
        if (load) loads.push(load);
      })(),
    );
  });
  return {
    loads,
    async settle(): Promise<CubeLoad[]> {
      await Promise.all(pending);
      return loads;
    },
  };
}

/** The tab's queries (Phase 1 and the sections), by shape (the same for every `now`). */
export function tabShapes(now: number): Map<string, TabQuery> {
  const byShape = new Map<string, TabQuery>();
  for (const q of tabQueries(now)) {
    const key = shape(q.query);
    const seen = byShape.get(key);
    if (seen && Boolean(seen.deliberatelyRaw) !== Boolean(q.deliberatelyRaw)) {
      throw new Error(`${seen.name} and ${q.name} have one shape but differ in deliberatelyRaw`);
    }
    if (!seen) byShape.set(key, q);
  }
  return byShape;
}

/** The tab-queries entry that equals the sent query exactly (date ranges included) at `now`. */
export function exactTabQuery(query: Record<string, unknown>, now: number): TabQuery | undefined {
  const wanted = canonical(query);
  return tabQueries(now).find((t) => canonical(t.query) === wanted);
}
