/**
 * `npm start` under a process manager: the manager signals only the npm process (SIGTERM, or
 * SIGINT), never the whole group as a terminal's Ctrl-C does. Every child (launcher, Cube, the web
 * server) and the embedded Postgres must stop and free their ports; and a second `npm start`
 * that finds a running stack must name the process that holds the port.
 *
 * Runs in the e2e project so the web app's production build already exists (global-e2e builds it).
 * Its own data folder and ports (TEST_START_*), never the developer's `.data/pg`.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { embeddedPortFromEnv } from '../../db/embedded';
import {
  alive,
  descendants,
  killAll,
  type NpmStart,
  npmStart,
  type ProcessInfo,
  portIsFree,
  waitGone,
} from '../support/npm-start';

const ports = {
  pg: embeddedPortFromEnv(process.env, 'TEST_START_PG_PORT', 25434),
  cube: embeddedPortFromEnv(process.env, 'TEST_START_CUBE_PORT', 4014),
  web: embeddedPortFromEnv(process.env, 'TEST_START_WEB_PORT', 3014),
  mcp: embeddedPortFromEnv(process.env, 'TEST_START_MCP_PORT', 3019),
  sql: embeddedPortFromEnv(process.env, 'TEST_START_SQL_PORT', 15434),
};
const env = {
  PG_EMBEDDED_DIR: '.data/test-start-pg',
  PG_EMBEDDED_PORT: String(ports.pg),
  CUBE_PORT: String(ports.cube),
  WEB_PORT: String(ports.web),
  MCP_PORT: String(ports.mcp),
  CUBEJS_PG_SQL_PORT: String(ports.sql),
  CUBEJS_API_SECRET: randomBytes(24).toString('hex'),
  SESSION_SECRET: randomBytes(24).toString('hex'),
  // No background rebuilds competing with the other suites on a small machine.
  CUBE_REFRESH_SECONDS: '0',
  DATABASE_URL: '',
  CUBEJS_DB_HOST: '',
  CUBEJS_DB_NAME: '',
};
const READY_MS = 240_000;

const seen: ProcessInfo[] = [];
afterAll(() => killAll(seen));

/** Starts a stack and returns it with the processes under npm once it is ready. */
async function readyStack(): Promise<{ npm: NpmStart; tree: ProcessInfo[] }> {
  const npm = npmStart([], env);
  await npm.waitFor('Ready in', READY_MS);
  const tree = descendants(npm.pid);
  seen.push(...tree);
  const commands = tree.map((p) => p.command).join('\n');
  // The processes a supervisor would leave behind today: launcher, Cube, Next, Postgres.
  expect(commands).toContain('scripts/start.ts');
  // Cube runs compiled (cube/engine/compiled-entry.ts), not under tsx.
  expect(commands).toContain('.build/cube/launch.mjs');
  expect(commands).toContain('next-server'); // Next's own process title
  expect(commands).toMatch(new RegExp(`postgres -D \\S+ -p ${ports.pg} `));
  return { npm, tree };
}

async function expectAllStopped(npm: NpmStart, tree: ProcessInfo[]): Promise<void> {
  const exit = await Promise.race([
    npm.exited,
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 60_000)),
  ]);
  expect(exit, npm.output()).not.toBe('timeout');
  const gone = await waitGone(
    tree.map((p) => p.pid),
    30_000,
  );
  expect(gone ? [] : alive(tree.map((p) => p.pid)).map((p) => `${p.pid} ${p.command}`)).toEqual([]);
  for (const port of [ports.pg, ports.cube, ports.web, ports.mcp]) {
    expect(await portIsFree(port)).toBe(true);
  }
}

describe('npm start stopped by a process manager', () => {
  test('a second npm start names the running stack; SIGINT to npm stops all of it', async () => {
    const { npm, tree } = await readyStack();
    try {
      const launcher = tree.find((p) => p.command.includes('scripts/start.ts'));
      const cube = tree.find((p) => p.command.includes('.build/cube/launch.mjs'));

      const second = npmStart([], env);
      const { code } = await second.exited;
      expect(code).not.toBe(0);
      const message = second.output();
      expect(message).toContain(`Port ${ports.cube} is in use by pid ${cube?.pid}`);
      expect(message).toContain(`started by \`npm start\` pid ${launcher?.pid}`);
      expect(message).toContain('CUBE_PORT');
      // It stopped before touching the running stack's database.
      expect(message).not.toContain('Database:');

      process.kill(npm.pid, 'SIGINT');
      await expectAllStopped(npm, tree);
    } finally {
      killAll(tree);
    }
  });

  test('SIGTERM to the npm process stops every child and the embedded Postgres', async () => {
    const { npm, tree } = await readyStack();
    try {
      process.kill(npm.pid, 'SIGTERM');
      await expectAllStopped(npm, tree);
      expect(npm.output()).toContain('Stopping…');
    } finally {
      killAll(tree);
    }
  });
});
