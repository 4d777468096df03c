/**
 * Starts Cube in-process with the engine this machine can run: the stock server where
 * `@cubejs-backend/native` loads, the native-free engine otherwise.
 */
import { type PgConfig, withClient } from '../db/connection';
import { installLoadAdmission } from './admission';
import { ApiGateway, CubejsServer, PreAggregationLoadCache } from './engine/cube-modules';
import { installEnvCache } from './engine/env-cache';
import { NativeFreeCubeServer, prepareNativeFreeEngine } from './engine/native-free';
import { probeNativeModule } from './engine/native-module';
import { installVersionEntriesCache } from './engine/version-entries-cache';
import { cubeOptions, PRE_AGGREGATIONS_SCHEMA } from './options';

export type CubeEngine = 'stock' | 'native-free';

export type StartCubeInput = {
  db: PgConfig;
  apiSecret: string;
  port: number;
  /** Stock engine only: the SQL API's port and its one login. */
  sqlApi?: { port: number; user: string; password: string };
  refreshEverySeconds?: number | false;
  modelDir?: string;
};

export type RunningCube = {
  engine: CubeEngine;
  /** One line for the console: which engine runs and what it lacks. */
  summary: string;
  apiUrl: string;
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

  // Plain JS in Cube's gateway and query orchestrator, the same for both engines.
  installVersionEntriesCache(PreAggregationLoadCache);
  installLoadAdmission(ApiGateway);

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
      'Cube engine: native-free (JS planner; unavailable: SQL API, Playground, Tesseract/multi_stage, Jinja). ' +
      `Reason: ${probe.reason}`;
  }

  if (env.CUBEJS_EXTERNAL_DEFAULT === 'false')
    await ensureSchema(input.db, PRE_AGGREGATIONS_SCHEMA);
  // From here on the process's environment no longer changes.
  installEnvCache();
  try {
    await server.listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `Port ${input.port} is in use: stop what holds it or set CUBE_PORT to another port.`,
      );
    }
    throw error;
  }
  return {
    engine: probe.loads ? 'stock' : 'native-free',
    summary,
    apiUrl: `http://localhost:${input.port}/cubejs-api/v1`,
    stop: () => server.close(),
  };
}

/**
 * Cube's parallel partition builds each run `CREATE SCHEMA IF NOT EXISTS`, which races on a fresh
 * database (duplicate key in pg_namespace); creating it once up front avoids the race.
 */
async function ensureSchema(db: PgConfig, schema: string): Promise<void> {
  await withClient(db, (client) => client.query(`create schema if not exists "${schema}"`));
}
