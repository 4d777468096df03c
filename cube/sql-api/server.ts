/**
 * The native-free engine's SQL API: a Postgres-wire endpoint answering Cube's SQL API dialect.
 * Data queries go through Cube's own `/load` path (`apiGateway.load`, with the SQL user's security
 * context), so pre-aggregations, security and limits apply as for REST; catalog queries go to the
 * real Postgres catalog database (`catalog.ts`).
 */
import net from 'node:net';
import { loadModule } from 'libpg-query';
import type { PgConfig } from '../../db/connection';
import { canSwitchSqlUser, sqlSecurityContext } from '../auth';
import { GatewayUserError, ResultWrapper } from '../engine/cube-modules';
import type { NativeFreeApiGateway } from '../engine/native-free';
import { type TransformDataInput, transformQueryData } from '../engine/result-transform';
import { LIMITS } from '../limits';
import { Catalog } from './catalog';
import { compose, expressionSql, foldableTimeBounds, replaceWithLiteral } from './compose';
import { sqlToRestQuery } from './convert-query';
import { SQLSTATE, SqlApiError } from './errors';
import { backend, type Field, PG_TYPES } from './protocol';
import { scramVerifier } from './scram';
import { Session, type SessionBackend, type StatementResult } from './session';
import type { Plan } from './statements';
import { type CubeQuery, type ParamValue, translateSelect } from './translate';
import { cubeValueToText } from './values';
import { type CompiledMeasure, metaSchema, type ViewTable, viewTables } from './views';

type Gateway = NativeFreeApiGateway;

export type SqlApiOptions = {
  gateway: Gateway;
  db: PgConfig;
  port: number;
  user: string;
  password: string;
  /** The login that may switch users with `WHERE __user = '…'` (CUBEJS_SQL_SUPER_USER). */
  superUser?: string;
  /** Concurrent connections; more are refused with 53300. */
  maxConnections?: number;
  /** Largest protocol message (a query's text) in bytes. */
  maxMessageBytes?: number;
};

export type RunningSqlApi = { port: number; initialize(): Promise<void>; stop(): Promise<void> };

/** Rows a query without LIMIT may return (Cube's own maximum, CUBEJS_DB_QUERY_LIMIT). */
const rowLimit = (): number =>
  Number(process.env.CUBEJS_DB_QUERY_LIMIT ?? LIMITS.sqlApiMaxCubeRows);
const VIEWS_TTL_MS = 5_000;
const STARTUP_TIMEOUT_MS = 15_000;

type Row = Record<string, unknown>;
type LoadOutcome = { ok: true; data: Row[] } | { ok: false; error: string; status: number };

/**
 * The member-keyed rows of the answer the gateway hands to `res`. A plain result wrapper is
 * transformed straight from the driver's rows (Cube's transform, `transformQueryData`): the REST
 * path's `getFinalResult` would add the whole response envelope, serialise it to JSON, and this
 * side would parse it back. Anything else the gateway answers with goes the REST way.
 */
async function rowsOf(message: unknown): Promise<Row[]> {
  if (message instanceof ResultWrapper) {
    const [transformData] = message.getTransformData() as [TransformDataInput];
    if (transformData.resType === undefined || transformData.resType === 'default') {
      const data = transformQueryData(
        transformData,
        Array.from(message as unknown as Iterable<Row>),
      );
      if (Array.isArray(data)) return data;
    }
  }
  const wrapper = message as { getFinalResult(): Promise<Buffer> };
  const body = JSON.parse((await wrapper.getFinalResult()).toString('utf8')) as { data: Row[] };
  return body.data;
}

const aborted = () =>
  new SqlApiError(SQLSTATE.queryCanceled, 'canceling statement due to user request');

class CubeAccess {
  constructor(
    private readonly gateway: Gateway,
    private readonly user: string,
  ) {}

  private context(user = this.user) {
    const securityContext = sqlSecurityContext(user);
    return this.gateway.contextByReq(
      { securityContext } as never,
      securityContext,
      `sql-api-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    );
  }

  /** The public views as tables, from `/meta` and the compiled model's aggregation types. */
  async views(): Promise<Map<string, ViewTable>> {
    const context = await this.context();
    const [meta, compiled] = await Promise.all([
      new Promise<unknown>((resolve, reject) => {
        void this.gateway.meta({
          context,
          res: (response) => {
            if ('error' in response) reject(new Error(String(response.error)));
            else resolve(response);
          },
        });
      }),
      this.gateway.compiledMembers(context),
    ]);
    const measures = new Map<string, CompiledMeasure>(
      compiled.flatMap((cube) => cube.config.measures.map((m) => [m.name, m] as const)),
    );
    const tables = viewTables(metaSchema.parse(meta), measures);
    return new Map(tables.map((t) => [t.name, t]));
  }

  private loadOnce(
    query: CubeQuery,
    context: Awaited<ReturnType<CubeAccess['context']>>,
  ): Promise<LoadOutcome> {
    return new Promise((resolve) => {
      void this.gateway.load({
        query: query as never,
        context,
        apiType: 'sql',
        res: async (message: unknown, options?: { status?: number }) => {
          if (message && typeof message === 'object' && 'error' in message) {
            resolve({
              ok: false,
              error: String((message as { error: unknown }).error),
              status: options?.status ?? 500,
            });
            return;
          }
          resolve({ ok: true, data: await rowsOf(message) });
        },
      });
    });
  }

  /** Cube's answer rows, waiting out "Continue wait" like a REST client polls. */
  async load(query: CubeQuery, signal: AbortSignal, user: string): Promise<Row[]> {
    const context = await this.context(user);
    const cancelled = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(aborted());
      signal.addEventListener('abort', () => reject(aborted()), { once: true });
    });
    cancelled.catch(() => undefined);
    for (;;) {
      const outcome = await Promise.race([this.loadOnce(query, context), cancelled]);
      if (outcome.ok) return outcome.data;
      if (outcome.error === 'Continue wait') continue;
      const code =
        outcome.status === 403 ? '42501' : outcome.status < 500 ? '42000' : SQLSTATE.internalError;
      throw new SqlApiError(code, outcome.error);
    }
  }
}

type Prepared = { backend: SessionBackend; sessions: Map<number, Session>; catalog: Catalog };

/**
 * The one-Cube-query translation of a plain statement, or undefined when it needs composing:
 * a construct the plain translation does not take (a cast, CASE, `SELECT *`, no GROUP BY, …).
 */
function plainTranslation(
  select: Parameters<typeof translateSelect>[0],
  view: ViewTable,
  params: ParamValue[],
  zone: string,
) {
  try {
    const translation = translateSelect(select, view, params, zone);
    // A multi_stage measure with other measures is one Cube query per multi_stage measure, joined
    // by the composition (Cube's JS planner would inner-join them and drop groups).
    const { measures } = translation.query;
    const multiStage = measures.filter((m) =>
      view.columns.some((c) => c.member === m && c.multiStage),
    );
    return multiStage.length > 0 && measures.length > 1 ? undefined : translation;
  } catch (error) {
    if (
      error instanceof SqlApiError &&
      (error.code === SQLSTATE.featureNotSupported ||
        error.code === SQLSTATE.groupingError ||
        error.code === SQLSTATE.invalidDatetimeFormat)
    ) {
      return undefined;
    }
    throw error;
  }
}

/** The parser, the views, the catalog database: what sessions need before they can answer. */
async function prepare(options: SqlApiOptions): Promise<Prepared> {
  await loadModule();
  const cube = new CubeAccess(options.gateway, options.user);
  const initialViews = await cube.views();
  const catalog = await Catalog.open(options.db, [...initialViews.values()]);

  // Views are re-read now and then (the model can change under a running Cube); the catalog
  // tables are built at start.
  let views = { at: Date.now(), tables: Promise.resolve(initialViews) };
  const currentViews = () => {
    if (Date.now() - views.at > VIEWS_TTL_MS) {
      const previous = views.tables;
      views = { at: Date.now(), tables: cube.views().catch(() => previous) };
    }
    return views.tables;
  };

  const sessions = new Map<number, Session>();
  const fieldsOf = (columns: Array<{ name: string; pgType: keyof typeof PG_TYPES }>): Field[] =>
    columns.map((c) => ({ name: c.name, ...PG_TYPES[c.pgType] }));
  const timezone = (settings: Map<string, string>) => settings.get('TimeZone') ?? 'UTC';

  const runAsUser = (login: string, changeUser: string | undefined): string => {
    const runAs = changeUser ?? login;
    if (!canSwitchSqlUser(options, login, runAs)) {
      throw new SqlApiError(
        SQLSTATE.insufficientPrivilege,
        `You cannot change security context via __user from ${login} to ${runAs}, because it's not allowed.`,
      );
    }
    return runAs;
  };

  /**
   * A statement around Cube queries, composed: constant time bounds folded by Postgres, the Cube
   * parts (each bounded) and the statement to evaluate over them in the catalog database.
   */
  const composeStatement = async (
    plan: Extract<Plan, { kind: 'cube' }>,
    params: ParamValue[],
    zone: string,
    signal: AbortSignal,
  ) => {
    const views = await currentViews();
    const tree = structuredClone(plan.node);
    const foldable = foldableTimeBounds(tree, views);
    if (foldable.length > 0) {
      const values = foldable.map(
        (node) =>
          `to_char((${expressionSql(node)})::timestamptz AT TIME ZONE current_setting('TimeZone'), 'YYYY-MM-DD"T"HH24:MI:SS.MS')`,
      );
      const folded = await catalog.select(`SELECT ${values.join(', ')}`, params, signal, {
        timezone: zone,
      });
      foldable.forEach((node, i) => {
        const value = folded.rows[0]?.[i];
        if (value !== null && value !== undefined) replaceWithLiteral(node, value);
      });
    }
    const composed = compose(tree, views, params, zone, params.length, plan.source);
    const scans = composed.scans.map((scan) => {
      const query = { ...scan.query, timezone: zone };
      const limited = query.limit !== undefined;
      if (!limited) query.limit = LIMITS.sqlApiMaxCubeRows;
      return { scan, query, limited };
    });
    return { composed, scans };
  };

  /** Each Cube part loaded through Cube, the statement evaluated over them in the catalog database. */
  const runComposed = async (
    plan: Extract<Plan, { kind: 'cube' }>,
    params: ParamValue[],
    settings: Map<string, string>,
    signal: AbortSignal,
    login: string,
  ): Promise<StatementResult> => {
    const zone = timezone(settings);
    const { composed, scans } = await composeStatement(plan, params, zone, signal);
    const bound = LIMITS.sqlApiMaxCubeRows;
    const payloads = await Promise.all(
      scans.map(async ({ scan, query, limited }) => {
        const rows = await cube.load(query, signal, runAsUser(login, scan.changeUser));
        if (!limited && rows.length >= bound) {
          throw new SqlApiError(
            SQLSTATE.programLimitExceeded,
            `a Cube query of this statement (on "${scan.table.name}") has at least ${bound} rows, the SQL API's maximum: filter or group it further`,
          );
        }
        return JSON.stringify(
          rows.map((row) =>
            Object.fromEntries(scan.columns.map((c) => [c.name, row[c.key] ?? null])),
          ),
        );
      }),
    );
    const clientValues = composed.clientParams.map((n) => params[n - 1] ?? null);
    const result = await catalog.select(composed.sql, [...clientValues, ...payloads], signal, {
      maxRows: bound,
      timezone: zone,
    });
    return result;
  };

  /**
   * `EXPLAIN`: the Cube queries the statement sends, one `CubeScan: request=<json>` line each (as
   * stock Cube's logical plan names them), and whether Postgres evaluates a statement over them.
   */
  const explain = async (
    plan: Extract<Plan, { kind: 'cube' }>,
    params: ParamValue[],
    settings: Map<string, string>,
    signal: AbortSignal,
  ): Promise<StatementResult> => {
    const zone = timezone(settings);
    const direct = plan.view ? plainTranslation(plan.select, plan.view, params, zone) : undefined;
    const lines = direct
      ? [`CubeScan: request=${JSON.stringify({ ...direct.query, timezone: zone })}`]
      : [
          'Projection: evaluated by Postgres over the Cube parts below',
          ...(await composeStatement(plan, params, zone, signal)).scans.map(
            ({ query }) => `  CubeScan: request=${JSON.stringify(query)}`,
          ),
        ];
    return {
      fields: fieldsOf([
        { name: 'plan_type', pgType: 'text' },
        { name: 'plan', pgType: 'text' },
      ]),
      rows: [['logical_plan', lines.join('\n')]],
      command: 'EXPLAIN',
    };
  };

  const sessionBackend: SessionBackend = {
    user: options.user,
    superUser: options.superUser,
    verifier: scramVerifier(options.password),
    maxMessageBytes: options.maxMessageBytes ?? 1024 * 1024,
    serverVersion: catalog.serverVersion,
    views: currentViews,
    async runCube(
      plan: Extract<Plan, { kind: 'cube' }>,
      params: ParamValue[],
      settings,
      signal,
      login,
    ): Promise<StatementResult> {
      if (plan.explain) return explain(plan, params, settings, signal);
      const direct = plan.view
        ? plainTranslation(plan.select, plan.view, params, timezone(settings))
        : undefined;
      if (!direct) return runComposed(plan, params, settings, signal, login);
      const { query, columns, userLimit, changeUser } = direct;
      const runAs = runAsUser(login, changeUser);
      const limit = rowLimit();
      if (!userLimit) query.limit = limit;
      const data = await cube.load(query, signal, runAs);
      if (!userLimit && data.length >= limit) {
        throw new SqlApiError(
          SQLSTATE.programLimitExceeded,
          `the result has at least ${limit} rows, the SQL API's maximum: add LIMIT (and OFFSET to page)`,
        );
      }
      return {
        fields: fieldsOf(columns),
        rows: data.map((row) => columns.map((c) => cubeValueToText(row[c.key], c.pgType))),
        command: `SELECT ${data.length}`,
      };
    },
    async describeCube(plan, paramCount, settings) {
      if (plan.explain) {
        return fieldsOf([
          { name: 'plan_type', pgType: 'text' },
          { name: 'plan', pgType: 'text' },
        ]);
      }
      const placeholders = Array.from({ length: paramCount }, () => '1');
      const direct = plan.view
        ? plainTranslation(plan.select, plan.view, placeholders, timezone(settings))
        : undefined;
      if (direct) return fieldsOf(direct.columns);
      const composed = compose(
        plan.node,
        await currentViews(),
        placeholders,
        timezone(settings),
        paramCount,
        plan.source,
      );
      return catalog.describe(composed.sql, composed.paramCount);
    },
    runCatalog: (sql, params, signal) => catalog.select(sql, params, signal),
    describeCatalog: (sql, paramCount) => catalog.describe(sql, paramCount),
    showSetting: (name) => catalog.show(name),
    register: (session) => sessions.set(session.pid, session),
    unregister: (session) => sessions.delete(session.pid),
    cancel: (pid, secret) => {
      const session = sessions.get(pid);
      if (session && session.secret === secret) session.cancel();
    },
  };

  return { backend: sessionBackend, sessions, catalog };
}

/**
 * Binds the SQL API's port at once; the views and the catalog are prepared by `initialize()`
 * (called once Cube serves REST, so Cube's readiness does not wait for the model to compile) or by
 * the first connection, which waits for it.
 */
export async function startSqlApi(options: SqlApiOptions): Promise<RunningSqlApi> {
  let prepared: Promise<Prepared> | undefined;
  const initialize = () => {
    prepared ??= prepare(options);
    return prepared;
  };
  options.gateway.answerConvertQueryWith(async (sql) => {
    const { backend: ready } = await initialize();
    try {
      return sqlToRestQuery(sql, await ready.views());
    } catch (error) {
      // Cube answers a UserError with 400 and its message.
      throw error instanceof SqlApiError ? new GatewayUserError(error.message) : error;
    }
  });
  const maxConnections = options.maxConnections ?? 500;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    // The socket stays paused until the session attaches its listener.
    initialize().then(
      (ready) => accept(socket, ready),
      (error: Error) =>
        socket.end(
          backend.errorResponse({
            severity: 'FATAL',
            code: SQLSTATE.internalError,
            message: `the SQL API could not start: ${error.message}`,
          }),
        ),
    );
  });
  const accept = (socket: net.Socket, { backend: sessionBackend, sessions }: Prepared) => {
    if (sockets.size >= maxConnections) {
      socket.end(
        backend.errorResponse({
          severity: 'FATAL',
          code: SQLSTATE.tooManyConnections,
          message: 'sorry, too many clients already',
        }),
      );
      return;
    }
    sockets.add(socket);
    const session = new Session(socket, sessionBackend);
    // A client that never finishes signing in does not keep a connection slot.
    const timer = setTimeout(() => {
      if (!sessions.has(session.pid)) session.close();
    }, STARTUP_TIMEOUT_MS);
    timer.unref();
    socket.on('close', () => {
      clearTimeout(timer);
      sockets.delete(socket);
    });
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `SQL API port ${options.port} is in use: stop what holds it or set CUBEJS_PG_SQL_PORT to another port.`,
            )
          : error,
      );
    });
    server.listen(options.port, () => resolve());
  });
  server.on('error', () => undefined);

  return {
    port: options.port,
    initialize: async () => {
      await initialize();
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      const ready = await prepared?.catch(() => undefined);
      await ready?.catalog.close();
    },
  };
}
