/**
 * The visual suite's own view of the seeded data at a fixed `now` (tests/e2e/visual.test.ts):
 * a second database on the e2e stack's Postgres, seeded like the stack's (small, seed 42) but
 * ending at FIXED_NOW, a Cube on it with its rollups built, and a second server of the e2e's web
 * build with ANALYTICS_FIXED_NOW (the tab's clock, server render and browser) and TZ=UTC.
 *
 * Why not the stack's own data: it ends at the real "now", so every axis, bucket and count moves
 * with the calendar; the other e2e files check numbers against SQL at that "now" and stay on it.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { signCubeToken } from '../../cube/auth';
import { PRE_AGGREGATIONS_SCHEMA } from '../../cube/options';
import { spawnCube } from '../../cube/process';
import { buildAllRollups } from '../../cube/rollups';
import { type PgConfig, withClient } from '../../db/connection';
import { embeddedPortFromEnv } from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { seed } from '../../db/seed';
import { HISTORY_DAYS } from '../../db/seed/calendar';
import { spawnWeb } from '../../scripts/lib/web-process';

/**
 * The instant the visual baselines show: a Wednesday afternoon (partial hour, day and week).
 * Moving it changes every baseline (UPDATE_SCREENSHOTS=1, docs/testing.md).
 */
export const FIXED_NOW = '2026-11-25T15:30:00.000Z';

const DATABASE = 'e2e_visual';
const DAY_MS = 86_400_000;

export type VisualStack = {
  webUrl: string;
  /** Seconds each step took. */
  seconds: Record<string, number>;
  stop: () => Promise<void>;
};

export async function startVisualStack(stackPg: PgConfig): Promise<VisualStack> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e) => console.error('[visual] stop:', e));
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
  const cubePort = embeddedPortFromEnv(process.env, 'TEST_E2E_VISUAL_CUBE_PORT', 4017);
  const webPort = embeddedPortFromEnv(process.env, 'TEST_E2E_VISUAL_WEB_PORT', 3017);
  const pg: PgConfig = { ...stackPg, database: DATABASE };
  try {
    await withClient(stackPg, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
      await client.query(`CREATE DATABASE ${DATABASE}`);
    });
    await timed('migrate', () => migrate(pg));
    await timed('seed', () => seed(pg, { scale: 'small', seed: 42, now: new Date(FIXED_NOW) }));
    await withClient(pg, (client) =>
      client.query(
        `CREATE SCHEMA IF NOT EXISTS ${client.escapeIdentifier(PRE_AGGREGATIONS_SCHEMA)}`,
      ),
    );
    const apiSecret = randomBytes(24).toString('hex');
    const cube = await timed('cube start', () =>
      spawnCube({
        db: pg,
        port: cubePort,
        apiSecret,
        quiet: true,
        env: {
          CUBE_REFRESH_SECONDS: '0',
          CUBE_CORS_ORIGINS: `http://localhost:${webPort}`,
          TZ: 'UTC',
        },
        readyTimeoutMs: 90_000,
        name: 'visual cube',
      }),
    );
    stops.push(() => cube.stop());
    // The partitions the seeded history fills: the rollups' build ranges end at the database's
    // real NOW(), so later ones (empty) would grow with the calendar.
    const from = new Date(Date.parse(FIXED_NOW) - (HISTORY_DAYS + 1) * DAY_MS).toISOString();
    const to = new Date(Date.parse(FIXED_NOW) + DAY_MS).toISOString();
    await timed('rollups', () =>
      buildAllRollups(cube.apiUrl, signCubeToken(apiSecret, { sub: 'visual', role: 'admin' }), {
        dateRange: [from, to],
      }),
    );
    const mcpFiles = path.resolve('.data', 'test-e2e-visual-mcp');
    await rm(mcpFiles, { recursive: true, force: true });
    const web = await timed('web start', () =>
      spawnWeb({
        port: webPort,
        quiet: true,
        env: {
          SESSION_SECRET: randomBytes(24).toString('hex'),
          CUBEJS_API_SECRET: apiSecret,
          CUBE_PUBLIC_API_URL: `http://localhost:${cubePort}/cubejs-api/v1`,
          DEMO_LOGIN: '1',
          MCP_TOKEN_FILE: path.join(mcpFiles, 'tokens.json'),
          MCP_AUDIT_LOG: path.join(mcpFiles, 'audit.jsonl'),
          ANALYTICS_FIXED_NOW: FIXED_NOW,
          TZ: 'UTC',
        },
      }),
    );
    stops.push(() => web.stop());
    return { webUrl: web.url, seconds, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
