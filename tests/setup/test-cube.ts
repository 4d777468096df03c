/** Cube for the test suites: a child process on the seeded test database, like `npm start` runs it. */
import { randomBytes } from 'node:crypto';
import { type CubeProcess, spawnCube } from '../../cube/process';
import type { PgConfig } from '../../db/connection';

export type TestCube = { apiUrl: string; apiSecret: string; port: number };

export async function startTestCube(
  db: PgConfig,
  port = Number(process.env.TEST_CUBE_PORT ?? 4010),
): Promise<{ cube: TestCube; process: CubeProcess }> {
  const apiSecret = randomBytes(24).toString('hex');
  const process_ = await spawnCube({
    db,
    port,
    apiSecret,
    quiet: true,
    // Rollups are built once, up front (buildAllRollups); a scheduler running meanwhile would
    // race those builds on the same tables. Partitions nobody built (another time zone, a fresh
    // database) are built on demand by the API instance itself.
    env: { CUBE_REFRESH_SECONDS: '0', CUBEJS_PRE_AGGREGATIONS_BUILDER: 'true' },
    readyTimeoutMs: 90_000,
  });
  return { cube: { apiUrl: process_.apiUrl, apiSecret, port }, process: process_ };
}
