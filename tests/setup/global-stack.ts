// vitest globalSetup for the `node` project: a throwaway embedded Postgres with the schema and
// the small demo data set (seed 42, ending at the current hour), and Cube on it as a child process
// with every rollup built up front; shared by every test file through `inject('pg')` and
// `inject('cube')`. Teardown stops both.
import fs from 'node:fs/promises';
import net from 'node:net';
import type { TestProject } from 'vitest/node';
import { signCubeToken } from '../../cube/auth';
import { buildAllRollups } from '../../cube/rollups';
import type { PgConfig } from '../../db/connection';
import {
  EmbeddedPostgresInUseError,
  embeddedPortFromEnv,
  type RunningPostgres,
  startEmbeddedPostgres,
} from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { seed } from '../../db/seed';
import { startTestCube, type TestCube } from './test-cube';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test database: migrated and seeded (small, seed 42, now = `seededNow`). */
    pg: PgConfig;
    /** The `now` the test data ends at (ISO, the hour the run started). */
    seededNow: string;
    /** Cube on the test database: REST base URL and the secret its admin tokens are signed with. */
    cube: TestCube;
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}

/** The test Cube's SQL API port: $TEST_SQL_PORT (15433), or a free one if that is taken. */
async function sqlApiPort(): Promise<number> {
  const port = embeddedPortFromEnv(process.env, 'TEST_SQL_PORT', 15433);
  return (await portIsFree(port)) ? port : freePort();
}

/** `.data/test-pg` on $TEST_PG_PORT (25431), or a private one if another run holds those. */
async function startTestPostgres(): Promise<{ postgres: RunningPostgres; dataDir: string }> {
  const options = { portEnvVar: 'TEST_PG_PORT', fresh: true, durable: false } as const;
  try {
    const port = embeddedPortFromEnv(process.env, 'TEST_PG_PORT', 25431);
    const dataDir = '.data/test-pg';
    return { postgres: await startEmbeddedPostgres({ ...options, dataDir, port }), dataDir };
  } catch (error) {
    if (!(error instanceof EmbeddedPostgresInUseError)) throw error;
    const dataDir = `.data/test-pg-${process.pid}`;
    console.warn(`${error.message}\nUsing a private test database in ${dataDir} instead.`);
    return {
      postgres: await startEmbeddedPostgres({ ...options, dataDir, port: await freePort() }),
      dataDir,
    };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { postgres, dataDir } = await startTestPostgres();
  let stopCube = async () => {};
  const teardown = async () => {
    await stopCube();
    await postgres.stop();
    if (dataDir !== '.data/test-pg') await fs.rm(dataDir, { recursive: true, force: true });
  };
  try {
    // TEST_SEED_NOW pins the data's end (to reproduce an hour-dependent failure).
    const now = new Date(process.env.TEST_SEED_NOW ?? Date.now());
    now.setUTCMinutes(0, 0, 0);
    await migrate(postgres.config);
    await seed(postgres.config, { scale: 'small', seed: 42, now });
    const cubePort = embeddedPortFromEnv(process.env, 'TEST_CUBE_PORT', 4010);
    const { cube, process: cubeProcess } = await startTestCube(
      postgres.config,
      (await portIsFree(cubePort)) ? cubePort : await freePort(),
      await sqlApiPort(),
    );
    stopCube = () => cubeProcess.stop();
    // A token per request and a long deadline: on a loaded machine the first build can outlive
    // a 10-minute token (~460 partitions at `small` since the weekly hourly rollups).
    await buildAllRollups(
      cube.apiUrl,
      () => signCubeToken(cube.apiSecret, { sub: 'setup', role: 'admin' }),
      { timeoutMs: 30 * 60_000 },
    );
    project.provide('cube', cube);
    project.provide('pg', postgres.config);
    project.provide('seededNow', now.toISOString());
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
