/**
 * Cube for the benchmark: a child process on the bench database with its refresh scheduler off
 * (`CUBE_REFRESH_SECONDS=0`) so no background build disturbs the timings; rollups are built on
 * demand through Cube's jobs API (all of them, or only the partitions of a date range).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { signCubeToken } from '../cube/auth';
import { probeNativeModule } from '../cube/engine/native-module';
import { type CubeProcess, spawnCube } from '../cube/process';
import { buildAllRollups } from '../cube/rollups';
import type { PgConfig } from '../db/connection';

export type BenchCube = {
  process: CubeProcess;
  apiUrl: string;
  /** The secret Cube verifies tokens with (the web app signs its own with it). */
  apiSecret: string;
  /** A valid admin token (re-signed well before it expires). */
  token: () => string;
  engine: { name: string; summary: string };
  /** The SQL API's login, when it was started with one (`sqlPort`). */
  sql: { port: number; user: string; password: string } | null;
};

const TOKEN_TTL_SECONDS = 60 * 60;
const BENCH_STATEMENT_TIMEOUT_SECONDS = 900;

/** Cube's port for the bench tools: `BENCH_CUBE_PORT`, 4020 by default. */
export const benchCubePort = () => Number(process.env.BENCH_CUBE_PORT ?? 4020);

/**
 * Makes the Cube child write a V8 CPU profile into `dir` when it exits (spawnCube passes this
 * process's environment on, so only children started afterwards are profiled).
 */
export function profileCubeInto(dir: string): void {
  process.env.NODE_OPTIONS =
    `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${path.resolve(dir)}`.trim();
}

export async function startBenchCube(
  db: PgConfig,
  port: number,
  input: { corsOrigin?: string; sqlPort?: number } = {},
): Promise<BenchCube> {
  const apiSecret = randomBytes(24).toString('hex');
  const sql = input.sqlPort
    ? { port: input.sqlPort, user: 'bench', password: randomBytes(16).toString('hex') }
    : null;
  const child = await spawnCube({
    db,
    port,
    apiSecret,
    quiet: true,
    sqlPort: sql?.port ?? false,
    env: {
      ...(sql ? { CUBEJS_SQL_USER: sql.user, CUBEJS_SQL_PASSWORD: sql.password } : {}),
      CUBE_REFRESH_SECONDS: '0',
      // The production statement timeout (cube/limits.ts, 60 s) fits a first build of the
      // biggest rollup at 25 M rows on a quiet machine (~24 s), not on a busy one: a bench run
      // must not fail on a slow build. A timeout never shortens a query that succeeds, so the
      // timings are unaffected; CUBE_STATEMENT_TIMEOUT_SECONDS in the environment still wins.
      CUBE_STATEMENT_TIMEOUT_SECONDS:
        process.env.CUBE_STATEMENT_TIMEOUT_SECONDS ?? String(BENCH_STATEMENT_TIMEOUT_SECONDS),
      ...(input.corsOrigin ? { CUBE_CORS_ORIGINS: input.corsOrigin } : {}),
    },
    readyTimeoutMs: 120_000,
  });
  let token = '';
  let signedAt = 0;
  const current = () => {
    if (Date.now() - signedAt > (TOKEN_TTL_SECONDS / 2) * 1000) {
      token = signCubeToken(apiSecret, { sub: 'bench', role: 'admin' }, TOKEN_TTL_SECONDS);
      signedAt = Date.now();
    }
    return token;
  };
  const probe = probeNativeModule();
  const engine = probe.loads
    ? { name: 'stock', summary: 'stock Cube server (native module loaded)' }
    : {
        name: 'native-free',
        summary: `native-free engine (JS planner; native module unavailable: ${probe.reason})`,
      };
  return { process: child, apiUrl: child.apiUrl, apiSecret, token: current, engine, sql };
}

/** Peak and current resident memory of a process (MB), from /proc/<pid>/status. */
export async function processMemory(
  pid: number | undefined,
): Promise<{ peakMb: number | null; rssMb: number | null }> {
  if (pid === undefined) return { peakMb: null, rssMb: null };
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  if (status === null) return { peakMb: null, rssMb: null };
  const kb = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) / 1024 : null;
  };
  return { peakMb: kb('VmHWM'), rssMb: kb('VmRSS') };
}

/**
 * Rebuilds the partitions of `preAggregations` that intersect `dateRange` (UTC,
 * 'YYYY-MM-DDTHH:mm:ss.SSS'), and those of them that are unpartitioned whole, and waits for them:
 * the builds the refresh scheduler runs for one hour of new rows (bench/refresh-plan.ts says
 * which rollups). Returns the partition tables built.
 */
export async function buildPartitions(
  apiUrl: string,
  token: () => string,
  dateRange: [string, string],
  preAggregations: string[],
  timeoutMs = 600_000,
): Promise<{ seconds: number; tables: string[] }> {
  const { seconds, tables } = await buildAllRollups(apiUrl, token, {
    dateRange,
    preAggregations,
    timeoutMs,
  });
  return { seconds, tables };
}
