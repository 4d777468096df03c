/**
 * Starts Cube in-process with the engine this machine can run: the stock server where
 * `@cubejs-backend/native` loads, the native-free engine otherwise.
 */
import { type PgConfig, withClient } from '../db/connection';
import { CubejsServer } from './engine/cube-modules';
import { NativeFreeCubeServer, prepareNativeFreeEngine } from './engine/native-free';
import { probeNativeModule } from './engine/native-module';
import { cubeOptions, PRE_AGGREGATIONS_SCHEMA } from './options';
import { type RunningSqlApi, startSqlApi } from './sql-api/server';

export type CubeEngine = 'stock' | 'native-free';

export type StartCubeInput = {
  db: PgConfig;
  apiSecret: string;
  port: number;
  /** The SQL API's port and its one login (Cube's own on the stock engine, `cube/sql-api/` otherwise). */
  sqlApi?: { port: number; user: string; password: string };
  refreshEverySeconds?: number | false;
  modelDir?: string;
};

export type RunningCube = {
  engine: CubeEngine;
  /** One line for the console: which engine runs and what it lacks. */
  summary: string;
  apiUrl: string;
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

  const options = cubeOptions({
    db: input.db,
    apiSecret: input.apiSecret,
    refreshEverySeconds: input.refreshEverySeconds,
    modelDir: input.modelDir,
    sql: probe.loads ? input.sqlApi : undefined,
  });

  let server: InstanceType<typeof CubejsServer>;
  let summary: string;
  if (probe.loads) {
    if (input.sqlApi) env.CUBEJS_PG_SQL_PORT = String(input.sqlApi.port);
    server = new CubejsServer(options);
    summary = `Cube engine: stock (native module loaded; Tesseract available${input.sqlApi ? `, SQL API on :${input.sqlApi.port}` : ''})`;
  } else {
    prepareNativeFreeEngine(env);
    server = new NativeFreeCubeServer(options);
    summary =
      `Cube engine: native-free (JS planner${input.sqlApi ? `, JS SQL API on :${input.sqlApi.port}` : ''}; ` +
      `unavailable: Playground, Tesseract/multi_stage, Jinja). Reason: ${probe.reason}`;
  }

  if (env.CUBEJS_EXTERNAL_DEFAULT === 'false')
    await ensureSchema(input.db, PRE_AGGREGATIONS_SCHEMA);
  // The SQL API's port is bound before /readyz answers, so whoever waits for Cube can connect;
  // its first connection waits for the catalog if it is not built yet.
  let sqlApi: RunningSqlApi | undefined;
  if (!probe.loads && input.sqlApi && server instanceof NativeFreeCubeServer) {
    sqlApi = await startSqlApi({ gateway: server.gateway(), db: input.db, ...input.sqlApi });
  }
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
