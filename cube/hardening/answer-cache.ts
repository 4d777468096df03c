/**
 * The gateway's caching, as plain functions its overrides (cube/compat/gateway.ts) call: a `load`
 * whose answer the result fast path keeps (result-fast-path.ts) is served from it, a miss records
 * what Cube executed so a source answer can be kept (cube/compat/source-answer.ts), and a kept
 * `GET /load` is answered before Express runs (front-door.ts) for a token verified before
 * (token-cache.ts). What these need of Cube's gateway comes in as `GatewayAccess`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ExecutedQuery, sourceAnswerChecks } from '../compat/source-answer';
import type { ApiGateway } from '../engine/cube-modules';
import { API_SECURITY_HEADERS } from './api-security';
import type { RequestContext } from './express';
import type { LoadParams } from './front-door';
import { RESULT_CACHE_HEADER, type ResultFastPath } from './result-fast-path';
import type { VerifiedTokens } from './token-cache';

type Gateway = InstanceType<typeof ApiGateway>;
export type LoadRequest = Parameters<Gateway['load']>[0];
export type ResultFn = LoadRequest['res'];

/** The parts of the HTTP response a load looks at: its cache header, and whether anyone waits. */
export type LoadHttpResponse = {
  headersSent: boolean;
  closed?: boolean;
  setHeader(name: string, value: string): unknown;
};
type ResultWrapperLike = {
  isWrapper: true;
  getFinalResult(): Promise<Uint8Array>;
  getRootResultObject(): unknown[];
};

/** Where a request context keeps the HTTP response of its request (not enumerable: not copied). */
const HTTP_RESPONSE = Symbol('httpResponse');

/** Links a request context to the HTTP response a load reports its cache header to. */
export function attachHttpResponse(context: object, res: LoadHttpResponse | undefined): void {
  Object.defineProperty(context, HTTP_RESPONSE, { value: res, enumerable: false });
}

function httpResponseOf(context: unknown): LoadHttpResponse | undefined {
  return (context as { [HTTP_RESPONSE]?: LoadHttpResponse } | undefined)?.[HTTP_RESPONSE];
}

/** Where a load's context collects the orchestrator queries it ran (for source answers). */
const EXECUTED = Symbol('executedQueries');

function executedOf(context: unknown): ExecutedQuery[] | undefined {
  return (context as { [EXECUTED]?: ExecutedQuery[] } | undefined)?.[EXECUTED];
}

type AdapterApi = {
  executeQuery(query: unknown): Promise<unknown>;
  getQueryOrchestrator(): { getQueryCache(): unknown };
};
type ExecuteResponse = {
  data?: unknown;
  lastRefreshTime?: unknown;
  slowQuery?: unknown;
  usedPreAggregations?: unknown;
};

/** The adapter API with its `executeQuery` reporting each query and its response to `into`. */
function recordingAdapter(api: AdapterApi, into: ExecutedQuery[]): AdapterApi {
  return Object.create(api, {
    executeQuery: {
      value: async (query: unknown) => {
        const response = await api.executeQuery(query);
        if (typeof response === 'object' && response !== null && !Array.isArray(response)) {
          const r = response as ExecuteResponse;
          into.push({
            queryBody: query as ExecutedQuery['queryBody'],
            rows: r.data,
            lastRefreshTime: r.lastRefreshTime,
            slowQuery: r.slowQuery,
            usedPreAggregations: r.usedPreAggregations,
            queryCache: api.getQueryOrchestrator().getQueryCache(),
          });
        }
        return response;
      },
    },
  }) as AdapterApi;
}

/** For a load collecting its queries (see `loadThroughFastPath`), an adapter API that records them. */
export function adapterFor(api: unknown, context: RequestContext): unknown {
  const executed = executedOf(context);
  return executed ? recordingAdapter(api as AdapterApi, executed) : api;
}

/** The client closed its connection: nobody will read this answer. */
const clientGone = (res: LoadHttpResponse | undefined) => res?.closed === true && !res.headersSent;

export const isResultWrapper = (message: unknown): message is ResultWrapperLike =>
  typeof message === 'object' && message !== null && 'isWrapper' in message;

const requestIdOf = (req: IncomingMessage): string => {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && header !== '' ? header : randomUUID();
};

/** Final JSON bytes in the shape every `res` of the gateway takes a result in. */
function bytesResult(bytes: Buffer): ResultWrapperLike {
  return { isWrapper: true, getFinalResult: async () => bytes, getRootResultObject: () => [] };
}

/** What the caching needs of Cube's gateway (protected members, reached through its overrides). */
export type GatewayAccess = {
  fastPath: ResultFastPath | null;
  /** Dev mode and Playground-signed answers carry per-request details (request id, refresh keys). */
  devMode: boolean;
  assertDataScope(securityContext: unknown): Promise<void>;
  compilerOf(context: RequestContext): Promise<object>;
  /** Cube's own `load`, unchanged. */
  cubeLoad(request: LoadRequest): Promise<void>;
};

/**
 * Every data query (REST `/load`, GraphQL, WebSocket, the JS SQL API) passes here. A repeat of
 * an answer Cube's path produced is served from the result fast path (result-fast-path.ts);
 * a request whose client has gone is dropped before any work.
 */
export async function loadThroughFastPath(gw: GatewayAccess, request: LoadRequest): Promise<void> {
  const http = httpResponseOf(request.context);
  if (clientGone(http)) return;
  const fastPath = gw.fastPath;
  const { context } = request;
  const key =
    fastPath && !gw.devMode && !context.signedWithPlaygroundAuthSecret
      ? fastPath.keyOf(request, context.securityContext)
      : null;
  if (!fastPath || key === null) return gw.cubeLoad(request);
  try {
    await gw.assertDataScope(context.securityContext);
  } catch {
    // Cube's own path answers the refusal.
    return gw.cubeLoad(request);
  }
  const compiler = await gw.compilerOf(context);
  const { bytes: hit, generation } = await fastPath.lookup(key, compiler, context.requestId);
  if (hit) {
    http?.setHeader(RESULT_CACHE_HEADER, 'hit');
    await request.res(bytesResult(hit) as never);
    return;
  }
  const joined = await fastPath.joinInFlight(key, compiler, generation);
  if (joined) {
    http?.setHeader(RESULT_CACHE_HEADER, 'hit');
    await request.res(bytesResult(joined) as never);
    return;
  }
  http?.setHeader(RESULT_CACHE_HEADER, 'miss');
  const ticket = fastPath.begin(key, compiler);
  let kept: Buffer | undefined;
  // The load's own context (Cube reads it, never its identity), collecting what it executes.
  const executed: ExecutedQuery[] = [];
  const loadContext = { ...context };
  attachHttpResponse(loadContext, http);
  Object.defineProperty(loadContext, EXECUTED, { value: executed, enumerable: false });
  const res: ResultFn = async (message, extra) => {
    if (extra?.status || !isResultWrapper(message)) return request.res(message, extra);
    if (clientGone(http)) return;
    const bytes = Buffer.from(await message.getFinalResult());
    const sources = await sourceAnswerChecks(executed);
    if (fastPath.store(key, ticket, compiler, bytes, message.getRootResultObject(), sources))
      kept = bytes;
    return request.res(bytesResult(bytes) as never, extra);
  };
  try {
    await gw.cubeLoad({ ...request, context: loadContext, res });
  } finally {
    ticket.settle(kept);
  }
}

/** What answering ahead of Express needs besides `GatewayAccess`. */
export type FrontDoorAccess = GatewayAccess & {
  verifiedTokens: VerifiedTokens;
  tokenOf(req: IncomingMessage): string | undefined;
  contextOf(
    req: IncomingMessage,
    securityContext: object,
    requestId: string,
  ): Promise<RequestContext>;
};

/**
 * Answers a `GET /load` from the result fast path before Express runs (front-door.ts), when
 * the token was verified before (token-cache.ts) and the answer is kept; true when it answered.
 * Everything the full path would check first still holds: the token is unexpired, the data
 * scope is checked now, and only requests the full path itself would serve from the fast path
 * get here (same key, same compiler, same listing generation). Otherwise Express and Cube's
 * route run. `headers` writes what Express's app-level middlewares would have (CORS, security
 * headers). Skipped for hits: Cube's `contextRejectionMiddleware` (its no-op default:
 * cube/options.ts sets none) and its per-request log events, which the project's logger drops.
 */
export async function serveKeptAnswer(
  gw: FrontDoorAccess,
  req: IncomingMessage,
  res: ServerResponse,
  params: LoadParams,
  headers: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<boolean> {
  const fastPath = gw.fastPath;
  if (!fastPath || gw.devMode) return false;
  const token = gw.tokenOf(req);
  const verified = token ? gw.verifiedTokens.peek(token) : undefined;
  if (!verified) return false;
  const key = fastPath.keyOfRaw(params.query, params.queryType, params.cache, verified.claims);
  if (key === null) return false;
  const securityContext = { ...verified.claims };
  await gw.assertDataScope(securityContext);
  const context = await gw.contextOf(req, securityContext, requestIdOf(req));
  const compiler = await gw.compilerOf(context);
  const found = await fastPath.lookup(key, compiler, context.requestId);
  const bytes = found.bytes ?? (await fastPath.joinInFlight(key, compiler, found.generation));
  if (!bytes || res.headersSent) return false;
  headers(req, res);
  for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) res.setHeader(name, value);
  res.setHeader(RESULT_CACHE_HEADER, 'hit');
  if (found.etag) {
    res.setHeader('ETag', found.etag);
    if (req.headers['if-none-match'] === found.etag) {
      res.statusCode = 304;
      res.end();
      return true;
    }
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', bytes.length);
  res.end(bytes);
  return true;
}
