/**
 * Cube's REST `/load`, called the way `@cubejs-client/core` calls it from the tab
 * (`GET /load?query=…&queryType=multi`, `x-request-id: <id>-span-<n>`), with the result cache
 * either used (the tab's default) or bypassed (`cache=no-cache`: Cube runs the query against
 * the rollup again, see api-gateway `cacheMode` and query-orchestrator `QueryCache.forceNoCache`).
 * `{ "error": "Continue wait" }` answers are re-polled, as the client does.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { RESULT_CACHE_HEADER } from '../cube/hardening/result-fast-path';
import { loadBatchResponseSchema } from '../cube/load-batch-wire';
import { type LoadResponse, toMultiResponse } from '../web/lib/cube/response';

export type CacheMode = 'warm' | 'no-cache';

export type CubeLoad = {
  /** Wall time from the first request to the parsed answer, including re-polls (ms). */
  ms: number;
  /** How many `Continue wait` answers came before the data. */
  polls: number;
  response: LoadResponse;
};

export class CubeRequestFailed extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'CubeRequestFailed';
  }
}

export type CubeHttpOptions = {
  apiUrl: string;
  /** Returns a valid token (called before every request: cache it). */
  token: () => string;
  /** Give up on a query after this long (ms), Continue-wait polls included. */
  timeoutMs?: number;
  /**
   * Send through this keep-alive agent instead of fetch's shared pool: the load test gives each
   * simulated admin its own, capped like a browser's (6 connections per origin).
   */
  agent?: http.Agent;
};

type TextResponse = { status: number; ok: boolean; text: string; resultCache?: string };

function requestText(
  url: string,
  headers: Record<string, string>,
  agent: http.Agent,
  timeoutMs: number,
  body?: string,
) {
  return new Promise<TextResponse>((resolve, reject) => {
    const method = body === undefined ? 'GET' : 'POST';
    const request = http.request(url, { method, headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        const resultCache = response.headers[RESULT_CACHE_HEADER.toLowerCase()];
        resolve({
          status,
          ok: status >= 200 && status < 300,
          text: Buffer.concat(chunks).toString(),
          resultCache: typeof resultCache === 'string' ? resultCache : undefined,
        });
      });
      response.on('error', reject);
    });
    request.setTimeout(timeoutMs, () =>
      request.destroy(new Error(`no answer within ${timeoutMs} ms`)),
    );
    request.on('error', reject);
    request.end(body);
  });
}

export class CubeHttp {
  readonly apiUrl: string;
  readonly #token: () => string;
  readonly #timeoutMs: number;
  readonly #agent: http.Agent | undefined;

  constructor(options: CubeHttpOptions) {
    this.apiUrl = options.apiUrl;
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 600_000;
    this.#agent = options.agent;
  }

  async #send(url: string, headers: Record<string, string>, body?: string): Promise<TextResponse> {
    if (this.#agent) return requestText(url, headers, this.#agent, this.#timeoutMs, body);
    const response = await fetch(url, {
      headers,
      ...(body === undefined ? {} : { method: 'POST', body }),
    });
    return {
      status: response.status,
      ok: response.ok,
      text: await response.text(),
      resultCache: response.headers.get(RESULT_CACHE_HEADER) ?? undefined,
    };
  }

  /** Whether Cube's result fast path answered a warm `/load` of `query` (its response header). */
  async resultCacheOf(query: unknown): Promise<string> {
    const params = new URLSearchParams({ query: JSON.stringify(query), queryType: 'multi' });
    const response = await this.#send(`${this.apiUrl}/load?${params}`, {
      Authorization: this.#token(),
    });
    return response.resultCache ?? 'bypassed';
  }

  /**
   * Every query in one `POST /load-batch` (cube/hardening/load-batch.ts); entries answering
   * `Continue wait` are sent again (only those), as the web app's batching transport does.
   */
  async loadBatch(queries: readonly unknown[], cache: CacheMode = 'warm'): Promise<CubeLoad[]> {
    const started = performance.now();
    const deadline = started + this.#timeoutMs;
    const done: Array<CubeLoad | undefined> = queries.map(() => undefined);
    for (let polls = 0; ; polls++) {
      const pending = queries.flatMap((query, i) => (done[i] ? [] : [{ query, i }]));
      if (pending.length === 0) return done as CubeLoad[];
      if (performance.now() > deadline) {
        throw new CubeRequestFailed(`/load-batch kept waiting for ${this.#timeoutMs} ms`, 200);
      }
      const response = await this.#send(
        `${this.apiUrl}/load-batch`,
        { Authorization: this.#token(), 'Content-Type': 'application/json' },
        JSON.stringify({
          queries: pending.map(({ query }) => ({
            query,
            queryType: 'multi',
            ...(cache === 'no-cache' ? { cache: 'no-cache' } : {}),
          })),
        }),
      );
      if (!response.ok) {
        throw new CubeRequestFailed(
          `/load-batch: HTTP ${response.status}: ${response.text.slice(0, 300)}`,
          response.status,
        );
      }
      const { results } = loadBatchResponseSchema.parse(JSON.parse(response.text));
      pending.forEach(({ i }, n) => {
        const entry = results[n];
        if (!entry) throw new CubeRequestFailed('/load-batch: an answer is missing', 200);
        const error =
          typeof entry.body === 'object' && entry.body !== null && 'error' in entry.body
            ? String(entry.body.error)
            : null;
        if (error?.includes('Continue wait')) return;
        if (entry.status >= 300 || error !== null) {
          throw new CubeRequestFailed(
            `/load-batch entry ${i}: HTTP ${entry.status}: ${error}`,
            entry.status,
          );
        }
        done[i] = {
          ms: performance.now() - started,
          polls,
          response: toMultiResponse(entry.body),
        };
      });
    }
  }

  async load(query: unknown, cache: CacheMode): Promise<CubeLoad> {
    const params = new URLSearchParams({ query: JSON.stringify(query), queryType: 'multi' });
    if (cache === 'no-cache') params.set('cache', 'no-cache');
    const url = `${this.apiUrl}/load?${params}`;
    const requestId = randomUUID();
    const started = performance.now();
    const deadline = started + this.#timeoutMs;
    for (let span = 1; ; span++) {
      const response = await this.#send(url, {
        Authorization: this.#token(),
        'x-request-id': `${requestId}-span-${span}`,
      });
      const { text } = response;
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new CubeRequestFailed(
          `Cube answered HTTP ${response.status}: ${text.slice(0, 300)}`,
          response.status,
        );
      }
      const error =
        typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : null;
      if (error?.includes('Continue wait')) {
        if (performance.now() > deadline) {
          throw new CubeRequestFailed(
            `Cube kept answering "Continue wait" for ${this.#timeoutMs} ms`,
            200,
          );
        }
        continue;
      }
      if (!response.ok || error !== null) {
        throw new CubeRequestFailed(
          `Cube answered HTTP ${response.status}: ${error ?? text.slice(0, 300)}`,
          response.status,
        );
      }
      const parsed = toMultiResponse(body);
      return { ms: performance.now() - started, polls: span - 1, response: parsed };
    }
  }

  /**
   * The SQL Cube runs for a query (`/sql`; the first date range of a `compareDateRange` query),
   * as text and parameters.
   */
  async sql(query: unknown): Promise<{ text: string; values: unknown[] }> {
    const params = new URLSearchParams({ query: JSON.stringify(query) });
    const response = await fetch(`${this.apiUrl}/sql?${params}`, {
      headers: { Authorization: this.#token() },
    });
    const body: unknown = await response.json();
    if (!response.ok) throw new CubeRequestFailed(`/sql: HTTP ${response.status}`, response.status);
    const first = Array.isArray(body) ? body[0] : body;
    const sql = (first as { sql?: { sql?: [string, unknown[]] } } | undefined)?.sql?.sql;
    if (!sql) throw new CubeRequestFailed('/sql: no SQL in the answer', response.status);
    return { text: sql[0], values: sql[1] };
  }

  /** The cheapest authenticated-free round trip Cube serves (`/readyz`), for scale. */
  async ping(): Promise<number> {
    const base = new URL(this.apiUrl);
    const started = performance.now();
    const response = await fetch(`${base.origin}/readyz`);
    await response.text();
    return performance.now() - started;
  }
}

/** The pre-aggregations that answered a `/load` (one list per result of a multi query). */
export function usedPreAggregations(response: LoadResponse): string[] {
  const names = new Set<string>();
  for (const result of response.results) {
    for (const name of Object.keys(result.usedPreAggregations ?? {})) names.add(name);
  }
  return [...names].sort();
}

/** Whether every result of the answer was served from a pre-aggregation. */
export function servedFromRollups(response: LoadResponse): boolean {
  return response.results.every((r) => Object.keys(r.usedPreAggregations ?? {}).length > 0);
}
