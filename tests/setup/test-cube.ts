/** Cube for the test suites: a child process on the seeded test database, like `npm start` runs it. */
import { randomBytes } from 'node:crypto';
import { type CubeProcess, spawnCube } from '../../cube/process';
import type { PgConfig } from '../../db/connection';

/** The SQL API's logins: `user`, and `superUser` (same password), who may switch with `__user`. */
export type TestSqlApi = { port: number; user: string; password: string; superUser: string };
export type TestCube = { apiUrl: string; apiSecret: string; port: number; sql?: TestSqlApi };

export async function startTestCube(
  db: PgConfig,
  port = Number(process.env.TEST_CUBE_PORT ?? 4010),
  /** The SQL API's port; none by default (only the shared test Cube runs one). */
  sqlPort: number | false = false,
): Promise<{ cube: TestCube; process: CubeProcess }> {
  const apiSecret = randomBytes(24).toString('hex');
  const sql = sqlPort
    ? {
        port: sqlPort,
        user: 'analyst',
        password: randomBytes(12).toString('hex'),
        superUser: 'cube_admin',
      }
    : undefined;
  const process_ = await spawnCube({
    db,
    port,
    apiSecret,
    sqlPort,
    quiet: true,
    // Rollups are built once, up front (buildAllRollups); a scheduler running meanwhile would
    // race those builds on the same tables. Partitions nobody built (another time zone, a fresh
    // database) are built on demand by the API instance itself.
    env: {
      CUBE_REFRESH_SECONDS: '0',
      CUBEJS_PRE_AGGREGATIONS_BUILDER: 'true',
      ...(sql && {
        CUBEJS_SQL_USER: sql.user,
        CUBEJS_SQL_PASSWORD: sql.password,
        CUBEJS_SQL_SUPER_USER: sql.superUser,
      }),
    },
    readyTimeoutMs: 90_000,
  });
  return { cube: { apiUrl: process_.apiUrl, apiSecret, port, sql }, process: process_ };
}
