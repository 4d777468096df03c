/**
 * Cube for the benchmark: a child process on the bench database with its refresh scheduler off
 * (`CUBE_REFRESH_SECONDS=0`) so no background build disturbs the timings; rollups are built on
 * demand through Cube's jobs API (all of them, or only the partitions of a date range).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { z } from 'zod';
import { signCubeToken } from '../cube/auth';
import { probeNativeModule } from '../cube/engine/native-module';
import { type CubeProcess, spawnCube } from '../cube/process';
import type { PgConfig } from '../db/connection';

export type BenchCube = {
  process: CubeProcess;
  apiUrl: string;
  /** A valid admin token (re-signed well before it expires). */
  token: () => string;
  engine: { name: string; summary: string };
};

const TOKEN_TTL_SECONDS = 60 * 60;

export async function startBenchCube(db: PgConfig, port: number): Promise<BenchCube> {
  const apiSecret = randomBytes(24).toString('hex');
  const child = await spawnCube({
    db,
    port,
    apiSecret,
    quiet: true,
    env: { CUBE_REFRESH_SECONDS: '0' },
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
  return { process: child, apiUrl: child.apiUrl, token: current, engine };
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

const jobStatusSchema = z.record(
  z.string(),
  z.object({ status: z.string(), table: z.string().optional() }).loose(),
);

async function jobs(apiUrl: string, token: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${apiUrl}/pre-aggregations/jobs`, {
    method: 'POST',
    headers: { Authorization: token, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json: unknown = await response.json();
  if (!response.ok)
    throw new Error(`pre-aggregation jobs: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * Rebuilds the rollup partitions that intersect `dateRange` (UTC, 'YYYY-MM-DDTHH:mm:ss.SSS'),
 * plus unpartitioned rollups (Cube always includes those), and waits for them: the jobs API's
 * `selector.dateRange`, the same builds the refresh scheduler runs for partitions whose data
 * changed. Returns the partition tables built.
 */
export async function buildPartitions(
  apiUrl: string,
  token: () => string,
  dateRange: [string, string],
  timeoutMs = 600_000,
): Promise<{ seconds: number; tables: string[] }> {
  const started = performance.now();
  const tokens = z.array(z.string()).parse(
    await jobs(apiUrl, token(), {
      action: 'post',
      selector: { contexts: [{ securityContext: {} }], timezones: ['UTC'], dateRange },
    }),
  );
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const statuses = jobStatusSchema.parse(
      await jobs(apiUrl, token(), { action: 'get', resType: 'object', tokens }),
    );
    const values = Object.values(statuses);
    const failed = values.filter((job) => job.status.startsWith('failure'));
    if (failed.length > 0) {
      throw new Error(
        `rollup build failed: ${failed.map((j) => `${j.table}: ${j.status}`).join('; ')}`,
      );
    }
    if (values.length === tokens.length && values.every((job) => job.status.startsWith('done'))) {
      return {
        seconds: (performance.now() - started) / 1000,
        tables: values.map((job) => job.table ?? '?').sort(),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`rollup partitions were not built within ${Math.round(timeoutMs / 1000)} s`);
}
