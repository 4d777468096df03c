/**
 * Cube's API gateway with the project's guards, for both engines (the stock server and the
 * native-free one subclass the same core): every query is checked by `checkQuery` before Cube
 * normalises or runs it, endpoints Cube leaves without a scope check get one, API responses carry
 * security headers and no `X-Powered-By`, and body-parser errors answer JSON 4xx, not HTML.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { z } from 'zod';
import {
  ApiGateway,
  CubejsServer,
  CubejsServerCore,
  GatewayUserError as UserError,
} from '../engine/cube-modules';
import {
  databaseUnavailableCause,
  databaseUnavailableMessage,
} from '../hardening/database-unavailable';
import { frontDoor, type LoadParams } from '../hardening/front-door';
import { type BatchAnswer, batchResponseBytes } from '../hardening/load-batch';
import {
  checkQuery,
  type HiddenMembers,
  jsonDepth,
  jsonTextDepth,
  QueryRefusedError,
} from '../hardening/query-guard';
import {
  RESULT_CACHE_HEADER,
  ResultFastPath,
  resultCacheSettingsFrom,
} from '../hardening/result-fast-path';
import { VerifiedTokens } from '../hardening/token-cache';
import { LIMITS } from '../limits';
import { LOAD_BATCH_METHOD, type LoadBatchEntry, loadBatchRequestSchema } from '../load-batch-wire';
import { type ExecutedQuery, sourceAnswerChecks } from './source-answer';

type Gateway = InstanceType<typeof ApiGateway>;
// Express ships no types here (Cube's own are `any`); these are the parts the guards touch.
type HttpRequest = {
  context?: RequestContext;
  body?: unknown;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
};
type HttpResponse = Parameters<Gateway['resToResultFn']>[0] & {
  headersSent: boolean;
  statusCode: number;
  set(headers: Record<string, string>): unknown;
  setHeader(name: string, value: string | number): unknown;
  end(body?: Buffer): unknown;
  status(code: number): { json(body: unknown): unknown };
};
type Next = (error?: unknown) => void;
type ExpressApp = {
  disable(setting: string): unknown;
  use(...handlers: unknown[]): unknown;
  get(path: string, ...handlers: unknown[]): unknown;
  post(path: string, ...handlers: unknown[]): unknown;
};
type CancelQueryArgs = Parameters<Gateway['cancelQuery']>[0];
type RequestContext = CancelQueryArgs['context'];
type GatewayCtorArgs = ConstructorParameters<typeof ApiGateway>;
type LoadRequest = Parameters<Gateway['load']>[0];
type ResultFn = LoadRequest['res'];
type ContextByReqArgs = Parameters<Gateway['contextByReq']>;
type CheckAuthArgs = Parameters<Gateway['createDefaultCheckAuth']>;
/** The parts of the HTTP response a load looks at: its cache header, and whether anyone waits. */
type LoadHttpResponse = {
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

/** The client closed its connection: nobody will read this answer. */
const clientGone = (res: LoadHttpResponse | undefined) => res?.closed === true && !res.headersSent;

const isResultWrapper = (message: unknown): message is ResultWrapperLike =>
  typeof message === 'object' && message !== null && 'isWrapper' in message;

/** Per gateway, made on first use: Cube builds its checkAuth before subclass fields exist. */
const verifiedTokensOf = (() => {
  const byGateway = new WeakMap<object, VerifiedTokens>();
  return (gateway: object): VerifiedTokens => {
    let tokens = byGateway.get(gateway);
    if (!tokens) {
      tokens = new VerifiedTokens();
      byGateway.set(gateway, tokens);
    }
    return tokens;
  };
})();

const NO_ANSWER = Buffer.from('{"error":"Internal Server Error"}');

const requestIdOf = (req: { headers: HttpRequest['headers'] }): string => {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && header !== '' ? header : randomUUID();
};

/** Final JSON bytes in the shape every `res` of the gateway takes a result in. */
function bytesResult(bytes: Buffer): ResultWrapperLike {
  return { isWrapper: true, getFinalResult: async () => bytes, getRootResultObject: () => [] };
}
type CoreCtorArgs = ConstructorParameters<typeof CubejsServerCore>;

// What the guards read of Cube's compiled meta (`CompilerApi.metaConfig`).
const metaMember = z.object({ name: z.string(), public: z.boolean().optional() }).loose();
const metaCubes = z.array(
  z
    .object({
      config: z
        .object({
          name: z.string(),
          public: z.boolean().optional(),
          measures: z.array(metaMember).default([]),
          dimensions: z.array(metaMember).default([]),
          segments: z.array(metaMember).default([]),
        })
        .loose(),
    })
    .loose(),
);

function hiddenIn(cubes: z.infer<typeof metaCubes>): HiddenMembers {
  const hidden = { cubes: new Set<string>(), members: new Set<string>() };
  for (const { config } of cubes) {
    if (config.public === false) hidden.cubes.add(config.name);
    for (const member of [...config.measures, ...config.dimensions, ...config.segments]) {
      if (member.public === false) hidden.members.add(member.name);
    }
  }
  return hidden;
}

/** Headers for Cube's JSON API: nothing in it is a page to render, frame or sniff. */
const API_SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

/**
 * Why a request's JSON (its parsed body, or its `query` parameter's text) nests past
 * `maxRequestJsonDepth`, or null when it does not. Iterative, so it cannot overflow itself.
 */
function tooDeep(req: HttpRequest): string | null {
  const bound = LIMITS.maxRequestJsonDepth;
  if (jsonDepth(req.body, bound) > bound)
    return `the request body nests deeper than ${bound} levels`;
  const query = req.query.query;
  if (typeof query === 'string' && jsonTextDepth(query, bound) > bound) {
    return `the query parameter nests deeper than ${bound} levels`;
  }
  return null;
}

/**
 * What `POST /v1/pre-aggregations/can-use` reads of its body (Cube's Rollup Designer sends a
 * query as Cube transformed it, and a rollup's references): Cube's handler reads these without
 * checking any, so anything else failed inside it as a 500.
 */
const members = z.array(z.string());
const timeDimensionPairs = z.array(z.tuple([z.string(), z.string().nullable()]));
const canUseBodySchema = z.object({
  transformedQuery: z
    .object({
      measures: members,
      leafMeasures: members,
      sortedDimensions: members,
      timeDimensions: timeDimensionPairs,
      sortedTimeDimensions: timeDimensionPairs,
      allBackAliasMembers: z.record(z.string(), z.string()),
      granularityHierarchies: z.record(z.string(), z.array(z.string())),
    })
    .loose(),
  references: z
    .object({
      measures: members,
      dimensions: members,
      timeDimensions: z.array(
        z.object({ dimension: z.string(), granularity: z.string().nullable().optional() }).loose(),
      ),
    })
    .loose(),
});

/** `POST /v1/convert-query`: Cube answers anything but this shape with a 500. */
const convertQueryBodySchema = z.object({
  input: z.literal('sql'),
  output: z.literal('rest'),
  query: z.string().trim().min(1),
});

type HttpError = { status?: unknown; type?: unknown; message?: unknown };

/** body-parser's errors (oversize, malformed JSON) as Cube-style JSON instead of an HTML page. */
function jsonErrorMessage(error: HttpError): { status: number; error: string } {
  const status =
    typeof error.status === 'number' && error.status >= 400 && error.status < 500
      ? error.status
      : 500;
  if (error.type === 'entity.too.large') {
    return {
      status: 413,
      error: `Request body is larger than ${LIMITS.maxBodyBytes / 1024} KB (see the Limits section of the README)`,
    };
  }
  if (error.type === 'entity.parse.failed') {
    return { status: 400, error: `Request body is not valid JSON: ${String(error.message)}` };
  }
  return { status, error: status < 500 ? String(error.message) : 'Internal Server Error' };
}

export class HardenedApiGateway extends ApiGateway {
  // Keyed by Cube's meta array, which stays the same object until the model recompiles.
  private readonly hiddenByMeta = new WeakMap<object, HiddenMembers>();
  // Dev mode and Playground-signed answers carry per-request details (request id, refresh keys).
  private readonly devMode = process.env.CUBEJS_DEV_MODE === 'true';
  readonly resultFastPath: ResultFastPath | null = (() => {
    const settings = resultCacheSettingsFrom();
    return settings.ttlMs > 0 ? new ResultFastPath(settings) : null;
  })();

  /** The path of Cube's `GET /load` route. */
  get loadPath(): string {
    return `${this.basePath}/v1/load`;
  }

  /** Verified claims are kept per token until it expires (see token-cache.ts). */
  protected override createDefaultCheckAuth(...args: CheckAuthArgs) {
    const [, internalOptions] = args;
    const checkAuth = super.createDefaultCheckAuth(...args);
    return internalOptions?.isPlaygroundCheckAuth
      ? checkAuth
      : verifiedTokensOf(this).wrap(checkAuth);
  }

  /** For a load collecting its queries (see `load`), an adapter API that records them. */
  protected override async getAdapterApi(context: RequestContext): Promise<unknown> {
    const api = (await super.getAdapterApi(context)) as AdapterApi;
    const executed = executedOf(context);
    return executed ? recordingAdapter(api, executed) : api;
  }

  override async contextByReq(...args: ContextByReqArgs) {
    const context = await super.contextByReq(...args);
    // Express links each request to its response; the SQL API passes a bare object (no response).
    const [req] = args as unknown as [{ res?: LoadHttpResponse }];
    Object.defineProperty(context, HTTP_RESPONSE, { value: req.res, enumerable: false });
    return context;
  }

  /**
   * Every data query (REST `/load`, GraphQL, WebSocket, the JS SQL API) passes here. A repeat of
   * an answer Cube's path produced is served from the result fast path (result-fast-path.ts);
   * a request whose client has gone is dropped before any work.
   */
  override async load(request: LoadRequest): Promise<void> {
    const http = httpResponseOf(request.context);
    if (clientGone(http)) return;
    const fastPath = this.resultFastPath;
    const { context } = request;
    const key =
      fastPath && !this.devMode && !context.signedWithPlaygroundAuthSecret
        ? fastPath.keyOf(request, context.securityContext)
        : null;
    if (!fastPath || key === null) return super.load(request);
    try {
      await this.assertApiScope('data', context.securityContext);
    } catch {
      // Cube's own path answers the refusal.
      return super.load(request);
    }
    const compiler: object = await this.getCompilerApi(context);
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
    Object.defineProperty(loadContext, HTTP_RESPONSE, { value: http, enumerable: false });
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
      await super.load({ ...request, context: loadContext, res });
    } finally {
      ticket.settle(kept);
    }
  }

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
  async serveKeptAnswer(
    req: IncomingMessage,
    res: ServerResponse,
    params: LoadParams,
    headers: (req: IncomingMessage, res: ServerResponse) => void,
  ): Promise<boolean> {
    const fastPath = this.resultFastPath;
    if (!fastPath || this.devMode) return false;
    const token = this.extractAuthorizationHeaderWithSchema(req as never);
    const verified = token ? verifiedTokensOf(this).peek(token) : undefined;
    if (!verified) return false;
    const key = fastPath.keyOfRaw(params.query, params.queryType, params.cache, verified.claims);
    if (key === null) return false;
    const securityContext = { ...verified.claims };
    await this.assertApiScope('data', securityContext);
    const context = await this.contextByReq(req as never, securityContext, requestIdOf(req));
    const compiler: object = await this.getCompilerApi(context);
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

  /**
   * `POST /load-batch` (cube/load-batch-wire.ts): each query runs through `load` exactly as its own
   * `/load` would (guards, limits, scope, fast path, Cube's path), all at once; each answer is
   * its own status and body, so one refused query does not fail the others.
   */
  private async loadBatch(req: HttpRequest, res: HttpResponse): Promise<void> {
    const parsed = loadBatchRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: `Invalid /load-batch body: ${z.prettifyError(parsed.error)}` });
      return;
    }
    const context = req.context;
    if (!context) throw new Error('/load-batch: no request context');
    const answers = await Promise.all(
      parsed.data.queries.map((entry, i) => this.loadBatchEntry(entry, context, i)),
    );
    const bytes = batchResponseBytes(answers);
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', bytes.length);
    res.end(bytes);
  }

  private async loadBatchEntry(
    entry: LoadBatchEntry,
    context: RequestContext,
    index: number,
  ): Promise<BatchAnswer> {
    // Replaced by the answer `load` gives (it answers every request, errors included).
    const answer: BatchAnswer = { status: 500, body: NO_ANSWER };
    const entryContext = { ...context, requestId: `${context.requestId}-batch-${index}` };
    // The entry's own view of "its HTTP response": where the fast path reports hit or miss.
    const http: LoadHttpResponse = {
      headersSent: false,
      setHeader: (name, value) => {
        if (name === RESULT_CACHE_HEADER && (value === 'hit' || value === 'miss'))
          answer.cache = value;
      },
    };
    Object.defineProperty(entryContext, HTTP_RESPONSE, { value: http, enumerable: false });
    const res = async (message: unknown, extra?: { status?: number }) => {
      answer.status = extra?.status ?? 200;
      answer.body = isResultWrapper(message)
        ? Buffer.from(await message.getFinalResult())
        : Buffer.from(JSON.stringify(message));
    };
    try {
      await this.load({
        query: entry.query,
        queryType: entry.queryType,
        cacheMode: entry.cache,
        context: entryContext,
        res: res as ResultFn,
      } as LoadRequest);
    } catch {
      return { status: 500, body: NO_ANSWER };
    }
    return answer;
  }

  /** Whether Cube's HTTP SQL endpoint (`POST /v1/cubesql`) works: it runs on Cube's native SQL server. */
  protected servesSqlOverHttp(): boolean {
    return true;
  }

  override initApp(app: ExpressApp): void {
    app.disable('x-powered-by');
    app.use(
      [this.basePath, '/readyz', '/livez'],
      (_req: HttpRequest, res: HttpResponse, next: Next) => {
        res.set(API_SECURITY_HEADERS);
        next();
      },
    );
    app.use(this.basePath, (req: HttpRequest, res: HttpResponse, next: Next) => {
      const refused = tooDeep(req);
      if (refused) {
        res.status(400).json({ error: refused });
        return;
      }
      next();
    });
    if (!this.servesSqlOverHttp()) {
      // Not a server fault a client could retry: this engine has no such endpoint.
      app.post(`${this.basePath}/v1/cubesql`, (_req: HttpRequest, res: HttpResponse) => {
        res.status(404).json({
          error:
            'POST /v1/cubesql is not served by this engine (it needs @cubejs-backend/native); use the Postgres-wire SQL API',
        });
      });
    }
    // Cube's route (kept behind this one for the answer itself) reads the body unchecked.
    app.post(
      `${this.basePath}/v1/pre-aggregations/can-use`,
      this.checkAuth,
      this.requestContextMiddleware,
      async (req: HttpRequest, res: HttpResponse, next: Next) => {
        const { context } = req;
        try {
          await this.assertApiScope('meta', context?.securityContext);
        } catch (e) {
          this.handleError({ e, context, res: this.resToResultFn(res) });
          return;
        }
        const parsed = canUseBodySchema.safeParse(req.body);
        if (!parsed.success) {
          res.status(400).json({
            error: `Invalid pre-aggregations/can-use body: ${z.prettifyError(parsed.error)}`,
          });
          return;
        }
        next();
      },
    );
    app.post(
      `${this.basePath}/v1/${LOAD_BATCH_METHOD}`,
      this.checkAuth,
      this.requestContextMiddleware,
      this.contextRejectionMiddleware,
      this.logNetworkUsage,
      this.requestLoggerMiddleware,
      (req: HttpRequest, res: HttpResponse) => {
        this.loadBatch(req, res).catch((e: unknown) => {
          this.handleError({ e, context: req.context, res: this.resToResultFn(res) });
        });
      },
    );
    // Cube registers this route without any scope check; it only converts GraphQL to JSON, but
    // like everything else it is for admins only. On success `next` reaches Cube's own handler.
    app.post(
      `${this.basePath}/v1/graphql-to-json`,
      this.checkAuth,
      this.requestContextMiddleware,
      async (req: HttpRequest, res: HttpResponse, next: Next) => {
        const { context } = req;
        try {
          await this.assertApiScope('graphql', context?.securityContext);
          next();
        } catch (e) {
          this.handleError({ e, context, res: this.resToResultFn(res) });
        }
      },
    );
    super.initApp(app);
  }

  // Cube's own error middleware answers every error that reaches it (body-parser's included)
  // with a 500; client errors get their 4xx and a readable message instead.
  protected override handleErrorMiddleware = async (
    error: HttpError,
    req: HttpRequest,
    res: HttpResponse,
    next: Next,
  ): Promise<void> => {
    const { status, error: message } = jsonErrorMessage(error);
    if (status >= 500 || res.headersSent) {
      this.handleError({ e: error, context: req.context, res: this.resToResultFn(res) });
      next(error);
      return;
    }
    res.status(status).json({ error: message });
  };

  /** An unreachable database answers 503 naming the cause (Cube's own answer is a 400). */
  override handleError(args: Parameters<Gateway['handleError']>[0]): void {
    const cause = databaseUnavailableCause(args.e);
    if (!cause) {
      super.handleError(args);
      return;
    }
    const res: ResultFn = (message, extra) =>
      args.res(
        { ...(message as object), error: databaseUnavailableMessage(cause) },
        { ...extra, status: 503 },
      );
    super.handleError({ ...args, res });
  }

  /** Cube throws a plain Error (a 500) for a body of another shape: a 400 instead. */
  override async convertQuery(args: Parameters<Gateway['convertQuery']>[0]): Promise<void> {
    try {
      await this.assertApiScope('sql', args.context.securityContext);
    } catch (e) {
      this.handleError({ e, context: args.context, res: args.res });
      return;
    }
    const parsed = convertQueryBodySchema.safeParse(args.payload);
    if (!parsed.success) {
      const e = new UserError(`Invalid convert-query body: ${z.prettifyError(parsed.error)}`);
      this.handleError({ e, context: args.context, res: args.res });
      return;
    }
    await super.convertQuery(args);
  }

  /** Cube cancels any running query for any authenticated caller; require the data scope. */
  override async cancelQuery(args: CancelQueryArgs): Promise<void> {
    try {
      await this.assertApiScope('data', args.context.securityContext);
    } catch (e) {
      this.handleError({ e, context: args.context, res: args.res });
      return;
    }
    await super.cancelQuery(args);
  }

  /** Every REST, GraphQL and WebSocket query passes here before Cube normalises or plans it. */
  protected override async getNormalizedQueries(
    ...args: Parameters<Gateway['getNormalizedQueries']>
  ): ReturnType<Gateway['getNormalizedQueries']> {
    const [inputQuery, context, ...rest] = args;
    const query = this.parseQueryParam(inputQuery);
    try {
      checkQuery(query, await this.hiddenMembers(context), {
        allowMemberExpressions: rest[1] === true,
      });
    } catch (e) {
      if (e instanceof QueryRefusedError) throw new UserError(e.message);
      throw e;
    }
    return super.getNormalizedQueries(query, context, ...rest);
  }

  private async hiddenMembers(context: RequestContext): Promise<HiddenMembers> {
    const compilerApi = await this.getCompilerApi(context);
    const cubes: unknown = await compilerApi.metaConfig(context, { requestId: context.requestId });
    if (typeof cubes !== 'object' || cubes === null) throw new Error('Cube returned no meta');
    let hidden = this.hiddenByMeta.get(cubes);
    if (!hidden) {
      hidden = hiddenIn(metaCubes.parse(cubes));
      this.hiddenByMeta.set(cubes, hidden);
    }
    return hidden;
  }
}

export class HardenedCore extends CubejsServerCore {
  protected override createApiGatewayInstance(...args: GatewayCtorArgs): Gateway {
    return new HardenedApiGateway(...args);
  }

  hardenedGateway(): HardenedApiGateway {
    return this.apiGateway() as HardenedApiGateway;
  }
}

/** The `cors` middleware Cube's server puts first on its app (the same package and version). */
type CorsMiddleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
const corsOfCube = createRequire(createRequire(import.meta.url).resolve('@cubejs-backend/server'))(
  'cors',
) as (options: unknown) => CorsMiddleware;

/** The stock Cube server with the hardened gateway. */
export class HardenedCubeServer extends CubejsServer {
  protected override createCoreInstance(
    ...args: CoreCtorArgs
  ): InstanceType<typeof CubejsServerCore> {
    return new HardenedCore(...args);
  }

  /**
   * Puts the front door (front-door.ts) ahead of the Express app Cube's server listens with.
   * Not with a graceful shutdown configured (its middleware refuses requests while stopping),
   * nor with an origin callback (`cors` may then answer later than the response is written).
   */
  override async listen(...args: Parameters<InstanceType<typeof CubejsServer>['listen']>) {
    const started = await super.listen(...args);
    const corsOptions = this.config.http.cors;
    if (this.config.gracefulShutdown || typeof corsOptions?.origin === 'function') return started;
    const { server } = started;
    const app = started.app as unknown as RequestListener;
    const listeners = server.listeners('request') as RequestListener[];
    if (!listeners.includes(app)) return started;
    const gateway = (this.core as unknown as HardenedCore).hardenedGateway();
    const cors = corsOfCube(corsOptions);
    // With fixed options `cors` sets its headers and calls back at once.
    const headers = (req: IncomingMessage, res: ServerResponse) => cors(req, res, () => undefined);
    const front = frontDoor(
      gateway.loadPath,
      (req, res, params) => gateway.serveKeptAnswer(req, res, params, headers),
      app,
    );
    // In place of the app, the others (the graceful stop's request count) kept in their order.
    server.removeAllListeners('request');
    for (const listener of listeners) server.on('request', listener === app ? front : listener);
    return started;
  }
}
