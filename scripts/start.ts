/**
 * `npm start`: database (embedded, or the one CUBEJS_DB_* / DATABASE_URL names) → migrations →
 * demo data if empty → Cube on :4000 (or, with --topology=split, a refresh worker and two API
 * instances behind a proxy there) → web on :3000. Ctrl-C, SIGTERM or SIGHUP to npm (or to this
 * process) stops every child and the embedded Postgres, also mid-start. A user-configured database
 * is never written to unless asked (--migrate, --seed).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { signCubeToken } from '../cube/auth';
import { psqlCommand, readCubeEnv } from '../cube/env';
import { type CubeProcess, spawnCube } from '../cube/process';
import { splitPorts } from '../cube/roles';
import { buildAllRollups, rollupTableCount } from '../cube/rollups';
import { configuredDatabase, type PgConfig } from '../db/connection';
import {
  DEFAULT_EMBEDDED_DATA_DIR,
  embeddedPortFromEnv,
  startEmbeddedPostgres,
} from '../db/embedded';
import { localSecret } from '../db/local-secrets';
import { migrate } from '../db/migrate';
import { isEmpty, seed } from '../db/seed';
import { stopAllChildren } from '../lib/child';
import { assertPortFree } from '../lib/ports';
import { accountByKey } from '../web/lib/auth/accounts';
import { demoLoginEnabled } from '../web/lib/env';
import { exitCause } from './lib/restart-supervisor';
import { startSplitTopology } from './lib/split-topology';
import { onStopRequest } from './lib/supervise';
import { buildWeb, spawnMcp, spawnWeb, webBuildIsFresh } from './lib/web-process';

const usage = 'usage: npm start [-- --migrate] [--seed] [--no-web] [--topology=single|split]';
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

function parseFlags() {
  try {
    return parseArgs({
      options: {
        migrate: { type: 'boolean', default: false },
        seed: { type: 'boolean', default: false },
        'no-web': { type: 'boolean', default: false },
        topology: { type: 'string', default: 'single' },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    console.error(usage);
    process.exit(2);
  }
}

const parsedFlags = parseFlags();
const topology = z.enum(['single', 'split']).safeParse(parsedFlags.topology);
if (!topology.success) {
  console.error(`--topology must be single or split, got "${parsedFlags.topology}"`);
  console.error(usage);
  process.exit(2);
}
const flags = { ...parsedFlags, topology: topology.data };
const webPort = z.coerce.number().int().min(1).max(65535).default(3000).parse(process.env.WEB_PORT);
const mcpPort = z.coerce.number().int().min(1).max(65535).default(3001).parse(process.env.MCP_PORT);
const mcpUrl = `http://localhost:${mcpPort}/mcp`;
const cubeSettings = readCubeEnv();
/** The embedded Postgres's data folder (PG_EMBEDDED_DIR moves it, e.g. for a throwaway stack). */
const dataDir = process.env.PG_EMBEDDED_DIR?.trim() || DEFAULT_EMBEDDED_DATA_DIR;
/** What runs outside `startChild` (the embedded Postgres), stopped after the children. */
const stoppers: Array<() => Promise<void>> = [];
let databaseStarting: Promise<unknown> = Promise.resolve();
let stopping = false;
let stopped: Promise<never> | null = null;
/** Run first on shutdown: the split topology's supervisors must not restart what is stopped. */
let haltSupervision: () => void = () => undefined;

/** Stops everything once; a second call (a child dying because of the first) just waits. */
function shutdown(code: number): Promise<never> {
  stopped ??= (async () => {
    stopping = true;
    haltSupervision();
    console.log('\nStopping…');
    await stopAllChildren().catch(() => undefined);
    await databaseStarting.catch(() => undefined);
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    process.exit(code);
  })();
  return stopped;
}
onStopRequest((reason) => {
  console.log(`\n${reason}: stopping the stack.`);
  void shutdown(0);
});

type RunningCubes = {
  /** Where pre-aggregation build jobs go: the one Cube, or the refresh worker. */
  builderUrl: string;
  /** Processes whose exit stops the stack (single mode); the split topology restarts its own. */
  processes: CubeProcess[];
  /** Console lines saying which process does what (split topology). */
  describe: string[];
};

async function startCubes(db: PgConfig): Promise<RunningCubes> {
  if (flags.topology === 'split') {
    const split = await startSplitTopology({
      db,
      cubePort: cubeSettings.port,
      sqlPort: cubeSettings.sqlPort,
      apiSecret: cubeSettings.apiSecret,
    });
    stoppers.push(() => split.proxy.stop());
    haltSupervision = () => split.stopSupervising();
    void split.gaveUp.then((message) => {
      if (stopping) return;
      console.error(`${message} Stopping the stack.`);
      void shutdown(1);
    });
    console.log(
      `Cube ready (split: 1 refresh worker, ${split.apis.length} API instances) — ${elapsed()}`,
    );
    return {
      builderUrl: split.worker.apiUrl,
      processes: [],
      describe: split.describe(),
    };
  }
  const cube = await spawnCube({
    db,
    port: cubeSettings.port,
    apiSecret: cubeSettings.apiSecret,
    sqlPort: cubeSettings.sqlPort || undefined,
  });
  console.log(`Cube ready — ${elapsed()}`);
  return { builderUrl: cube.apiUrl, processes: [cube], describe: [] };
}

/** The sign-in that works with these settings (the same rules as the sign-in page). */
function signInHint(env: Record<string, string | undefined>): string {
  if (demoLoginEnabled(env)) return 'sign in with the one-click demo admin';
  const admin = accountByKey('admin', env);
  if (admin?.password) return `sign in as ${admin.email} with ADMIN_PASSWORD`;
  return 'no sign-in configured: set ADMIN_EMAIL and ADMIN_PASSWORD (or DEMO_LOGIN=1) and restart';
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
  const starting = startEmbeddedPostgres({
    dataDir,
    port: embeddedPortFromEnv(process.env, 'PG_EMBEDDED_PORT'),
    portEnvVar: 'PG_EMBEDDED_PORT',
  });
  databaseStarting = starting;
  const pg = await starting;
  stoppers.push(() => pg.stop());
  console.log(
    `Database: embedded Postgres on :${pg.config.port} (data in ${dataDir}) — ${elapsed()}`,
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
  // A leftover stack (an earlier `npm start` whose launcher outlived its terminal or supervisor)
  // is named here, before anything starts.
  await assertPortFree(cubeSettings.port, 'CUBE_PORT');
  if (flags.topology === 'split') {
    const ports = splitPorts(cubeSettings.port);
    for (const port of [ports.worker, ...ports.apis]) await assertPortFree(port, 'CUBE_PORT');
  }
  if (!flags['no-web']) {
    await assertPortFree(webPort, 'WEB_PORT');
    await assertPortFree(mcpPort, 'MCP_PORT');
  }
  const db = await prepareDatabase();
  const webEnv = {
    CUBEJS_API_SECRET: cubeSettings.apiSecret,
    CUBE_API_URL: `http://localhost:${cubeSettings.port}/cubejs-api/v1`,
    SESSION_SECRET: process.env.SESSION_SECRET ?? localSecret('web-session-secret'),
    DEMO_LOGIN: process.env.DEMO_LOGIN ?? (configuredDatabase() ? '0' : '1'),
    ADMIN_EMAIL: process.env.ADMIN_EMAIL,
    ADMIN_PASSWORD: process.env.ADMIN_PASSWORD,
    // The Connect page shows the plain MCP listener started below (the web app's /api/mcp works too).
    MCP_PUBLIC_URL: process.env.MCP_PUBLIC_URL || mcpUrl,
  };
  // The web build is the slow part of a first start; it runs while Cube compiles and warms up.
  const webBuild =
    flags['no-web'] || webBuildIsFresh()
      ? Promise.resolve()
      : buildWeb({ ...process.env, ...webEnv });
  const cube = await startCubes(db);
  // Serve only from complete rollups: on a database without them (first start), build them all
  // now (seconds on the demo data) rather than letting the first dashboard queries wait on, or
  // race, on-demand partition builds. Later starts leave refreshing to Cube's scheduler (the
  // refresh worker's, in the split topology: API instances never build).
  if ((await rollupTableCount(db)) === 0) {
    const token = signCubeToken(cubeSettings.apiSecret, { sub: 'npm-start', role: 'admin' }, 900);
    const rollups = await buildAllRollups(cube.builderUrl, token);
    console.log(
      `Pre-aggregations built: ${rollups.partitions} partitions in ${rollups.seconds.toFixed(1)} s — ${elapsed()}`,
    );
  }
  let webUrl: string | null = null;
  if (!flags['no-web']) {
    await webBuild;
    const [web] = await Promise.all([
      spawnWeb({ port: webPort, env: webEnv }),
      spawnMcp({ port: mcpPort, env: webEnv }),
    ]);
    webUrl = web.url;
  }
  // Single mode: one Cube process is the whole API, so its exit stops the stack with a non-zero
  // code and the process manager running `npm start` restarts it (docs/scaling-out.md).
  for (const child of cube.processes) {
    void child.exited.then((code) => {
      if (!stopping) {
        console.error(`${child.name} exited (${exitCause(child, code)}); stopping.`);
        void shutdown(1);
      }
    });
  }
  const cubeUrl = `http://localhost:${cubeSettings.port}/cubejs-api/v1`;
  // One list: each part of the stack adds its line here.
  const lines: Array<string | null> = [
    '',
    `Ready in ${elapsed()}.`,
    webUrl ? `  Admin → Analytics:  ${webUrl}/admin/analytics  (${signInHint(webEnv)})` : null,
    webUrl ? `  AI assistants:      ${mcpUrl}  (MCP; token and config: ${webUrl}/admin/mcp)` : null,
    `  Cube REST API:      ${cubeUrl}  (admin JWT: npm run token)`,
    `  Cube Playground:    http://localhost:${cubeSettings.port}/  (admins: open it from Admin → Analytics)`,
    ...cube.describe,
    psqlCommand(cubeSettings) ? `  Cube SQL API:       ${psqlCommand(cubeSettings)}` : null,
    `  Example:            curl -H "Authorization: $(npm run -s token)" ${cubeUrl}/meta`,
    '  Stop:               Ctrl-C (or SIGTERM to npm or to this process)',
  ];
  console.log(lines.filter((line) => line !== null).join('\n'));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await shutdown(1);
}
