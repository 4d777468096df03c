/**
 * The split topology with real processes on loopback: a throwaway embedded Postgres (seeded),
 * two API instances (scheduler off) behind the round-robin proxy, one refresh worker. Numbers are
 * checked against SQL on the source table; "no API instance builds" is checked on the catalog: the
 * set of rollup tables never changes while only API instances run or are queried.
 *
 * Ports: TEST_SPLIT_PG_PORT, and TEST_SPLIT_CUBE_PORT (the proxy) with the three that follow it
 * (cube/roles.ts splitPorts) and one more for the second worker.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signCubeToken } from '../../cube/auth';
import { PRE_AGGREGATIONS_SCHEMA } from '../../cube/options';
import { type CubeProcess, spawnCube } from '../../cube/process';
import { roleEnv, splitPorts } from '../../cube/roles';
import { buildAllRollups } from '../../cube/rollups';
import { withClient } from '../../db/connection';
import {
  embeddedPortFromEnv,
  type RunningPostgres,
  startEmbeddedPostgres,
} from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { seed } from '../../db/seed';
import { stopAllChildren } from '../../lib/child';
import { CubeClient } from '../../lib/cube-client';
import { type RoundRobinProxy, startRoundRobinProxy } from '../../scripts/lib/round-robin-proxy';
import {
  type SplitInput,
  spawnApiInstance,
  spawnRefreshWorker,
} from '../../scripts/lib/split-topology';
import { tabQueries } from '../../web/lib/analytics/registry';

const cubePort = embeddedPortFromEnv(process.env, 'TEST_SPLIT_CUBE_PORT', 4020);
const ports = splitPorts(cubePort);
const secret = 'split-topology-test-secret-0123456789';
const token = signCubeToken(secret, { sub: 'split-test', role: 'admin' });

let pg: RunningPostgres;
let input: SplitInput;
let proxy: RoundRobinProxy;
const apis: CubeProcess[] = [];
let worker: CubeProcess;
let hourStart: Date;

/** Exports per hour over the 24 hours ending with the current one (the `hourly` rollup). */
function hourlyQuery() {
  const from = new Date(hourStart.getTime() - 23 * 3_600_000).toISOString().slice(0, 19);
  const to = new Date(hourStart.getTime() + 3_599_999).toISOString().slice(0, 23);
  return {
    measures: ['exports_overview.exports'],
    timeDimensions: [
      { dimension: 'exports_overview.created_at', granularity: 'hour', dateRange: [from, to] },
    ],
    timezone: 'UTC',
  };
}

type Answer = { status: number; error?: string; total: number; current: number; rollups: string[] };

async function load(apiUrl: string, query: unknown): Promise<Answer> {
  // Multi: the form the web app uses, and the one compareDateRange queries need.
  const search = new URLSearchParams({ query: JSON.stringify(query), queryType: 'multi' });
  const answer = await new CubeClient({ apiUrl, token }).request(`load?${search}`);
  const body = answer.body as {
    error?: string;
    results?: Array<{
      data: Array<Record<string, string | number | null>>;
      usedPreAggregations?: Record<string, unknown>;
    }>;
  };
  const first = body.results?.[0];
  const rows = first?.data ?? [];
  const hourKey = `${hourStart.toISOString().slice(0, 19)}.000`;
  return {
    status: answer.status,
    error: body.error,
    total: rows.reduce((sum, row) => sum + Number(row['exports_overview.exports'] ?? 0), 0),
    current: Number(
      rows.find((row) => row['exports_overview.created_at.hour'] === hourKey)?.[
        'exports_overview.exports'
      ] ?? 0,
    ),
    rollups: Object.keys(first?.usedPreAggregations ?? {}),
  };
}

/** The same numbers from the source table. */
async function oracle(): Promise<{ total: number; current: number }> {
  const { rows } = await withClient(pg.config, (client) =>
    client.query<{ total: number; current: number }>(
      `select count(*)::int as total,
              count(*) filter (where created_at >= $2)::int as current
         from exports where created_at >= $1 and created_at < $2::timestamptz + interval '1 hour'`,
      [new Date(hourStart.getTime() - 23 * 3_600_000), hourStart],
    ),
  );
  return rows[0] ?? { total: -1, current: -1 };
}

async function rollupTables(): Promise<string[]> {
  const { rows } = await withClient(pg.config, (client) =>
    client.query<{ name: string }>(
      'select table_name as name from information_schema.tables where table_schema = $1 order by 1',
      [PRE_AGGREGATIONS_SCHEMA],
    ),
  );
  return rows.map((row) => row.name);
}

/** Rows in the current hour (the "new hour": the seed ends where it starts). */
async function appendExports(n: number, tag: string): Promise<void> {
  await withClient(pg.config, (client) =>
    client.query(
      `insert into exports (id, user_id, project_id, format, quality, status, video_duration_ms, created_at)
       select 'split-' || $2 || '-' || g, e.user_id, e.project_id, 'mp4', '720p', 'pending', 1000, $3
         from (select user_id, project_id from exports limit 1) e, generate_series(1, $1::int) g`,
      [n, tag, hourStart],
    ),
  );
}

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean) {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const apiUrl = (port: number) => `http://localhost:${port}/cubejs-api/v1`;

beforeAll(async () => {
  pg = await startEmbeddedPostgres({
    dataDir: '.data/test-split-pg',
    port: embeddedPortFromEnv(process.env, 'TEST_SPLIT_PG_PORT', 25435),
    portEnvVar: 'TEST_SPLIT_PG_PORT',
    fresh: true,
    durable: false,
  });
  await migrate(pg.config);
  hourStart = new Date();
  hourStart.setUTCMinutes(0, 0, 0);
  await seed(pg.config, { scale: 'small', seed: 42, now: hourStart });
  input = {
    db: pg.config,
    cubePort,
    sqlPort: embeddedPortFromEnv(process.env, 'TEST_SPLIT_SQL_PORT', 15440),
    apiSecret: secret,
    quiet: true,
  };
});

afterAll(async () => {
  await proxy?.stop();
  await stopAllChildren();
  await pg?.stop();
});

describe('split topology: API instances + one refresh worker', () => {
  test('API instances on a database without rollups say so, answer "not built" and build nothing', async () => {
    apis.push(...(await Promise.all([spawnApiInstance(input, 0), spawnApiInstance(input, 1)])));
    proxy = await startRoundRobinProxy({ port: cubePort, upstreams: ports.apis });
    // The launcher prints this line just after Cube starts listening, so /readyz can answer first.
    for (const api of apis)
      await expect
        .poll(() => api.recentOutput().join('\n'), { timeout: 15_000 })
        .toContain('No rollups in this database yet');
    for (let i = 0; i < 2; i++) {
      const answer = await load(`${proxy.url}/cubejs-api/v1`, hourlyQuery());
      expect(answer.error).toMatch(/No pre-aggregation partitions were built yet/);
    }
    expect(await rollupTables()).toEqual([]);
  });

  test('the worker builds; a query through either instance is served from its rollup', async () => {
    worker = await spawnRefreshWorker(input);
    expect(worker.recentOutput().join('\n')).toContain('role: refresh-worker');
    const expected = await oracle();
    for (const api of apis) {
      // Until the worker's first run has built every partition the window spans (two months' or
      // two weeks' when it crosses a boundary), an instance serves the partitions built so far, as
      // Cube does with an external refresh worker; so wait for the whole window, then compare.
      const answer = await until(
        `API :${api.port} serves the worker's rollup`,
        () => load(apiUrl(api.port), hourlyQuery()),
        (a) => a.status === 200 && a.error === undefined && a.total === expected.total,
      );
      expect(answer.rollups).toEqual([`${PRE_AGGREGATIONS_SCHEMA}.exports_hourly`]);
      expect({ total: answer.total, current: answer.current }).toEqual(expected);
    }
  });

  test('with the worker gone, appended rows change nothing the instances serve; they build nothing', async () => {
    // A crashed worker: no builder is left, so any new rollup table would be an API instance's.
    if (worker.process.pid) process.kill(-worker.process.pid, 'SIGKILL');
    await worker.exited;
    const before = await rollupTables();
    const old = await oracle();
    await appendExports(7, 'a');
    for (const api of apis) {
      for (let i = 0; i < 3; i++) {
        const answer = await load(apiUrl(api.port), hourlyQuery());
        expect({ total: answer.total, current: answer.current }).toEqual(old);
      }
    }
    // The whole tab through the proxy: each query is answered from what exists, or refused with
    // "not built yet" where the worker's first run had not reached that rollup; never built here.
    for (const query of tabQueries(hourStart)) {
      const answer = await load(`${proxy.url}/cubejs-api/v1`, query.query);
      if (answer.status !== 200)
        expect(answer.error).toMatch(/No pre-aggregation partitions were built yet/);
    }
    expect(await rollupTables()).toEqual(before);
  });

  test('a restarted worker resumes refreshing; the new hour reaches both instances', async () => {
    const before = await rollupTables();
    worker = await spawnRefreshWorker(input);
    // The build its scheduler makes when the model's refresh key (every 10 minutes) turns over,
    // triggered now through the worker's own jobs API rather than awaited.
    const day = hourStart.toISOString().slice(0, 10);
    await buildAllRollups(worker.apiUrl, token, { dateRange: [day, day] });
    const now = await oracle();
    for (const api of apis) {
      const answer = await until(
        `API :${api.port} sees the new hour`,
        () => load(apiUrl(api.port), hourlyQuery()),
        (a) => a.current === now.current,
      );
      expect({ total: answer.total, current: answer.current }).toEqual(now);
    }
    expect(now.current).toBeGreaterThanOrEqual(7);
    expect(await rollupTables()).not.toEqual(before);
  });

  test('killing one API instance mid-load loses no request', async () => {
    const queries = tabQueries(hourStart).map((q) => q.query);
    const results: number[] = [];
    const errors: string[] = [];
    let sent = 0;
    const killed = apis[1] as CubeProcess;
    const client = async () => {
      while (sent < 80) {
        const query = queries[sent++ % queries.length];
        const answer = await load(`${proxy.url}/cubejs-api/v1`, query);
        results.push(answer.status);
        if (answer.error) errors.push(answer.error);
        if (results.length === 15 && killed.process.pid)
          process.kill(-killed.process.pid, 'SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: 6 }, client));
    await killed.exited;
    expect(errors).toEqual([]);
    expect(results.filter((status) => status !== 200)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(80);
    expect(proxy.stats.retried).toBeGreaterThan(0);
    expect(proxy.stats.failed).toBe(0);
  });

  test('a second refresh worker exits naming the first', async () => {
    const second = spawnCube({
      db: pg.config,
      port: cubePort + 4,
      apiSecret: secret,
      name: 'cube worker 2',
      quiet: true,
      env: roleEnv('refresh-worker'),
    });
    await expect(second).rejects.toThrow(
      /Another refresh worker already refreshes .*cube refresh worker \(pid/,
    );
  });

  test('a worker whose database goes away says so, stays up and takes the lock again when it is back', async () => {
    // Everything it prints from here (Cube's pool errors would push a line out of recentOutput).
    let log = '';
    const keep = (chunk: Buffer) => {
      log += chunk.toString();
    };
    worker.process.stdout?.on('data', keep);
    worker.process.stderr?.on('data', keep);
    await pg.stop();
    await expect.poll(() => log, { timeout: 30_000 }).toContain('Refresh worker lost its database');
    pg = await startEmbeddedPostgres({
      dataDir: '.data/test-split-pg',
      port: pg.config.port,
      durable: false,
    });
    await expect.poll(() => log, { timeout: 30_000 }).toContain('holds the refresh lock again');
    expect(worker.process.exitCode).toBeNull();
    const { rows } = await withClient(pg.config, (client) =>
      client.query<{ application_name: string }>(
        `select a.application_name from pg_locks l join pg_stat_activity a using (pid)
          where l.locktype = 'advisory' and l.granted`,
      ),
    );
    expect(rows.map((row) => row.application_name)).toEqual([
      `cube refresh worker (pid ${worker.process.pid}, port ${worker.port})`,
    ]);
  });
});
