/**
 * PATCHES `@cubejs-backend/api-gateway` `ApiGateway` (dist/src/gateway.js) and
 * `@cubejs-backend/server-core` `CubejsServerCore.createApiGatewayInstance`: a subclass that
 * overrides these members, for both engines (the stock server and the native-free one subclass
 * the same core): `createDefaultCheckAuth`, `getAdapterApi`, `contextByReq`, `load`, `initApp`,
 * `handleErrorMiddleware`, `handleError`, `healthResponse`, `convertQuery`, `cancelQuery`,
 * `getNormalizedQueries`. Each override only adapts Cube's signature; what it does lives in
 * cube/hardening/ by concern: security checks (api-security.ts, query-guard.ts), caching
 * (answer-cache.ts, result-fast-path.ts, token-cache.ts), the HTTP front door (load-batch.ts,
 * front-door.ts, with the listener swap in cube-server.ts).
 *
 * WHY: every query is checked by `checkQuery` before Cube normalises or runs it, endpoints Cube
 * leaves without a scope check get one, API responses carry security headers and no
 * `X-Powered-By`, body-parser errors answer JSON 4xx (not HTML 500), an unreachable database
 * answers 503, repeated answers come from the result fast path, and the health answers show
 * failures of the compat layer (health.ts).
 *
 * GAIN: the security behaviour is tested in tests/engine/security.test.ts; the caching overrides
 * carry BENCHMARKS.md's rows "Cube result-cache hit, one query" and "Whole tab warm (30d, all 6
 * queries in one /load-batch…)" (bench/results/history.md, "Result fast path, JWT cache,
 * keep-alive" and "Kept answers ahead of Cube's middlewares, and one request per tab state").
 *
 * OFF: the security overrides are not optional. The result fast path is off with
 * `CUBE_RESULT_CACHE_SECONDS=0` (result-fast-path.ts); the token cache has no switch.
 * Fingerprinted in tests/compat/cube-compat.test.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  ApiGateway,
  CubejsServerCore,
  GatewayUserError as UserError,
} from '../engine/cube-modules';
import {
  adapterFor,
  attachHttpResponse,
  type FrontDoorAccess,
  type LoadHttpResponse,
  type LoadRequest,
  loadThroughFastPath,
  type ResultFn,
  serveKeptAnswer,
} from '../hardening/answer-cache';
import {
  API_SECURITY_HEADERS,
  canUseBodySchema,
  convertQueryBodySchema,
  type HttpError,
  hiddenIn,
  jsonErrorMessage,
  tooDeep,
} from '../hardening/api-security';
import {
  databaseUnavailableCause,
  databaseUnavailableMessage,
} from '../hardening/database-unavailable';
import type {
  ExpressApp,
  HttpRequest,
  HttpResponse,
  Next,
  RequestContext,
} from '../hardening/express';
import type { LoadParams } from '../hardening/front-door';
import { loadBatch } from '../hardening/load-batch';
import { checkQuery, type HiddenMembers, QueryRefusedError } from '../hardening/query-guard';
import { ResultFastPath, resultCacheSettingsFrom } from '../hardening/result-fast-path';
import { VerifiedTokens } from '../hardening/token-cache';
import { LOAD_BATCH_METHOD } from '../load-batch-wire';
import { compatHealth } from './health';

type Gateway = InstanceType<typeof ApiGateway>;
type CancelQueryArgs = Parameters<Gateway['cancelQuery']>[0];
type GatewayCtorArgs = ConstructorParameters<typeof ApiGateway>;
type ContextByReqArgs = Parameters<Gateway['contextByReq']>;
type CheckAuthArgs = Parameters<Gateway['createDefaultCheckAuth']>;

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

  private accessMemo?: FrontDoorAccess;

  /** The protected members the caching (cube/hardening/answer-cache.ts) needs; made once. */
  private get access(): FrontDoorAccess {
    this.accessMemo ??= {
      fastPath: this.resultFastPath,
      devMode: this.devMode,
      assertDataScope: (securityContext) => this.assertApiScope('data', securityContext),
      compilerOf: (context) => this.getCompilerApi(context),
      cubeLoad: (request) => super.load(request),
      verifiedTokens: verifiedTokensOf(this),
      tokenOf: (req) => this.extractAuthorizationHeaderWithSchema(req as never),
      contextOf: (req, securityContext, requestId) =>
        this.contextByReq(req as never, securityContext, requestId),
    };
    return this.accessMemo;
  }

  /** Verified claims are kept per token until it expires (see token-cache.ts). */
  protected override createDefaultCheckAuth(...args: CheckAuthArgs) {
    const [, internalOptions] = args;
    const checkAuth = super.createDefaultCheckAuth(...args);
    return internalOptions?.isPlaygroundCheckAuth
      ? checkAuth
      : verifiedTokensOf(this).wrap(checkAuth);
  }

  /** For a load collecting its queries (answer-cache.ts), an adapter API that records them. */
  protected override async getAdapterApi(context: RequestContext): Promise<unknown> {
    return adapterFor(await super.getAdapterApi(context), context);
  }

  override async contextByReq(...args: ContextByReqArgs) {
    const context = await super.contextByReq(...args);
    // Express links each request to its response; the SQL API passes a bare object (no response).
    const [req] = args as unknown as [{ res?: LoadHttpResponse }];
    attachHttpResponse(context, req.res);
    return context;
  }

  /** Every data query (REST, GraphQL, WebSocket, the JS SQL API): see answer-cache.ts. */
  override async load(request: LoadRequest): Promise<void> {
    return loadThroughFastPath(this.access, request);
  }

  /** A kept `GET /load` answered before Express runs (answer-cache.ts, cube-server.ts). */
  serveKeptAnswer(
    req: IncomingMessage,
    res: ServerResponse,
    params: LoadParams,
    headers: (req: IncomingMessage, res: ServerResponse) => void,
  ): Promise<boolean> {
    return serveKeptAnswer(this.access, req, res, params, headers);
  }

  /** Whether Cube's HTTP SQL endpoint (`POST /v1/cubesql`) works: it runs on Cube's native SQL server. */
  protected servesSqlOverHttp(): boolean {
    return true;
  }

  /** Cube's health answers (`/readyz`, `/livez`) with the compat layer's failure counts. */
  protected override healthResponse(res: HttpResponse, health: string): void {
    res.status(health === 'HEALTH' ? 200 : 500).json({ health, compat: compatHealth() });
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
        loadBatch((request) => this.load(request), req, res).catch((e: unknown) => {
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
      hidden = hiddenIn(cubes);
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
