/**
 * The stack for the browser end-to-end suite (vitest globalSetup of project `e2e`): a throwaway
 * embedded Postgres, migrated and seeded (small, seed 42, ending now), Cube on it with every
 * rollup built up front, and the production web app (`next build` only when the build is stale).
 * Teardown stops all of it; the children run in their own process groups, so a vitest that dies
 * without teardown still kills them on exit.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { signCubeToken } from '../../cube/auth';
import { PRE_AGGREGATIONS_SCHEMA } from '../../cube/options';
import { spawnCube } from '../../cube/process';
import { buildAllRollups } from '../../cube/rollups';
import { type PgConfig, withClient } from '../../db/connection';
import { embeddedPortFromEnv, startEmbeddedPostgres } from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { seed } from '../../db/seed';
import type { Child } from '../../lib/child';
import { buildWeb, spawnMcp, spawnWeb, webBuildIsFresh } from '../../scripts/lib/web-process';

export type E2eStack = {
  webUrl: string;
  /** The MCP endpoint on its plain Node listener (`npm start` runs it beside the web app). */
  mcpUrl: string;
  /** Port for the example host admin (tests/e2e/host-admin.test.ts starts it). */
  hostAdminPort: number;
  cubeApiUrl: string;
  cubeApiSecret: string;
  pg: PgConfig;
  /** The test Postgres' data folder (its postmaster.pid names the server to pause). */
  pgDataDir: string;
  /** The seed's "now" (ISO): the newest demo rows are just before it. */
  seededAt: string;
  /** The web app's MCP token store and audit log (tests/e2e/mcp.test.ts). */
  mcpTokenFile: string;
  mcpAuditLog: string;
  /** Seconds each setup step took (printed once, quoted by the timing file). */
  setupSeconds: Record<string, number>;
};

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2eStack;
  }
}

const PG_DATA_DIR = '.data/test-e2e-pg';
const MCP_TOKEN_FILE = path.resolve('.data/test-e2e-mcp-tokens.json');
const MCP_AUDIT_LOG = path.resolve('.data/test-e2e-mcp-audit.jsonl');

const port = (name: string, fallback: number) => embeddedPortFromEnv(process.env, name, fallback);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const children: Child[] = [];
  const stops: Array<() => Promise<void>> = [];
  // Last resort (vitest killed mid-run): SIGKILL the children's process groups synchronously.
  const killOnExit = () => {
    for (const child of children) {
      if (child.process.pid !== undefined && child.process.exitCode === null) {
        try {
          process.kill(-child.process.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  };
  process.once('exit', killOnExit);
  const teardown = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => console.error('[e2e] stop:', e));
    process.off('exit', killOnExit);
  };

  const seconds: Record<string, number> = {};
  const timed = async <T>(step: string, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await run();
    } finally {
      seconds[step] = Number(((performance.now() - t0) / 1000).toFixed(1));
    }
  };

  const cubePort = port('TEST_E2E_CUBE_PORT', 4013);
  const webPort = port('TEST_E2E_WEB_PORT', 3013);
  const mcpPort = port('TEST_E2E_MCP_PORT', 3018);
  const hostAdminPort = port('TEST_E2E_HOST_PORT', 3014);
  const cubeApiSecret = randomBytes(24).toString('hex');
  const cubePublicUrl = `http://localhost:${cubePort}/cubejs-api/v1`;
  const webEnv = {
    SESSION_SECRET: randomBytes(24).toString('hex'),
    CUBEJS_API_SECRET: cubeApiSecret,
    CUBE_PUBLIC_API_URL: cubePublicUrl,
    DEMO_LOGIN: '1',
    MCP_TOKEN_FILE,
    MCP_AUDIT_LOG,
  };
  await mkdir(path.dirname(MCP_TOKEN_FILE), { recursive: true });
  await rm(MCP_TOKEN_FILE, { force: true });
  await rm(MCP_AUDIT_LOG, { force: true });

  // `next build` (the slow part of a first run) overlaps the database and Cube steps.
  const webBuild = webBuildIsFresh()
    ? Promise.resolve()
    : timed('web build', () => buildWeb({ ...process.env, ...webEnv }));
  webBuild.catch(() => undefined);
  try {
    const pg = await timed('postgres', () =>
      startEmbeddedPostgres({
        dataDir: PG_DATA_DIR,
        port: port('TEST_E2E_PG_PORT', 25432),
        portEnvVar: 'TEST_E2E_PG_PORT',
        fresh: true,
        durable: false,
      }),
    );
    stops.push(() => pg.stop());
    await timed('migrate', () => migrate(pg.config));
    const seededAt = new Date();
    await timed('seed', () => seed(pg.config, { scale: 'small', seed: 42, now: seededAt }));
    // Cube's parallel partition builds each run CREATE SCHEMA IF NOT EXISTS, which can collide
    // on a fresh database (pg_namespace unique violation); create it once up front.
    await withClient(pg.config, (client) =>
      client.query(
        `CREATE SCHEMA IF NOT EXISTS ${client.escapeIdentifier(PRE_AGGREGATIONS_SCHEMA)}`,
      ),
    );

    const cube = await timed('cube start', () =>
      spawnCube({
        db: pg.config,
        port: cubePort,
        apiSecret: cubeApiSecret,
        quiet: true,
        // No background refresh: the rollups are built once below, so timings are not mixed
        // with scheduler rebuilds on a two-core machine.
        env: {
          CUBE_REFRESH_SECONDS: '0',
          // The browser calls Cube from the web app's origin; Cube's CORS allows only that.
          // (and from the example host admin's, which embeds the same tab).
          CUBE_CORS_ORIGINS: `http://localhost:${webPort},http://localhost:${hostAdminPort}`,
        },
        readyTimeoutMs: 90_000,
      }),
    );
    children.push(cube);
    stops.push(() => cube.stop());
    const token = signCubeToken(cubeApiSecret, { sub: 'e2e-setup', role: 'admin' });
    await timed('rollups', () => buildAllRollups(cube.apiUrl, token));

    await webBuild;
    const web = await timed('web start', () =>
      spawnWeb({ port: webPort, env: webEnv, quiet: true }),
    );
    children.push(web);
    stops.push(() => web.stop());
    const mcp = await timed('mcp start', () =>
      spawnMcp({ port: mcpPort, env: webEnv, quiet: true }),
    );
    children.push(mcp);
    stops.push(() => mcp.stop());

    console.log(`[e2e] stack ready: ${JSON.stringify(seconds)}`);
    project.provide('e2e', {
      webUrl: web.url,
      mcpUrl: mcp.url,
      hostAdminPort,
      cubeApiUrl: cube.apiUrl,
      cubeApiSecret,
      pg: pg.config,
      pgDataDir: PG_DATA_DIR,
      seededAt: seededAt.toISOString(),
      mcpTokenFile: MCP_TOKEN_FILE,
      mcpAuditLog: MCP_AUDIT_LOG,
      setupSeconds: seconds,
    });
  } catch (error) {
    await teardown();
    await webBuild.catch(() => undefined); // never leave a `next build` running
    throw error;
  }
  return teardown;
}
