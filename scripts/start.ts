/**
 * `npm start`: database (embedded, or the one CUBEJS_DB_* / DATABASE_URL names) → migrations →
 * demo data if empty → Cube on :4000 → web on :3000. Ctrl-C stops every child and the embedded
 * Postgres. A user-configured database is never written to unless asked (--migrate, --seed).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { signCubeToken } from '../cube/auth';
import { readCubeEnv } from '../cube/env';
import { PRE_AGGREGATIONS_SCHEMA } from '../cube/options';
import { spawnCube } from '../cube/process';
import { buildAllRollups } from '../cube/rollups';
import { configuredDatabase, type PgConfig, withClient } from '../db/connection';
import { embeddedPortFromEnv, startEmbeddedPostgres } from '../db/embedded';
import { localSecret } from '../db/local-secrets';
import { migrate } from '../db/migrate';
import { isEmpty, seed } from '../db/seed';
import type { Child } from '../lib/child';
import { buildWeb, spawnWeb, webBuildIsFresh } from './lib/web-process';

const usage = 'usage: npm start [-- --migrate] [--seed] [--no-web]';
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

function parseFlags() {
  try {
    return parseArgs({
      options: {
        migrate: { type: 'boolean', default: false },
        seed: { type: 'boolean', default: false },
        'no-web': { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    console.error(usage);
    process.exit(2);
  }
}

const flags = parseFlags();
const webPort = z.coerce.number().int().min(1).max(65535).default(3000).parse(process.env.WEB_PORT);
const cubeSettings = readCubeEnv();
const stoppers: Array<() => Promise<void>> = [];
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log('\nStopping…');
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  }
  process.exit(code);
}
process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));

async function hasRollups(db: PgConfig): Promise<boolean> {
  const { rows } = await withClient(db, (client) =>
    client.query<{ n: number }>(
      'select count(*)::int as n from information_schema.tables where table_schema = $1',
      [PRE_AGGREGATIONS_SCHEMA],
    ),
  );
  return (rows[0]?.n ?? 0) > 0;
}

async function prepareDatabase(): Promise<PgConfig> {
  const configured = configuredDatabase();
  if (configured) {
    console.log(
      `Database: ${configured.host}:${configured.port}/${configured.database} (configured)`,
    );
    if (flags.migrate)
      console.log(`Migrations applied: ${(await migrate(configured)).applied.length}`);
    if (flags.seed) {
      if (!(await isEmpty(configured)))
        throw new Error('--seed: the configured database is not empty');
      await seed(configured, { scale: 'small', seed: 42, now: new Date() });
    }
    return configured;
  }
  const pg = await startEmbeddedPostgres({
    port: embeddedPortFromEnv(process.env, 'PG_EMBEDDED_PORT'),
    portEnvVar: 'PG_EMBEDDED_PORT',
  });
  stoppers.push(() => pg.stop());
  console.log(
    `Database: embedded Postgres on :${pg.config.port} (data in .data/pg) — ${elapsed()}`,
  );
  const { applied } = await migrate(pg.config);
  if (applied.length > 0) console.log(`Migrations applied: ${applied.join(', ')}`);
  if (await isEmpty(pg.config)) {
    const result = await seed(pg.config, { scale: 'small', seed: 42, now: new Date() });
    console.log(
      `Demo data: ${result.totalRows.toLocaleString()} rows in ${result.seconds.toFixed(1)} s ` +
        `(${Math.round(result.rowsPerSecond).toLocaleString()} rows/s)`,
    );
  }
  return pg.config;
}

try {
  const db = await prepareDatabase();
  const webEnv = {
    CUBEJS_API_SECRET: cubeSettings.apiSecret,
    CUBE_API_URL: `http://localhost:${cubeSettings.port}/cubejs-api/v1`,
    SESSION_SECRET: process.env.SESSION_SECRET ?? localSecret('web-session-secret'),
    DEMO_LOGIN: process.env.DEMO_LOGIN ?? (configuredDatabase() ? '0' : '1'),
  };
  // The web build is the slow part of a first start; it runs while Cube compiles and warms up.
  const webBuild =
    flags['no-web'] || webBuildIsFresh()
      ? Promise.resolve()
      : buildWeb({ ...process.env, ...webEnv });
  const cube: Child = await spawnCube({
    db,
    port: cubeSettings.port,
    apiSecret: cubeSettings.apiSecret,
  });
  stoppers.push(() => cube.stop());
  console.log(`Cube ready — ${elapsed()}`);
  // Serve only from complete rollups: on a database without them (first start), build them all
  // now (seconds on the demo data) rather than letting the first dashboard queries wait on, or
  // race, on-demand partition builds. Later starts leave refreshing to Cube's scheduler.
  if (!(await hasRollups(db))) {
    const token = signCubeToken(cubeSettings.apiSecret, { sub: 'npm-start', role: 'admin' }, 900);
    const rollups = await buildAllRollups(
      `http://localhost:${cubeSettings.port}/cubejs-api/v1`,
      token,
    );
    console.log(
      `Pre-aggregations built: ${rollups.partitions} partitions in ${rollups.seconds.toFixed(1)} s — ${elapsed()}`,
    );
  }
  let webUrl: string | null = null;
  if (!flags['no-web']) {
    await webBuild;
    const web = await spawnWeb({ port: webPort, env: webEnv });
    stoppers.push(() => web.stop());
    webUrl = web.url;
  }
  void cube.exited.then((code) => {
    if (!stopping) {
      console.error(`Cube exited (code ${code}); stopping.`);
      void shutdown(1);
    }
  });
  console.log(
    [
      '',
      `Ready in ${elapsed()}.`,
      webUrl
        ? `  Admin → Analytics:  ${webUrl}/admin/analytics  (sign in with the one-click demo admin)`
        : null,
      `  Cube REST API:      http://localhost:${cubeSettings.port}/cubejs-api/v1  (admin JWT: npm run token)`,
      '  Example:            curl -H "Authorization: $(npm run -s token)" ' +
        `http://localhost:${cubeSettings.port}/cubejs-api/v1/meta`,
      '  Stop:               Ctrl-C',
    ]
      .filter((line) => line !== null)
      .join('\n'),
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await shutdown(1);
}
