// vitest globalSetup for the `node` project: a throwaway embedded Postgres with the schema and
// the small demo data set (seed 42, ending at the current hour), shared by every test file
// through `inject('pg')`. Teardown stops it. (Later: Cube starts here too.)
import type { TestProject } from 'vitest/node';
import type { PgConfig } from '../../db/connection';
import { embeddedPortFromEnv, startEmbeddedPostgres } from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { seed } from '../../db/seed';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test database: migrated and seeded (small, seed 42, now = `seededNow`). */
    pg: PgConfig;
    /** The `now` the test data ends at (ISO, the hour the run started). */
    seededNow: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await startEmbeddedPostgres({
    dataDir: '.data/test-pg',
    port: embeddedPortFromEnv(process.env, 'TEST_PG_PORT', 54331),
    portEnvVar: 'TEST_PG_PORT',
    fresh: true, // recreated every run
    durable: false, // throwaway: no fsync
  });
  try {
    const now = new Date();
    now.setUTCMinutes(0, 0, 0);
    await migrate(postgres.config);
    await seed(postgres.config, { scale: 'small', seed: 42, now });
    project.provide('pg', postgres.config);
    project.provide('seededNow', now.toISOString());
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  return () => postgres.stop();
}
