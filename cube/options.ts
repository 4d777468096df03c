/**
 * Cube's configuration, the same for both engines: where the model lives, how to reach Postgres,
 * who may query, and how pre-aggregations are built and refreshed.
 */
import path from 'node:path';
import { PostgresDriver } from '@cubejs-backend/postgres-driver';
import type { CreateOptions } from '@cubejs-backend/server';
import type { OrchestratorOptions, OrchestratorOptionsFn } from '@cubejs-backend/server-core';
import type { PgConfig } from '../db/connection';
import { apiScopesFor, canSwitchSqlUser, type SqlLogins, sqlApiAuth } from './auth';
import { SessionPreparedPostgresDriver } from './compat/postgres-driver';
import { compatPatchOn } from './compat/switches';
import { redactingLogSink } from './engine/log-sink';
import { LIMITS } from './limits';

export const MODEL_DIR = path.resolve(import.meta.dirname, '..', 'model');

/** Rollups built in the source Postgres live in this schema. */
export const PRE_AGGREGATIONS_SCHEMA = 'analytics_pre_aggregations';

export type CubeOptionsInput = {
  db: PgConfig;
  apiSecret: string;
  /** Seconds between refresh-scheduler runs; false turns the scheduler off (e.g. an API-only node). */
  refreshEverySeconds?: number | false;
  sql?: SqlLogins;
  logLevel?: 'error' | 'warn' | 'info' | 'trace';
  /** The data model folder (cubes/ and views/); the project's model/ by default. */
  modelDir?: string;
  /** Browser origins allowed to call the API (the web app's); none when empty. */
  corsOrigins?: readonly string[];
  /** Postgres statement_timeout of every query Cube sends (seconds). */
  statementTimeoutSeconds?: number;
  /**
   * Seconds this process trusts its cached list of rollup tables (Cube's default: an hour). API
   * instances of the split topology set it low; see `API_TABLES_CACHE_SECONDS` in cube/roles.ts.
   */
  rollupTablesCacheSeconds?: number;
};

/**
 * A function, not an object: Cube's option validation does not list `preAggregationsSchemaCacheExpire`,
 * though its orchestrator reads it (query-orchestrator PreAggregationLoadCache).
 */
function rollupTablesCache(seconds: number): OrchestratorOptionsFn {
  const preAggregationsOptions: NonNullable<OrchestratorOptions['preAggregationsOptions']> & {
    preAggregationsSchemaCacheExpire: number;
  } = { preAggregationsSchemaCacheExpire: seconds };
  return () => ({ preAggregationsOptions });
}

export function cubeOptions(input: CubeOptionsInput): CreateOptions {
  const { db, apiSecret, refreshEverySeconds = 30, sql } = input;
  return {
    apiSecret,
    schemaPath: path.relative(process.cwd(), input.modelDir ?? MODEL_DIR) || '.',
    driverFactory: () => {
      const config = {
        host: db.host,
        port: db.port,
        user: db.user,
        password: db.password,
        database: db.database,
        maxPoolSize: 8,
        // The driver sets `statement_timeout` from this on each connection (once: postgres-driver.ts).
        executionTimeout: input.statementTimeoutSeconds ?? LIMITS.statementTimeoutSeconds,
      };
      return compatPatchOn('postgres-driver')
        ? new SessionPreparedPostgresDriver(config)
        : new PostgresDriver(config);
    },
    jwt: { algorithms: ['HS256'] },
    // Cube's default answers any origin (`*`); only the web app's pages may call it from a browser.
    http: { cors: { origin: [...(input.corsOrigins ?? [])], maxAge: 600 } },
    contextToApiScopes: apiScopesFor,
    ...(sql
      ? {
          checkSqlAuth: sqlApiAuth(sql),
          canSwitchSqlUser: async (login: string | null, target: string) =>
            login !== null && canSwitchSqlUser(sql, login, target),
        }
      : {}),
    preAggregationsSchema: PRE_AGGREGATIONS_SCHEMA,
    // The SQL API reads a view's rows as Cube's ungrouped query (`SELECT *`, no GROUP BY), as stock
    // Cube's SQL API does; views expose no primary keys, so Cube's check would refuse them.
    allowUngroupedWithoutPrimaryKey: true,
    scheduledRefreshTimer: refreshEverySeconds === false ? false : refreshEverySeconds,
    scheduledRefreshTimeZones: ['UTC'],
    ...(input.rollupTablesCacheSeconds === undefined
      ? {}
      : { orchestratorOptions: rollupTablesCache(input.rollupTablesCacheSeconds) }),
    telemetry: false,
    // Errors only (everything at trace), redacted as Cube would (engine/log-sink.ts).
    logger: redactingLogSink((message) => input.logLevel === 'trace' || /error/i.test(message)),
  };
}
