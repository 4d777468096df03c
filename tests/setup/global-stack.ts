/**
 * The stack for the `node` test project (vitest globalSetup): a throwaway embedded Postgres,
 * migrated and seeded (small, seed 42, ending now), and Cube on it as a child process with every
 * rollup built up front. Tests read them with `inject('pg')` and `inject('cube')`.
 */
import type { TestProject } from 'vitest/node';
import { signCubeToken } from '../../cube/auth';
import { buildAllRollups } from '../../cube/rollups';
import type { PgConfig } from '../../db/connection';
import { embeddedPortFromEnv, startEmbeddedPostgres } from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { seed } from '../../db/seed';
import { startTestCube, type TestCube } from './test-cube';

declare module 'vitest' {
  export interface ProvidedContext {
    pg: PgConfig;
    cube: TestCube;
    /** The seed's "now" (ISO): the newest demo rows are just before it. */
    seededAt: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  const teardown = async () => {
    for (const stop of stops.reverse())
      await stop().catch((e) => console.error('[stack] stop:', e));
  };
  try {
    const pg = await startEmbeddedPostgres({
      dataDir: '.data/test-pg',
      port: embeddedPortFromEnv(process.env, 'TEST_PG_PORT', 54331),
      portEnvVar: 'TEST_PG_PORT',
      fresh: true,
      durable: false,
    });
    stops.push(() => pg.stop());
    await migrate(pg.config);
    const now = new Date();
    await seed(pg.config, { scale: 'small', seed: 42, now });

    const { cube, process: cubeProcess } = await startTestCube(pg.config);
    stops.push(() => cubeProcess.stop());
    const token = signCubeToken(cube.apiSecret, { sub: 'test-setup', role: 'admin' });
    await buildAllRollups(cube.apiUrl, token);

    project.provide('pg', pg.config);
    project.provide('cube', cube);
    project.provide('seededAt', now.toISOString());
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}
