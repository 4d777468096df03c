/**
 * A transport for `@cubejs-client/core` that sends the `/load`s issued together (in one task:
 * a tab state's six widgets mounting, the server's prefetch) as one `POST /load-batch`
 * (wire format: cube/load-batch-wire.ts), and everything else through Cube's own HttpTransport.
 *
 * Why: measured warm (bench/results/history.md, "One request per tab state"), six concurrent
 * `/load`s cost six round trips and six passes through Cube's middleware; one batch costs one.
 *
 * Each query still gets the response its own `/load` would have got (status and body), so the
 * client's handling is unchanged: `Continue wait` re-polls (only that query, batched again with
 * whatever else is pending), 401/403 make the loader refresh its token, errors stay per query.
 * A lone query goes out as a plain `GET /load`. A Cube without the endpoint (404) turns
 * batching off for this transport and every query is sent on its own.
 *
 * Why not `dataloader`: its cache must be off here, and each entry carries its own abort signal
 * and authorization, re-polls and a per-entry status; what is left of it is the tick queue below.
 */
import { HttpTransport, type ITransport, type ITransportResponse } from '@cubejs-client/core';
import {
  LOAD_BATCH_MAX_QUERIES,
  LOAD_BATCH_METHOD,
  type LoadBatchEntry,
  loadBatchEntrySchema,
  loadBatchResponseSchema,
} from '../../../cube/load-batch-wire';

type ErrorResponse = { error: string };
type Pending = {
  entry: LoadBatchEntry;
  authorization: string;
  signal: AbortSignal | undefined;
  resolve(response: Response | ErrorResponse): void;
};

export type BatchingTransportOptions = {
  apiUrl: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
};

const jsonResponse = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

/** What the stock transport hands the client when its query's signal aborted the fetch. */
const abortedAnswer = (signal?: AbortSignal): ErrorResponse => {
  const reason: unknown = signal?.reason;
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  return { error: timedOut ? 'timeout' : 'aborted' };
};

/** What the stock transport hands the client when fetch itself fails. */
const failure = (error: unknown, signal?: AbortSignal): ErrorResponse =>
  error instanceof Error && error.name === 'AbortError'
    ? abortedAnswer(signal)
    : { error: 'network Error' };

export class BatchingTransport implements ITransport<Response | ErrorResponse> {
  authorization = '';
  readonly #apiUrl: string;
  readonly #fetch: typeof fetch;
  #queue: Pending[] = [];
  #scheduled = false;
  /** Off once Cube answered 404 for the endpoint (a Cube without it). */
  #batching = true;

  constructor(options: BatchingTransportOptions) {
    this.#apiUrl = options.apiUrl;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  request(
    method: string,
    params: Record<string, unknown>,
  ): ITransportResponse<Response | ErrorResponse> {
    const entry = method === 'load' ? loadBatchEntrySchema.safeParse(pickEntry(params)) : null;
    if (!entry?.success || !this.#batching) {
      return this.#stock(this.authorization).request(method, params);
    }
    const signal = params.signal instanceof AbortSignal ? params.signal : undefined;
    const subscribe: ITransportResponse<Response | ErrorResponse>['subscribe'] = async (
      callback,
    ) => {
      const response = await this.#enqueue(entry.data, signal);
      return callback(response, () => subscribe(callback));
    };
    return { subscribe };
  }

  /** Cube's own transport, with the authorization of the moment the query was issued. */
  #stock(authorization: string): ITransport<Response | ErrorResponse> {
    return new HttpTransport({ apiUrl: this.#apiUrl, authorization }) as ITransport<
      Response | ErrorResponse
    >;
  }

  #enqueue(entry: LoadBatchEntry, signal: AbortSignal | undefined) {
    return new Promise<Response | ErrorResponse>((resolve) => {
      this.#queue.push({ entry, authorization: this.authorization, signal, resolve });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // After the current task: every widget of a render has issued its query by then.
        setTimeout(() => this.#flush(), 0);
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const queue = this.#queue.filter((p) => {
      if (!p.signal?.aborted) return true;
      p.resolve({ error: 'aborted' });
      return false;
    });
    this.#queue = [];
    const byAuthorization = new Map<string, Pending[]>();
    for (const p of queue) {
      const group = byAuthorization.get(p.authorization);
      if (group) group.push(p);
      else byAuthorization.set(p.authorization, [p]);
    }
    for (const group of byAuthorization.values()) {
      for (let i = 0; i < group.length; i += LOAD_BATCH_MAX_QUERIES) {
        void this.#send(group.slice(i, i + LOAD_BATCH_MAX_QUERIES));
      }
    }
  }

  async #send(group: Pending[]): Promise<void> {
    const [only] = group;
    if (group.length === 1 && only) {
      const single = this.#stock(only.authorization).request('load', {
        ...only.entry,
        signal: only.signal,
      });
      await single.subscribe(async (response) => only.resolve(response));
      return;
    }
    // An entry aborted while its batch is out answers at once, as its own fetch would; the
    // batch request itself is aborted once nobody waits for any of its answers.
    const request = new AbortController();
    let waiting = group.length;
    const stopListening = group.map((p) => {
      const onAbort = () => {
        p.resolve(abortedAnswer(p.signal));
        waiting--;
        if (waiting === 0) request.abort(p.signal?.reason);
      };
      p.signal?.addEventListener('abort', onAbort, { once: true });
      return () => p.signal?.removeEventListener('abort', onAbort);
    });
    try {
      await this.#answer(group, request.signal);
    } finally {
      for (const stop of stopListening) stop();
    }
  }

  /** Sends `group` as one `/load-batch` and resolves each entry (a settled one stays as it is). */
  async #answer(group: Pending[], signal: AbortSignal): Promise<void> {
    let response: Response;
    try {
      response = await this.#fetch(`${this.#apiUrl}/${LOAD_BATCH_METHOD}`, {
        method: 'POST',
        headers: {
          Authorization: group[0]?.authorization ?? '',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ queries: group.map((p) => p.entry) }),
        signal,
      });
    } catch (error) {
      for (const p of group) p.resolve(failure(error, p.signal));
      return;
    }
    if (response.status === 404) {
      this.#batching = false;
      for (const p of group) void this.#send([p]);
      return;
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      // Refused as a whole (auth, body): each query gets that answer, as its own /load would.
      for (const p of group) p.resolve(new Response(text, { status: response.status }));
      return;
    }
    let parsed: ReturnType<typeof loadBatchResponseSchema.safeParse>;
    try {
      parsed = loadBatchResponseSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = loadBatchResponseSchema.safeParse(null);
    }
    group.forEach((p, i) => {
      const result = parsed.success ? parsed.data.results[i] : undefined;
      p.resolve(
        result
          ? jsonResponse(result.status, result.body)
          : jsonResponse(500, { error: '/load-batch answered without this query' }),
      );
    });
  }
}

/** The `/load` fields of the client's request parameters (the rest are transport options). */
function pickEntry(params: Record<string, unknown>): Record<string, unknown> {
  const entry: Record<string, unknown> = { query: params.query };
  if (params.queryType !== undefined) entry.queryType = params.queryType;
  if (params.cache !== undefined) entry.cache = params.cache;
  return entry;
}
