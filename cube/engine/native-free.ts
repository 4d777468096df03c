/**
 * The native-free Cube engine: Cube's own server, compiler, JS planner, query orchestrator and
 * refresh scheduler, with the few seams that would call `@cubejs-backend/native` overridden.
 * No fork: every override is a subclass hook (`protected create*`) or a result-serialisation
 * method, and `tests/compat/cube-compat.test.ts` fails loudly if a Cube upgrade moves any of them.
 *
 * Pinned to Cube 1.7.43 (package.json pins it exactly). What is missing without the native module:
 * Tesseract (so no `multi_stage` measures), Jinja and Python models, and Playground's dev-mode
 * Cube Store. Cube's Rust SQL API is replaced by `cube/sql-api/`, started next to this server on
 * the same API gateway (see `gateway()`).
 */
import type { SQLServer } from '@cubejs-backend/api-gateway';
import type { NativeInstance as NativeInstanceType } from '@cubejs-backend/native';
import { HardenedApiGateway, HardenedCore } from '../compat/gateway';
import { PlaygroundCubeServer } from '../compat/playground-server';
import { installJsResultTransform } from '../compat/result-wrapper-patch';
import { keptSql } from '../compat/sql-cache-first';
import { compatPatchOn } from '../compat/switches';
import type { PlaygroundSettings } from '../playground/mount';
import {
  type ApiGateway,
  CompilerApi,
  type CubejsServerCore,
  GatewayUserError,
  NativeInstance,
  ResultMultiWrapper,
  ResultWrapper,
} from './cube-modules';
import { NativeFreePostgresQuery } from './postgres-dialect';

export const PINNED_CUBE_VERSION = '1.7.43';

type JinjaEngine = ReturnType<NativeInstanceType['newJinjaEngine']>;

const jinjaUnavailable = (): never => {
  throw new Error(
    'Jinja templates in the data model need @cubejs-backend/native, which is not available on this machine.',
  );
};

/**
 * A native instance whose Jinja engine refuses templates. The YAML compiler creates the engine for
 * every compile, but only calls it for files that contain Jinja, so plain YAML models compile.
 */
class JinjaFreeNativeInstance extends NativeInstance {
  override newJinjaEngine(): JinjaEngine {
    return new Proxy({} as JinjaEngine, { get: () => jinjaUnavailable });
  }
}

type GetSqlArgs = Parameters<InstanceType<typeof CompilerApi>['getSql']>;

class NativeFreeCompilerApi extends CompilerApi {
  override createNativeInstance(): NativeInstanceType {
    return new JinjaFreeNativeInstance();
  }

  /** Kept SQL without building a query object first (sql-cache-first.ts). */
  override async getSql(query: GetSqlArgs[0], options: GetSqlArgs[1] = {}) {
    const kept = compatPatchOn('sql-cache-first')
      ? await keptSql(this, this.sqlCache, query, options)
      : undefined;
    return kept ?? super.getSql(query, options);
  }
}

/** The gateway builds a SQL API server in its constructor; without native there is none to build. */
export class NativeFreeApiGateway extends HardenedApiGateway {
  /**
   * Every member of the compiled model, hidden cubes included: a view's measures carry no
   * aggregation type of their own, only the member they alias, which may sit in a hidden cube.
   */
  async compiledMembers(
    context: Parameters<InstanceType<typeof ApiGateway>['meta']>[0]['context'],
  ): Promise<
    Array<{
      config: {
        name: string;
        measures: Array<{
          name: string;
          aggType?: string;
          type?: string;
          multiStage?: boolean;
          rollsUpAs?: 'sum' | 'min' | 'max';
        }>;
      };
    }>
  > {
    const compilerApi = await this.getCompilerApi(context);
    const cubes: Array<{
      config: {
        name: string;
        measures: Array<{ name: string; multiStage?: boolean; rollsUpAs?: 'sum' | 'min' | 'max' }>;
      };
    }> = await compilerApi.metaConfig(context, { requestId: context.requestId });
    // `/meta` does not say which measures are multi_stage (the SQL API leaves them out of
    // `SELECT *`: the JS planner cannot mix them with others) nor how a `number` measure adds up
    // (the SQL API re-aggregates Cube's rows for ROLLUP and expression groupings).
    const { cubeEvaluator } = await compilerApi.getCompilers({ requestId: context.requestId });
    for (const cube of cubes) {
      for (const measure of cube.config.measures) {
        const definition = cubeEvaluator.isMeasure(measure.name)
          ? (cubeEvaluator.measureByPath(measure.name) as {
              multiStage?: boolean;
              type?: string;
              sql?: unknown;
            })
          : undefined;
        if (definition?.multiStage) measure.multiStage = true;
        const rollsUpAs = definition
          ? numberRollup(cubeEvaluator, measure.name, definition)
          : undefined;
        if (rollsUpAs) measure.rollsUpAs = rollsUpAs;
      }
    }
    return cubes;
  }

  /** SQL → Cube query for `POST /v1/convert-query`, given by the JS SQL API when it runs. */
  private sqlToRest?: (sql: string) => Promise<unknown>;

  answerConvertQueryWith(convert: (sql: string) => Promise<unknown>): void {
    this.sqlToRest = convert;
  }

  protected override servesSqlOverHttp(): boolean {
    return false;
  }

  protected override createSQLServerInstance(): SQLServer {
    const unavailable = (): never => {
      throw new Error(
        'The SQL API needs @cubejs-backend/native, which is not available on this machine.',
      );
    };
    // Cube's own convert-query handler calls `rest4sql`; the JS SQL API's translation answers it.
    const rest4sql = async (sql: string) => {
      if (!this.sqlToRest) {
        throw new GatewayUserError(
          'convert-query needs the SQL API, which is off (CUBEJS_PG_SQL_PORT)',
        );
      }
      return this.sqlToRest(sql);
    };
    return new Proxy({} as SQLServer, {
      get: (_target, name) => (name === 'rest4sql' ? rest4sql : unavailable),
    });
  }
}

/**
 * How a `number` measure that only wraps one additive measure of its cube (`{n}` or
 * `COALESCE({n}, 0)`, as the model writes counts that must read 0) adds up over finer rows, so the
 * SQL API may re-aggregate it. Read from the YAML compiler's generated function text
 * (`(n) => \`COALESCE(${n}, 0)\``): anything else, or another Cube's output, is "does not add
 * up", which only makes the SQL API refuse, never answer wrong.
 */
function numberRollup(
  evaluator: { measureByPath(path: string): unknown; isMeasure(path: string): boolean },
  name: string,
  definition: { type?: string; sql?: unknown },
): 'sum' | 'min' | 'max' | undefined {
  if (definition.type !== 'number' || typeof definition.sql !== 'function') return undefined;
  const match = /^\(?\s*(\w+)\s*\)?\s*=>\s*`(?:COALESCE\(\$\{\1\}, 0\)|\$\{\1\})`$/.exec(
    definition.sql.toString().trim(),
  );
  const inner = match ? `${name.slice(0, name.indexOf('.'))}.${match[1]}` : undefined;
  if (!inner || !evaluator.isMeasure(inner)) return undefined;
  const type = (evaluator.measureByPath(inner) as { type?: string }).type;
  if (type === 'count' || type === 'sum') return 'sum';
  if (type === 'min' || type === 'max') return type;
  return undefined;
}

type CoreCtorArgs = ConstructorParameters<typeof CubejsServerCore>;
type GatewayCtorArgs = ConstructorParameters<typeof ApiGateway>;
type CompilerCtorArgs = ConstructorParameters<typeof CompilerApi>;

class NativeFreeCore extends HardenedCore {
  /** The API gateway, for the JS SQL API (Cube keeps it protected). */
  gateway(): NativeFreeApiGateway {
    return this.apiGateway() as NativeFreeApiGateway;
  }

  protected override createApiGatewayInstance(
    ...args: GatewayCtorArgs
  ): InstanceType<typeof ApiGateway> {
    return new NativeFreeApiGateway(...args);
  }

  protected override createCompilerApi(
    repository: CompilerCtorArgs[0],
    options: Record<string, unknown> = {},
  ): InstanceType<typeof CompilerApi> {
    const dbType = (options.dbType ?? this.options.dbType) as CompilerCtorArgs[1];
    return new NativeFreeCompilerApi(repository, dbType, this.createCompilerApiOptions(options));
  }
}

type ServerCtorArgs = ConstructorParameters<typeof PlaygroundCubeServer>;
type DialectFactory = NonNullable<NonNullable<ServerCtorArgs[0]>['dialectFactory']>;

/** Cube types the factory as returning a query instance; it returns the query class. */
const nativeFreeDialect = (() => NativeFreePostgresQuery) as unknown as DialectFactory;

export class NativeFreeCubeServer extends PlaygroundCubeServer {
  /** The JS planner's Postgres dialect with its fixes (see postgres-dialect.ts), unless configured. */
  constructor(config: ServerCtorArgs[0], playground: PlaygroundSettings) {
    super({ dialectFactory: nativeFreeDialect, ...config }, playground);
  }

  protected override createCoreInstance(
    ...args: CoreCtorArgs
  ): InstanceType<typeof CubejsServerCore> {
    return new NativeFreeCore(...args);
  }

  /** The API gateway the REST API serves from: the SQL API answers through the same one. */
  gateway(): NativeFreeApiGateway {
    return (this.core as unknown as NativeFreeCore).gateway();
  }
}

let installed = false;

/**
 * Settings the native-free engine needs, applied before Cube reads its environment, and the JS
 * result transform installed on Cube's result wrappers (REST, GraphQL and WebSocket all serialise
 * through them).
 */
export function prepareNativeFreeEngine(env: NodeJS.ProcessEnv = process.env): void {
  env.CUBEJS_TESSERACT_SQL_PLANNER = 'false';
  env.CUBEJS_TRANSPILATION_NATIVE = 'false';
  env.CUBEJS_CACHE_AND_QUEUE_DRIVER = 'memory';
  delete env.CUBEJS_PG_SQL_PORT;
  delete env.CUBEJS_SQL_PORT;
  if (!installed) {
    installJsResultTransform(ResultWrapper, ResultMultiWrapper);
    installed = true;
  }
}
