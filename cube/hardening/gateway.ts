/**
 * Cube's API gateway with the project's guards, for both engines (the stock server and the
 * native-free one subclass the same core): every query is checked by `checkQuery` before Cube
 * normalises or runs it, endpoints Cube leaves without a scope check get one, API responses carry
 * security headers and no `X-Powered-By`, and body-parser errors answer JSON 4xx, not HTML.
 */
import { z } from 'zod';
import {
  ApiGateway,
  CubejsServer,
  CubejsServerCore,
  GatewayUserError as UserError,
} from '../engine/cube-modules';
import { LIMITS } from '../limits';
import { checkQuery, type HiddenMembers, QueryRefusedError } from './query-guard';

type Gateway = InstanceType<typeof ApiGateway>;
// Express ships no types here (Cube's own are `any`); these are the parts the guards touch.
type HttpRequest = { context?: RequestContext };
type HttpResponse = Parameters<Gateway['resToResultFn']>[0] & {
  headersSent: boolean;
  set(headers: Record<string, string>): unknown;
  status(code: number): { json(body: unknown): unknown };
};
type Next = (error?: unknown) => void;
type ExpressApp = {
  disable(setting: string): unknown;
  use(...handlers: unknown[]): unknown;
  post(path: string, ...handlers: unknown[]): unknown;
};
type CancelQueryArgs = Parameters<Gateway['cancelQuery']>[0];
type RequestContext = CancelQueryArgs['context'];
type GatewayCtorArgs = ConstructorParameters<typeof ApiGateway>;
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

  override initApp(app: ExpressApp): void {
    app.disable('x-powered-by');
    app.use(
      [this.basePath, '/readyz', '/livez'],
      (_req: HttpRequest, res: HttpResponse, next: Next) => {
        res.set(API_SECURITY_HEADERS);
        next();
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
}

/** The stock Cube server with the hardened gateway. */
export class HardenedCubeServer extends CubejsServer {
  protected override createCoreInstance(
    ...args: CoreCtorArgs
  ): InstanceType<typeof CubejsServerCore> {
    return new HardenedCore(...args);
  }
}
