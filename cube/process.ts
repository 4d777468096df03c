/**
 * Cube as a child process (`cube/launch.ts`), the way `npm start`, the tests and the bench run it:
 * compiled to JavaScript first (cube/engine/compiled-entry.ts), or under tsx with
 * `CUBE_FROM_SOURCE=1` (to compare the two, or to debug with TypeScript source maps).
 */
import path from 'node:path';
import type { PgConfig } from '../db/connection';
import { type Child, startChild, waitForHttp } from '../lib/child';
import { assertPortFree } from '../lib/ports';
import { compileCubeEntry } from './engine/compiled-entry';

const ROOT = path.resolve(import.meta.dirname, '..');

export type CubeProcess = Child & { apiUrl: string; port: number };

export function cubeDbEnv(db: PgConfig): NodeJS.ProcessEnv {
  return {
    CUBEJS_DB_HOST: db.host,
    CUBEJS_DB_PORT: String(db.port),
    CUBEJS_DB_NAME: db.database,
    CUBEJS_DB_USER: db.user,
    CUBEJS_DB_PASS: db.password,
  };
}

export async function spawnCube(input: {
  db: PgConfig;
  port: number;
  apiSecret: string;
  /** The SQL API's port; without one the child runs no SQL API. */
  sqlPort?: number | false;
  env?: NodeJS.ProcessEnv;
  quiet?: boolean;
  readyTimeoutMs?: number;
  /** The prefix of its console lines (several Cube processes run in the split topology). */
  name?: string;
}): Promise<CubeProcess> {
  await assertPortFree(input.port, 'CUBE_PORT');
  if (input.sqlPort) await assertPortFree(input.sqlPort, 'CUBEJS_PG_SQL_PORT');
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const fromSource = (input.env?.CUBE_FROM_SOURCE ?? process.env.CUBE_FROM_SOURCE) === '1';
  const child = startChild(
    input.name ?? 'cube',
    process.execPath,
    fromSource ? ['--import', 'tsx', 'cube/launch.ts'] : [await compileCubeEntry()],
    {
      cwd: ROOT,
      quiet: input.quiet,
      env: {
        ...inherited,
        ...input.env,
        ...cubeDbEnv(input.db),
        CUBE_PORT: String(input.port),
        CUBEJS_API_SECRET: input.apiSecret,
        CUBEJS_PG_SQL_PORT: input.sqlPort ? String(input.sqlPort) : 'false',
      },
    },
  );
  try {
    await waitForHttp(
      `http://localhost:${input.port}/readyz`,
      child,
      input.readyTimeoutMs ?? 60_000,
    );
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { ...child, port: input.port, apiUrl: `http://localhost:${input.port}/cubejs-api/v1` };
}
