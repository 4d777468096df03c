/**
 * The one Node client for Cube's REST API, used by the tests, the bench and the scripts (the
 * browser keeps `@cubejs-client/core` with its batching transport, web/lib/cube/).
 *
 * It speaks to Cube the way `@cubejs-client/core` does: `queryType=multi` (so `compareDateRange`
 * works), `x-request-id: <id>-span-<n>` per poll, and `{ "error": "Continue wait" }` answered by
 * asking again until the answer or the deadline. Responses are parsed with the web app's zod
 * schemas (web/lib/cube/response.ts, cube/load-batch-wire.ts), so both runtimes read one shape.
 *
 * It lives in `lib/` because tests, bench and scripts all import it; it imports only wire
 * definitions (schemas, query type), never server code, so nothing above it is pulled in. The
 * caller signs the token (cube/auth.ts) and passes it, or a function returning a fresh one.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { z } from 'zod';
import { LOAD_BATCH_METHOD, loadBatchResponseSchema } from '../cube/load-batch-wire';
import { CubeRequestError } from '../web/lib/cube/errors';
import type { TypedQuery } from '../web/lib/cube/query';
import { type LoadResponse, toMultiResponse } from '../web/lib/cube/response';

/** `warm`: Cube's result cache may answer (the tab's default); `no-cache`: Cube runs the query. */
export type CacheMode = 'warm' | 'no-cache';

type Scalar = string | number | boolean | null;
export type CubeRow = Record<string, Scalar>;

// ---------------------------------------------------------------- errors

// One hierarchy with the browser's client: every failure is a `CubeRequestError`; these say how.
export { CubeRequestError };

/** Cube answered with an error (a 4xx/5xx, or `{ error }` in the body). */
export class CubeAnswerError extends CubeRequestError {
  constructor(
    message: string,
    status: number,
    /** Cube's own message (`body.error`), or the start of the body when it was not JSON. */
    readonly cubeError: string,
  ) {
    super(message, status);
    this.name = 'CubeAnswerError';
  }
}

/** Cube kept answering "Continue wait" past the client's deadline. */
export class CubeStillWaitingError extends CubeRequestError {
  constructor(path: string, timeoutMs: number) {
    super(`${path}: Cube kept answering "Continue wait" for ${timeoutMs} ms`, 200);
    this.name = 'CubeStillWaitingError';
  }
}

// ---------------------------------------------------------------- answers

/** One HTTP answer after the "Continue wait" polls, whatever its status. */
export type CubeAnswer = {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: Headers;
  /** The body as sent (byte-for-byte comparisons). */
  readonly text: string;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  readonly body: unknown;
  /** How many "Continue wait" answers came first. */
  readonly polls: number;
  /** Wall time from the first request to this answer, polls included (ms). */
  readonly ms: number;
};

/** A successful `/load`, parsed. */
export type CubeLoad = {
  readonly response: LoadResponse;
  /** Rows of the first (or only) result. */
  readonly rows: CubeRow[];
  readonly headers: Headers;
  readonly text: string;
  readonly polls: number;
  readonly ms: number;
};

/** One entry of a `/load-batch` answer, once it is no longer "Continue wait". */
export type BatchEntry = {
  readonly status: number;
  /** Whether the result fast path answered it (`hit`/`miss`; absent when bypassed). */
  readonly cache?: string;
  readonly body: unknown;
  /** How many batches this entry answered "Continue wait" in first. */
  readonly polls: number;
  /** Wall time from the first batch to the one that answered this entry (ms). */
  readonly ms: number;
};

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
export type CubeMeta = z.infer<typeof metaSchema>;

const sqlSchema = z.object({
  sql: z.object({ sql: z.tuple([z.string(), z.array(z.unknown())]).rest(z.unknown()) }).loose(),
});

// ---------------------------------------------------------------- the client

export type CubeClientOptions = {
  /** Cube's API URL, `…/cubejs-api/v1`. */
  readonly apiUrl: string;
  /** A token, or a function returning a valid one (called before every request: cache it). */
  readonly token: string | (() => string);
  /** Give up on a request after this long (ms), "Continue wait" polls included. */
  readonly timeoutMs?: number;
  /**
   * Send through this keep-alive agent instead of fetch's shared pool: the load test gives each
   * simulated admin its own, capped like a browser's (6 connections per origin).
   */
  readonly agent?: http.Agent;
};

/** Per-request choices; `token: null` sends no Authorization header. */
export type RequestOptions = {
  readonly token?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
};

export type LoadOptions = RequestOptions & {
  readonly cache?: CacheMode;
  /** `POST` sends the query in a JSON body, as Cube also accepts. Default `GET`. */
  readonly method?: 'GET' | 'POST';
};

type Sent = { status: number; headers: Headers; text: string };

function errorOf(body: unknown): string | null {
  return typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function nodeRequest(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  agent: http.Agent,
  timeoutMs: number,
): Promise<Sent> {
  return new Promise<Sent>((resolve, reject) => {
    const request = http.request(
      url,
      { method: init.method, headers: init.headers, agent },
      (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (chunk: Buffer) => chunks.push(chunk));
        r.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(r.headers)) {
            if (typeof value === 'string') headers.set(name, value);
            else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
          }
          resolve({ status: r.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString() });
        });
        r.on('error', reject);
      },
    );
    request.setTimeout(timeoutMs, () =>
      request.destroy(new Error(`no answer within ${timeoutMs} ms`)),
    );
    request.on('error', reject);
    request.end(init.body);
  });
}

export class CubeClient {
  readonly apiUrl: string;
  readonly #token: () => string;
  readonly #timeoutMs: number;
  readonly #agent: http.Agent | undefined;

  constructor(options: CubeClientOptions) {
    this.apiUrl = options.apiUrl;
    const { token } = options;
    this.#token = typeof token === 'string' ? () => token : token;
    this.#timeoutMs = options.timeoutMs ?? 600_000;
    this.#agent = options.agent;
  }

  async #send(
    path: string,
    { method, body, token, headers }: RequestOptions & { method: string; body?: string },
    deadline: number,
  ): Promise<Sent> {
    const all: Record<string, string> = { ...headers };
    const auth = token === undefined ? this.#token() : token;
    if (auth !== null) all.Authorization = auth;
    if (body !== undefined) all['Content-Type'] = 'application/json';
    const url = `${this.apiUrl}/${path}`;
    const timeoutMs = Math.max(1, Math.ceil(deadline - performance.now()));
    if (this.#agent) {
      return nodeRequest(url, { method, headers: all, body }, this.#agent, timeoutMs);
    }
    const signal = AbortSignal.timeout(timeoutMs);
    const response = await fetch(url, { method, headers: all, body, signal });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  /**
   * One request, asked again while Cube answers "Continue wait"; any other answer is returned
   * as it came, error statuses included (for tests that check them).
   */
  async request(
    path: string,
    options: RequestOptions & {
      method?: 'GET' | 'POST';
      body?: unknown;
      /** Give up at this `performance.now()` instead of the client's timeout from now. */
      deadline?: number;
    } = {},
  ): Promise<CubeAnswer> {
    const { method = 'GET', body, headers, ...rest } = options;
    const requestId = randomUUID();
    const started = performance.now();
    const deadline = options.deadline ?? started + this.#timeoutMs;
    for (let span = 1; ; span++) {
      const sent = await this.#send(
        path,
        {
          token: rest.token,
          method,
          headers: { 'x-request-id': `${requestId}-span-${span}`, ...headers },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        },
        deadline,
      );
      const parsed = parseJson(sent.text);
      if (errorOf(parsed)?.includes('Continue wait')) {
        if (performance.now() > deadline) throw new CubeStillWaitingError(path, this.#timeoutMs);
        continue;
      }
      return {
        ...sent,
        ok: sent.status >= 200 && sent.status < 300,
        body: parsed,
        polls: span - 1,
        ms: performance.now() - started,
      };
    }
  }

  /** The answer's body, or a `CubeAnswerError` when it is an error. */
  async #json(path: string, answer: CubeAnswer): Promise<unknown> {
    const error = answer.body === undefined ? answer.text.slice(0, 300) : errorOf(answer.body);
    if (!answer.ok || error !== null) {
      const message = error ?? answer.text.slice(0, 300);
      throw new CubeAnswerError(
        `${path}: HTTP ${answer.status}: ${message}`,
        answer.status,
        message,
      );
    }
    return answer.body;
  }

  /** The raw `/load` answer of `query` (any status), for tests that check errors and bytes. */
  loadAnswer(query: TypedQuery, options: LoadOptions = {}): Promise<CubeAnswer> {
    const { cache = 'warm', method = 'GET', ...rest } = options;
    const fields = { queryType: 'multi', ...(cache === 'no-cache' ? { cache: 'no-cache' } : {}) };
    if (method === 'POST') {
      return this.request('load', { ...rest, method, body: { query, ...fields } });
    }
    const params = new URLSearchParams({ query: JSON.stringify(query), ...fields });
    return this.request(`load?${params}`, rest);
  }

  /** `/load` of `query`, parsed; throws a `CubeRequestError` unless Cube answered with data. */
  async load(query: TypedQuery, options: LoadOptions = {}): Promise<CubeLoad> {
    const started = performance.now();
    const answer = await this.loadAnswer(query, options);
    const response = toMultiResponse(await this.#json('load', answer));
    // Parsing included, as the tab pays it too (the bench's figures count it).
    const ms = performance.now() - started;
    const { headers, text, polls } = answer;
    return { response, rows: response.results[0]?.data ?? [], headers, text, polls, ms };
  }

  /**
   * Every query in one `POST /load-batch` (cube/hardening/load-batch.ts); entries answering
   * "Continue wait" are sent again (only those), as the web app's batching transport does.
   * Entries come back as they are, error statuses included.
   */
  async loadBatchEntries(
    queries: readonly TypedQuery[],
    options: RequestOptions & { cache?: CacheMode } = {},
  ): Promise<BatchEntry[]> {
    const { cache = 'warm', ...rest } = options;
    const started = performance.now();
    const deadline = started + this.#timeoutMs;
    const done: Array<BatchEntry | undefined> = queries.map(() => undefined);
    for (let polls = 0; ; polls++) {
      const pending = queries.flatMap((query, i) => (done[i] ? [] : [{ query, i }]));
      if (pending.length === 0) return done as BatchEntry[];
      if (performance.now() > deadline) {
        throw new CubeStillWaitingError(LOAD_BATCH_METHOD, this.#timeoutMs);
      }
      const answer = await this.request(LOAD_BATCH_METHOD, {
        ...rest,
        deadline,
        method: 'POST',
        body: {
          queries: pending.map(({ query }) => ({
            query,
            queryType: 'multi',
            ...(cache === 'no-cache' ? { cache: 'no-cache' } : {}),
          })),
        },
      });
      const { results } = loadBatchResponseSchema.parse(
        await this.#json(LOAD_BATCH_METHOD, answer),
      );
      if (results.length !== pending.length) {
        throw new CubeRequestError(
          `${LOAD_BATCH_METHOD}: ${results.length} answers to ${pending.length} queries`,
          answer.status,
        );
      }
      pending.forEach(({ i }, n) => {
        const entry = results[n];
        if (entry && !errorOf(entry.body)?.includes('Continue wait')) {
          done[i] = { ...entry, polls, ms: performance.now() - started };
        }
      });
    }
  }

  /** Every query in one `POST /load-batch`, parsed; throws if any entry is an error. */
  async loadBatch(
    queries: readonly TypedQuery[],
    options: RequestOptions & { cache?: CacheMode } = {},
  ): Promise<Array<{ response: LoadResponse; cache?: string; polls: number; ms: number }>> {
    const entries = await this.loadBatchEntries(queries, options);
    return entries.map((entry, i) => {
      const error = errorOf(entry.body);
      if (entry.status >= 300 || error !== null) {
        throw new CubeAnswerError(
          `${LOAD_BATCH_METHOD} entry ${i}: HTTP ${entry.status}: ${error}`,
          entry.status,
          error ?? '',
        );
      }
      const { cache, polls, ms } = entry;
      return { response: toMultiResponse(entry.body), cache, polls, ms };
    });
  }

  /** `/meta`: the cubes and views this token may see. */
  async meta(options: RequestOptions = {}): Promise<CubeMeta> {
    return metaSchema.parse(await this.#json('meta', await this.request('meta', options)));
  }

  /** The SQL Cube runs for `query` (`/sql`; the first date range of a `compareDateRange`). */
  async sql(query: TypedQuery): Promise<{ text: string; values: unknown[] }> {
    const params = new URLSearchParams({ query: JSON.stringify(query) });
    const body = await this.#json('sql', await this.request(`sql?${params}`));
    const { sql } = sqlSchema.parse(Array.isArray(body) ? body[0] : body);
    return { text: sql.sql[0], values: sql.sql[1] };
  }

  /** The cheapest unauthenticated round trip Cube serves (`/readyz`), for scale (ms). */
  async ping(): Promise<number> {
    const started = performance.now();
    const response = await fetch(`${new URL(this.apiUrl).origin}/readyz`);
    await response.text();
    return performance.now() - started;
  }
}

/** The pre-aggregations that answered a `/load`, over every result of a multi query. */
export function usedPreAggregations(response: LoadResponse): string[] {
  const names = new Set<string>();
  for (const result of response.results) {
    for (const name of Object.keys(result.usedPreAggregations ?? {})) names.add(name);
  }
  return [...names].sort();
}

/** A measure's value as a number: Cube sends numerics as strings; null stays null. */
export function num(row: CubeRow | undefined, member: string): number | null {
  const value = row?.[member];
  if (value === null || value === undefined) return null;
  const n = Number(value);
  if (Number.isNaN(n)) throw new Error(`${member} is not numeric: ${JSON.stringify(value)}`);
  return n;
}

/**
 * A query the compiler cannot check against the tab's members: another model's cubes (the
 * driver conformance tests), fields the tab never sends (`ungrouped`, in the SQL API
 * comparison), members built at run time (MCP translations) or deliberately wrong ones. Cube
 * checks it, and answers 400 when it is wrong.
 */
export function uncheckedQuery(query: object): TypedQuery {
  return query as TypedQuery;
}
