/**
 * The browser's Cube client: `@cubejs-client/core` with a short-lived token from the web
 * app's `/api/cube-token` route. The token is fetched lazily, shared by concurrent requests,
 * refreshed shortly before it expires and once more (with one retry) when Cube answers 401/403.
 * Queries issued together go to Cube as one `/load-batch` request (batch-transport.ts).
 */
import cube, { type CubeApi, type ITransport, RequestError } from '@cubejs-client/core';
import { BatchingTransport } from './batch-transport';
import { CubeRequestError } from './errors';
import type { TypedQuery } from './query';
import { type LoadResponse, toMultiResponse } from './response';
import { CUBE_TOKEN_ENDPOINT, type CubeTokenResponse, cubeTokenResponseSchema } from './token';

export interface LoadOptions {
  readonly signal?: AbortSignal;
}

/** The SQL Cube generates for a query (`/sql`): the statement and its bound parameters. */
export interface CubeSql {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** What hooks need from Cube: run a typed query and get the raw `/load` answer back. */
export interface CubeLoader {
  load(query: TypedQuery, options?: LoadOptions): Promise<LoadResponse>;
  /** Cube's SQL for a regular query (no `compareDateRange`: split it per range first). */
  sql(query: TypedQuery, options?: LoadOptions): Promise<CubeSql>;
}

export { CubeRequestError };

export interface CubeLoaderOptions {
  fetchToken: () => Promise<unknown>;
  /** Refresh the token this long before it expires (default 60 s). */
  refreshMarginMs?: number;
  now?: () => number;
  /** Replaces HTTP (tests feed recorded `/load` responses through this). */
  transport?: (apiUrl: string) => ITransport<unknown>;
  /** Send queries issued together as one `/load-batch` (default true; ignored with `transport`). */
  batch?: boolean;
}

interface ActiveToken {
  readonly token: string;
  readonly apiUrl: string;
  readonly expiresAtMs: number;
}

export function createCubeLoader(options: CubeLoaderOptions): CubeLoader {
  const margin = options.refreshMarginMs ?? 60_000;
  const now = options.now ?? Date.now;
  let active: ActiveToken | null = null;
  let pending: Promise<ActiveToken> | null = null;
  let api: { apiUrl: string; client: CubeApi } | null = null;

  const fresh = (t: ActiveToken | null): t is ActiveToken =>
    t !== null && t.expiresAtMs - margin > now();

  function currentToken(forceRefresh: boolean): Promise<ActiveToken> {
    if (!forceRefresh && fresh(active)) return Promise.resolve(active);
    if (forceRefresh) active = null;
    if (!pending) {
      pending = options
        .fetchToken()
        .then((body) => {
          const parsed: CubeTokenResponse = cubeTokenResponseSchema.parse(body);
          active = {
            token: parsed.token,
            apiUrl: parsed.apiUrl,
            expiresAtMs: Date.parse(parsed.expiresAt),
          };
          return active;
        })
        .finally(() => {
          pending = null;
        });
    }
    return pending;
  }

  function clientFor(apiUrl: string): CubeApi {
    if (api?.apiUrl !== apiUrl) {
      const transport =
        options.transport?.(apiUrl) ??
        (options.batch === false ? undefined : new BatchingTransport({ apiUrl }));
      api = {
        apiUrl,
        client: cube(async () => (await currentToken(false)).token, {
          apiUrl,
          ...(transport ? { transport } : {}),
        }),
      };
    }
    return api.client;
  }

  /** Runs `call` with a token; on Cube's 401/403 fetches a new token and tries once more. */
  async function withClient<R>(call: (client: CubeApi) => Promise<R>): Promise<R> {
    for (let attempt = 0; ; attempt++) {
      const { apiUrl } = await currentToken(attempt > 0);
      try {
        return await call(clientFor(apiUrl));
      } catch (error) {
        const authFailure =
          error instanceof RequestError && (error.status === 401 || error.status === 403);
        if (authFailure && attempt === 0) continue;
        throw toCubeRequestError(error);
      }
    }
  }

  return {
    load: (query, loadOptions = {}) => withClient((client) => loadWith(client, query, loadOptions)),
    sql: (query, loadOptions = {}) => withClient((client) => sqlWith(client, query, loadOptions)),
  };
}

const signalOf = (o: LoadOptions) => (o.signal ? { signal: o.signal } : {});

/**
 * The part of a `cubeApi` the loader uses, structurally: a host's CubeProvider may hold a client
 * from another @cubejs-client/core version (the react package pins its own).
 */
export interface CubeApiLike {
  load(
    query: TypedQuery,
    options: { signal?: AbortSignal },
  ): Promise<{ serialize(): { loadResponse: unknown } }>;
  sql(
    query: TypedQuery,
    options: { signal?: AbortSignal },
  ): Promise<{ rawQuery(): { sql: [string, unknown[], ...unknown[]] } }>;
}

async function loadWith(client: CubeApiLike, query: TypedQuery, options: LoadOptions) {
  const resultSet = await client.load(query, signalOf(options));
  return toMultiResponse(resultSet.serialize().loadResponse);
}

async function sqlWith(
  client: CubeApiLike,
  query: TypedQuery,
  options: LoadOptions,
): Promise<CubeSql> {
  const [sql, params] = (await client.sql(query, signalOf(options))).rawQuery().sql;
  return { sql, params };
}

/**
 * A loader over a host's own `cubeApi` (from `@cubejs-client/react`'s CubeProvider): the host's
 * client owns its token; failures become CubeRequestError like everywhere else.
 */
export function cubeApiLoader(client: CubeApiLike): CubeLoader {
  const guarded = async <R>(call: () => Promise<R>): Promise<R> => {
    try {
      return await call();
    } catch (error) {
      throw toCubeRequestError(error);
    }
  };
  return {
    load: (query, options = {}) => guarded(() => loadWith(client, query, options)),
    sql: (query, options = {}) => guarded(() => sqlWith(client, query, options)),
  };
}

export function toCubeRequestError(error: unknown): CubeRequestError {
  if (error instanceof CubeRequestError) return error;
  if (error instanceof RequestError) {
    const status = typeof error.status === 'number' ? error.status : null;
    return new CubeRequestError(error.message || `Cube answered HTTP ${status ?? '?'}`, status);
  }
  if (error instanceof Error) return new CubeRequestError(error.message, null);
  return new CubeRequestError(String(error), null);
}

/** Token source for the browser: the host's token route (its session cookie authenticates). */
export async function fetchCubeToken(endpoint: string = CUBE_TOKEN_ENDPOINT): Promise<unknown> {
  const res = await fetch(endpoint, { cache: 'no-store', credentials: 'same-origin' });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message =
      typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string'
        ? body.error
        : `HTTP ${res.status}`;
    throw new CubeRequestError(`Could not get a Cube token: ${message}`, res.status);
  }
  return body;
}
