/**
 * Starts Cube in-process with the engine this machine can run: the stock server where
 * `@cubejs-backend/native` loads, the native-free engine otherwise.
 */
import { type PgConfig, withClient } from '../db/connection';
import type { SqlLogins } from './auth';
import { installLoadAdmission } from './compat/admission';
import { installCheapCacheLookups } from './compat/cache-lookup-cost';
import { installDateParseMemo } from './compat/date-parse-memo';
import { installDroppedRollupRetry } from './compat/dropped-rollup-retry';
import { installEnvCache } from './compat/env-cache';
import { PlaygroundCubeServer } from './compat/playground-server';
import { installRollupListingWatch } from './compat/rollup-listing';
import { restoreNativeStackTraces } from './compat/stack-traces';
import { compatPatchOn } from './compat/switches';
import { installVersionEntriesCache } from './compat/version-entries-cache';
import {
  ApiGateway,
  PreAggregationLoadCache,
  PreAggregationPartitionRangeLoader,
  QueryCache,
  QueryOrchestrator,
} from './engine/cube-modules';
import { redactInSinkOnly } from './engine/log-sink';
import { NativeFreeCubeServer, prepareNativeFreeEngine } from './engine/native-free';
import { probeNativeModule } from './engine/native-module';
import { LIMITS } from './limits';
import { cubeOptions, PRE_AGGREGATIONS_SCHEMA } from './options';
import { type RunningSqlApi, startSqlApi } from './sql-api/server';

export type CubeEngine = 'stock' | 'native-free';

/** Idle keep-alive sockets stay open this long (ms): longer than clients keep theirs. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export type StartCubeInput = {
  db: PgConfig;
  apiSecret: string;
  port: number;
  /** The SQL API's port and its one login (Cube's own on the stock engine, `cube/sql-api/` otherwise). */
  sqlApi?: { port: number } & SqlLogins;
  refreshEverySeconds?: number | false;
  modelDir?: string;
  corsOrigins?: readonly string[];
  statementTimeoutSeconds?: number;
  rollupTablesCacheSeconds?: number;
  /** The web app's URL, linked from the Playground's sign-in page. */
  webUrl?: string;
};

export type RunningCube = {
  engine: CubeEngine;
  /** One line for the console: which engine runs and what it lacks. */
  summary: string;
  apiUrl: string;
  /** Cube Playground (admins only, through the web app's hand-off). */
  playgroundUrl: string;
  /** The SQL API's port, when it runs. */
  sqlPort?: number;
  stop(): Promise<void>;
};

export async function startCube(input: StartCubeInput): Promise<RunningCube> {
  const probe = probeNativeModule();
  const env = process.env;
  env.PORT = String(input.port);
  env.CUBEJS_DB_TYPE = 'postgres';
  // Locally, rollups are tables in the source Postgres; with Cube Store configured (compose) they go there.
  env.CUBEJS_EXTERNAL_DEFAULT = env.CUBEJS_CUBESTORE_HOST ? 'true' : 'false';
  env.CUBEJS_SCHEDULED_REFRESH_DEFAULT ??= 'true';
  // Cube reads these bounds from its environment (body-parser limit, normalizeQuery's limit check).
  env.CUBEJS_MAX_REQUEST_SIZE = `${LIMITS.maxBodyBytes / 1024}kb`;
  env.CUBEJS_DB_QUERY_LIMIT = String(LIMITS.maxLimit);
  // Node closes idle keep-alive sockets after 5 s, while browsers and agents reuse them for a
  // minute or more: a request sent as Cube closes the socket is reset (ECONNRESET under load).
  env.CUBEJS_SERVER_KEEP_ALIVE_TIMEOUT ??= String(KEEP_ALIVE_TIMEOUT_MS);
  env.CUBEJS_SERVER_HEADERS_TIMEOUT ??= String(KEEP_ALIVE_TIMEOUT_MS + 1000);
  // The log sink redacts the events it prints; Cube need not redact every event (log-sink.ts).
  redactInSinkOnly(env);

  const options = cubeOptions({
    db: input.db,
    apiSecret: input.apiSecret,
    refreshEverySeconds: input.refreshEverySeconds,
    modelDir: input.modelDir,
    corsOrigins: input.corsOrigins,
    statementTimeoutSeconds: input.statementTimeoutSeconds,
    rollupTablesCacheSeconds: input.rollupTablesCacheSeconds,
    sql: probe.loads ? input.sqlApi : undefined,
  });

  // Plain JS in Cube's gateway and query orchestrator, the same for both engines (cube/compat/;
  // each speed patch can be left out with CUBE_COMPAT_OFF, switches.ts).
  if (compatPatchOn('version-entries-cache')) installVersionEntriesCache(PreAggregationLoadCache);
  if (compatPatchOn('rollup-listing')) installRollupListingWatch(PreAggregationLoadCache);
  // Not a speed patch: without it a query naming a rollup table the worker just replaced fails.
  installDroppedRollupRetry(QueryOrchestrator);
  installLoadAdmission(ApiGateway);
  if (compatPatchOn('date-parse-memo')) installDateParseMemo(PreAggregationPartitionRangeLoader);
  if (compatPatchOn('cache-lookup-cost')) installCheapCacheLookups(QueryCache);

  const playground = {
    apiSecret: input.apiSecret,
    basePath: '/cubejs-api',
    webUrl: input.webUrl ?? `http://localhost:${env.WEB_PORT ?? 3000}`,
  };
  let server: PlaygroundCubeServer;
  let summary: string;
  if (probe.loads) {
    if (input.sqlApi) env.CUBEJS_PG_SQL_PORT = String(input.sqlApi.port);
    server = new PlaygroundCubeServer(options, playground);
    summary = `Cube engine: stock (native module loaded; Tesseract available${input.sqlApi ? `, SQL API on :${input.sqlApi.port}` : ''})`;
  } else {
    prepareNativeFreeEngine(env);
    server = new NativeFreeCubeServer(options, playground);
    summary =
      `Cube engine: native-free (JS planner${input.sqlApi ? `, JS SQL API on :${input.sqlApi.port}` : ''}; ` +
      `unavailable: Tesseract/multi_stage, Jinja). Reason: ${probe.reason}`;
  }

  if (env.CUBEJS_EXTERNAL_DEFAULT === 'false')
    await ensureSchema(input.db, PRE_AGGREGATIONS_SCHEMA);
  // The SQL API's port is bound before /readyz answers, so whoever waits for Cube can connect;
  // its first connection waits for the catalog if it is not built yet.
  let sqlApi: RunningSqlApi | undefined;
  if (!probe.loads && input.sqlApi && server instanceof NativeFreeCubeServer) {
    sqlApi = await startSqlApi({ gateway: server.gateway(), db: input.db, ...input.sqlApi });
  }
  // From here on the process's environment no longer changes.
  if (compatPatchOn('env-cache')) installEnvCache();
  if (compatPatchOn('stack-traces')) restoreNativeStackTraces();
  try {
    await server.listen();
  } catch (error) {
    await sqlApi?.stop();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `Port ${input.port} is in use: stop what holds it or set CUBE_PORT to another port.`,
      );
    }
    throw error;
  }
  sqlApi?.initialize().catch((error: Error) => {
    console.error(`SQL API: ${error.message}`);
  });
  return {
    engine: probe.loads ? 'stock' : 'native-free',
    summary,
    apiUrl: `http://localhost:${input.port}/cubejs-api/v1`,
    playgroundUrl: `http://localhost:${input.port}/`,
    sqlPort: input.sqlApi?.port,
    stop: async () => {
      await sqlApi?.stop();
      await server.close();
    },
  };
}

/**
 * Cube's parallel partition builds each run `CREATE SCHEMA IF NOT EXISTS`, which races on a fresh
 * database (duplicate key in pg_namespace); creating it once up front avoids the race.
 */
async function ensureSchema(db: PgConfig, schema: string): Promise<void> {
  await withClient(db, (client) => client.query(`create schema if not exists "${schema}"`));
}
