/**
 * The split topology under steady load while its parts die: the real launcher
 * (`scripts/start.ts --topology=split --no-web`) on a throwaway embedded Postgres it is pointed at,
 * a few loopback clients sending the tab's queries through the proxy (half as `/load`, half as
 * `/load-batch`), and then, one after the other: an API instance SIGKILLed, the refresh worker
 * SIGKILLed, Postgres stopped for 10 s, and a worker that dies on every start (a crash loop).
 * Every request's time, status and error is kept; the figures are printed for the record.
 *
 * Ports: TEST_CHAOS_PG_PORT and TEST_CHAOS_CUBE_PORT (the proxy) with the three that follow it.
 */
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signCubeToken } from '../../cube/auth';
import { cubeDbEnv } from '../../cube/process';
import { REFRESH_LOCK_KEY } from '../../cube/refresh-lock';
import { splitPorts } from '../../cube/roles';
import { buildAllRollups } from '../../cube/rollups';
import { withClient } from '../../db/connection';
import {
  embeddedPortFromEnv,
  type RunningPostgres,
  startEmbeddedPostgres,
} from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { seed } from '../../db/seed';
import { type Child, startChild, stopAllChildren } from '../../lib/child';
import { tabQueries } from '../../web/lib/analytics/registry';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PG_DIR = '.data/test-chaos-pg';
const pgPort = embeddedPortFromEnv(process.env, 'TEST_CHAOS_PG_PORT', 25437);
const cubePort = embeddedPortFromEnv(process.env, 'TEST_CHAOS_CUBE_PORT', 4030);
const ports = splitPorts(cubePort);
const secret = 'chaos-topology-test-secret-0123456789';
/** A token signed in the last minute: the run can outlast one token's lifetime on a busy machine. */
let signed = { at: 0, token: '' };
function token(): string {
  if (Date.now() - signed.at > 60_000)
    signed = { at: Date.now(), token: signCubeToken(secret, { sub: 'chaos-test', role: 'admin' }) };
  return signed.token;
}
const proxyApi = `http://localhost:${cubePort}/cubejs-api/v1`;
const CLIENTS = 2;

let db: RunningPostgres;
let launcher: Child;
let hourStart: Date;
/** Every line the launcher printed (its Cube children's included), with the time it arrived. */
const lines: Array<{ at: number; text: string }> = [];

const output = () => lines.map((line) => line.text).join('\n');

/** Resolves with the time of the first launcher line (after `since`) that matches `pattern`. */
async function lineMatching(pattern: RegExp, since: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = lines.find((line) => line.at >= since && pattern.test(line.text));
    if (found) return found.at;
    if (launcher.process.exitCode !== null || Date.now() > deadline)
      throw new Error(
        `no launcher line matching ${pattern}; last lines:\n${output().slice(-3000)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The pid the launcher last reported for a Cube process (its start line or its restart line). */
function pidOf(name: 'Cube API 2' | 'Cube refresh worker', restarted: RegExp): number {
  const describe = new RegExp(`${name}:.*\\(pid (\\d+)\\)`);
  let pid = 0;
  for (const { text } of lines) {
    const match = describe.exec(text) ?? restarted.exec(text);
    if (match) pid = Number(match[1]);
  }
  expect(pid).toBeGreaterThan(0);
  return pid;
}

/** One request: when it was sent, how long until its answer, and how many "Continue wait"s first. */
type Sent = {
  at: number;
  ms: number;
  ok: boolean;
  status: number;
  error?: string;
  waits: number;
};

/**
 * Clients sending the tab's queries through the proxy back to back until `stop()`: even ones as
 * `GET /load`, odd ones as `POST /load-batch` (the web app's transport). "Continue wait" is asked
 * again, as @cubejs-client/core does; anything else that is not a 200 answer is a failure. With
 * `bypassCache` the batch clients ask Cube to skip its result cache, so each of their queries
 * reaches Postgres (an outage cannot hide behind cached answers).
 */
function steadyLoad({
  bypassCache = false,
  queries = tabQueries(hourStart).map((q) => q.query) as unknown[],
} = {}) {
  const sent: Sent[] = [];
  let running = true;
  let n = 0;
  const once = async (batch: boolean): Promise<Omit<Sent, 'at' | 'ms'>> => {
    for (let waits = 0; ; waits++) {
      const query = queries[n++ % queries.length];
      const response = batch
        ? await fetch(`${proxyApi}/load-batch`, {
            method: 'POST',
            headers: { Authorization: token(), 'content-type': 'application/json' },
            body: JSON.stringify({
              queries: [
                { query, queryType: 'multi', ...(bypassCache ? { cache: 'no-cache' } : {}) },
              ],
            }),
          })
        : await fetch(
            `${proxyApi}/load?queryType=multi&query=${encodeURIComponent(JSON.stringify(query))}`,
            { headers: { Authorization: token() } },
          );
      const body = (await response.json()) as {
        error?: string;
        results?: Array<{ status: number; body: { error?: string } }>;
      };
      const entry = batch && response.ok ? body.results?.[0] : undefined;
      const status = entry?.status ?? response.status;
      const error = entry ? entry.body.error : body.error;
      if (error === 'Continue wait') continue;
      return { ok: status === 200 && error === undefined, status, error, waits };
    }
  };
  const client = async (index: number) => {
    while (running) {
      const at = Date.now();
      const answer = await once(index % 2 === 1).catch((error: Error) => ({
        ok: false,
        status: 0,
        error: `${error.message} (${String((error.cause as Error | undefined)?.message)})`,
        waits: 0,
      }));
      sent.push({ at, ms: Date.now() - at, ...answer });
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, i) => client(i));
  return {
    sent,
    async stop() {
      running = false;
      await Promise.all(clients);
      return sent;
    },
  };
}

const failures = (sent: Sent[]) => sent.filter((s) => !s.ok);

function p99(sent: Sent[]): number {
  const sorted = sent.map((s) => s.ms).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length * 0.99)] ?? Number.NaN;
}

/**
 * Seconds after `from` until the p99 of every later request is back to normal: at most twice the
 * p99 of the requests sent before `from` (tenths of a second; NaN when it never is).
 */
function p99BackToNormal(sent: Sent[], from: number): number {
  const normal = 2 * p99(sent.filter((s) => s.at < from));
  const last = Math.max(...sent.map((s) => s.at));
  for (let tenths = 0; from + tenths * 100 <= last; tenths++) {
    if (p99(sent.filter((s) => s.at >= from + tenths * 100)) <= normal) return tenths / 10;
  }
  return Number.NaN;
}

/** Postgres's answer for a rollup table that no longer exists, as Cube passes it on. */
const droppedRollup = (s: Sent) =>
  s.status === 400 &&
  /relation "analytics_pre_aggregations\.[^"]+" does not exist/.test(s.error ?? '');

/** Exports in the current hour, through the proxy and on the source table. */
async function currentHour(): Promise<{ cube: number; source: number }> {
  const from = hourStart.toISOString().slice(0, 19);
  const to = new Date(hourStart.getTime() + 3_599_999).toISOString().slice(0, 23);
  const query = {
    measures: ['exports_overview.exports'],
    timeDimensions: [{ dimension: 'exports_overview.created_at', dateRange: [from, to] }],
    timezone: 'UTC',
  };
  const response = await fetch(
    `${proxyApi}/load?query=${encodeURIComponent(JSON.stringify(query))}`,
    { headers: { Authorization: token() } },
  );
  const body = (await response.json()) as { data?: Array<Record<string, string>> };
  const { rows } = await withClient(db.config, (client) =>
    client.query<{ n: number }>(
      `select count(*)::int as n from exports
        where created_at >= $1 and created_at < $1::timestamptz + interval '1 hour'`,
      [hourStart],
    ),
  );
  return {
    cube: Number(body.data?.[0]?.['exports_overview.exports'] ?? -1),
    source: rows[0]?.n ?? -2,
  };
}

/**
 * A tab query Cube must run now ("no-cache": no result cache answers it, the rollup is read in
 * Postgres): its answer says whether Cube reaches Postgres right now.
 */
async function freshProbe(
  query: unknown = tabQueries(hourStart)[0]?.query,
): Promise<{ status: number; error?: string; ms: number }> {
  const started = Date.now();
  for (;;) {
    const response = await fetch(`${proxyApi}/load-batch`, {
      method: 'POST',
      headers: { Authorization: token(), 'content-type': 'application/json' },
      body: JSON.stringify({ queries: [{ query, queryType: 'multi', cache: 'no-cache' }] }),
    });
    const body = (await response.json()) as {
      error?: string;
      results?: Array<{ status: number; body: { error?: string } }>;
    };
    const entry = body.results?.[0];
    const error = entry ? entry.body.error : body.error;
    if (error !== 'Continue wait')
      return { status: entry?.status ?? response.status, error, ms: Date.now() - started };
  }
}

/** The application name of the session holding the refresh lock (null when nobody does). */
async function lockHolder(): Promise<string | null> {
  const { rows } = await withClient(db.config, (client) =>
    client.query<{ application_name: string }>(
      `select a.application_name from pg_locks l join pg_stat_activity a using (pid)
        where l.locktype = 'advisory' and l.granted
          and ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint`,
      [REFRESH_LOCK_KEY],
    ),
  );
  return rows[0]?.application_name ?? null;
}

beforeAll(async () => {
  db = await startEmbeddedPostgres({
    dataDir: PG_DIR,
    port: pgPort,
    portEnvVar: 'TEST_CHAOS_PG_PORT',
    fresh: true,
    durable: false,
  });
  await migrate(db.config);
  hourStart = new Date();
  hourStart.setUTCMinutes(0, 0, 0);
  await seed(db.config, { scale: 'small', seed: 42, now: hourStart });
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  launcher = startChild(
    'launcher',
    process.execPath,
    ['--import', 'tsx', 'scripts/start.ts', '--topology=split', '--no-web'],
    {
      cwd: ROOT,
      quiet: true,
      env: {
        ...inherited,
        ...cubeDbEnv(db.config),
        CUBE_PORT: String(cubePort),
        CUBEJS_API_SECRET: secret,
        CUBEJS_PG_SQL_PORT: 'false',
      },
    },
  );
  const keep = (chunk: Buffer) => {
    for (const text of chunk.toString().split('\n'))
      if (text.trim() !== '') lines.push({ at: Date.now(), text });
  };
  launcher.process.stdout?.on('data', keep);
  launcher.process.stderr?.on('data', keep);
  // The launcher builds every rollup first (about 230 tables): 2 to 8 minutes on a shared 2-core
  // machine, depending on its load.
  await lineMatching(/^Ready in /, 0, 900_000);
  // Each instance answers the tab once before the load starts: a cold instance compiles and
  // plans each query first, which takes seconds on a busy machine and is not what is measured.
  for (const port of ports.apis) {
    const queries = tabQueries(hourStart).map((q) => ({ query: q.query, queryType: 'multi' }));
    for (let i = 0; i < queries.length; i += 8) {
      for (;;) {
        const response = await fetch(`http://localhost:${port}/cubejs-api/v1/load-batch`, {
          method: 'POST',
          headers: { Authorization: token(), 'content-type': 'application/json' },
          body: JSON.stringify({ queries: queries.slice(i, i + 8) }),
        });
        const body = (await response.json()) as { results: Array<{ body: { error?: string } }> };
        if (!body.results.some((r) => r.body.error === 'Continue wait')) break;
      }
    }
  }
}, 1_000_000);

afterAll(async () => {
  await stopAllChildren();
  await db?.stop();
});

describe('split topology under load: one part dies at a time', () => {
  test('SIGKILL of an API instance: ≤ 0.1 % of requests fail; it comes back into rotation', async () => {
    const load = steadyLoad();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const pid = pidOf('Cube API 2', /cube api 2 is up again on :\d+ \(pid (\d+)/);
    const killedAt = Date.now();
    process.kill(-pid, 'SIGKILL');
    const port = ports.apis[1];
    const backAt = await lineMatching(
      new RegExp(`Cube proxy: :${port} back in rotation`),
      killedAt,
      30_000,
    );
    const upAt = await lineMatching(/cube api 2 is up again/, killedAt, 1000);
    // A few seconds of load with both instances serving again.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const sent = await load.stop();
    const before = sent.filter((s) => s.at < killedAt);
    const after = sent.filter((s) => s.at > backAt);
    const failed = failures(sent);
    // Printed, not asserted: speed is the bench's to measure, and this machine is shared.
    console.log(
      `API instance SIGKILL: ${failed.length} of ${sent.length} requests failed; ` +
        `restarted and warmed up after ${((upAt - killedAt) / 1000).toFixed(1)} s, ` +
        `back in rotation after ${((backAt - killedAt) / 1000).toFixed(1)} s; ` +
        `p99 ${p99(before)} ms before, ${p99(sent.filter((s) => s.at >= killedAt + 5000))} ms from 5 s after the kill, ` +
        `${p99(after)} ms once back; p99 back to normal (≤ 2× before) ${p99BackToNormal(sent, killedAt)} s after the kill`,
    );
    expect(failed.filter(droppedRollup)).toEqual([]);
    expect(failed.length / sent.length, JSON.stringify(failed.slice(0, 5))).toBeLessThanOrEqual(
      0.001,
    );
    // The target is 15 s (printed above); on a loaded 2-core CI machine a Cube start alone takes
    // ~10 s, so the bound here only catches an instance that does not come back.
    expect(backAt - killedAt).toBeLessThanOrEqual(45_000);
    expect(output()).toMatch(
      new RegExp(
        `cube api 2 \\(pid ${pid}\\) exited unexpectedly \\(signal SIGKILL\\); restarting in [\\d.]+ s \\(restart 1\\)`,
      ),
    );
    expect(output()).toMatch(new RegExp(`Cube proxy: :${port} out of rotation`));
    expect(after.length).toBeGreaterThan(0);
  });

  test('SIGKILL of the refresh worker: no query fails; the restarted worker holds the lock and refreshes', async () => {
    const load = steadyLoad();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const pid = pidOf('Cube refresh worker', /cube worker is up again on :\d+ \(pid (\d+)/);
    expect(await lockHolder()).toContain(`pid ${pid},`);
    const killedAt = Date.now();
    process.kill(-pid, 'SIGKILL');
    // Rows that only a refresh after the worker's death can show.
    const stale = await currentHour();
    await withClient(db.config, (client) =>
      client.query(
        `insert into exports (id, user_id, project_id, format, quality, status, video_duration_ms, created_at)
         select 'chaos-' || g, e.user_id, e.project_id, 'mp4', '720p', 'pending', 1000, $1
           from (select user_id, project_id from exports limit 1) e, generate_series(1, 5) g`,
        [hourStart],
      ),
    );
    const upAt = await lineMatching(/cube worker is up again on :\d+ \(pid \d+/, killedAt, 60_000);
    const restarted = pidOf('Cube refresh worker', /cube worker is up again on :\d+ \(pid (\d+)/);
    expect(restarted).not.toBe(pid);
    expect(await lockHolder()).toContain(`pid ${restarted},`);
    // The build its scheduler makes when the model's refresh key turns over, asked for now.
    const day = hourStart.toISOString().slice(0, 10);
    await buildAllRollups(`http://localhost:${ports.worker}/cubejs-api/v1`, token(), {
      dateRange: [day, day],
    });
    let fresh = await currentHour();
    const deadline = Date.now() + 30_000;
    while (fresh.cube !== fresh.source && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      fresh = await currentHour();
    }
    const sent = await load.stop();
    console.log(
      `Refresh worker SIGKILL: ${failures(sent).length} of ${sent.length} requests failed; ` +
        `worker up again after ${((upAt - killedAt) / 1000).toFixed(1)} s; ` +
        `current hour ${stale.cube} → ${fresh.cube} (source ${fresh.source})`,
    );
    expect(failures(sent)).toEqual([]);
    expect(stale.cube).toBe(stale.source);
    expect(fresh).toEqual({ cube: stale.source + 5, source: stale.source + 5 });
  });

  test('Postgres stopped for 10 s: 503s naming it only meanwhile, recovery within 10 s, no process exits', async () => {
    const exitsBefore = (output().match(/exited unexpectedly/g) ?? []).length;
    // The tab queries Cube answers uncached while Postgres is up (an API instance refuses some
    // uncached rollup queries: it never builds); the outage load sends those.
    const uncached: unknown[] = [];
    for (const { query } of tabQueries(hourStart))
      if ((await freshProbe(query)).status === 200) uncached.push(query);
    expect(uncached.length).toBeGreaterThan(0);
    const load = steadyLoad({ bypassCache: true, queries: uncached });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stoppedAt = Date.now();
    await db.stop();
    // A query that needs Postgres now: a 503 naming the cause, not a hang.
    const during = await freshProbe();
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, stoppedAt + 10_000 - Date.now())),
    );
    db = await startEmbeddedPostgres({ dataDir: PG_DIR, port: pgPort, durable: false });
    const backAt = Date.now();
    // Recovery: the first fresh query answered from Postgres again.
    let after = await freshProbe();
    while (after.status !== 200 && Date.now() < backAt + 30_000) after = await freshProbe();
    const recoveredAt = Date.now();
    await lineMatching(/holds the refresh lock again/, backAt - 1000, 30_000);
    // Load goes on until 12 s after the restart: no failure may start after the recovery.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, backAt + 12_000 - Date.now())));
    const sent = await load.stop();
    const failed = failures(sent);
    const outage = sent.filter((s) => s.at + s.ms >= stoppedAt && s.at <= recoveredAt);
    const lastFailure = Math.max(...failed.map((s) => s.at + s.ms));
    console.log(
      `Postgres stopped 10 s: fresh query during the outage answered ${during.status} in ${during.ms} ms ` +
        `("${during.error}"); fresh queries answered again ${((recoveredAt - backAt) / 1000).toFixed(1)} s ` +
        `after Postgres was back. Load: ${failed.length} of ${sent.length} requests failed ` +
        `(${[...new Set(failed.map((s) => `${s.status} ${s.error?.slice(0, 60)}`))].join(' | ')}), the last ` +
        `${((lastFailure - backAt) / 1000).toFixed(1)} s after Postgres was back; requests overlapping ` +
        `the outage: ${outage.length}, slowest ${Math.max(...outage.map((s) => s.ms))} ms, ` +
        `${outage.reduce((n, s) => n + s.waits, 0)} "Continue wait"s`,
    );
    expect(during.status).toBe(503);
    expect(during.error).toMatch(/^The database is unavailable \(.+\); try again shortly\.$/);
    expect(recoveredAt - backAt).toBeLessThanOrEqual(10_000);
    // Every failure falls in the outage and names it. A query that named a rollup table the worker
    // had just replaced (`relation "analytics_pre_aggregations.…" does not exist`) once failed
    // here too, after the worker's refreshes; it is planned again on a fresh listing now
    // (cube/engine/dropped-rollup-retry.ts).
    for (const failure of failed) {
      expect(failure.at + failure.ms, JSON.stringify(failure)).toBeGreaterThanOrEqual(stoppedAt);
      expect(failure.at, JSON.stringify(failure)).toBeLessThanOrEqual(recoveredAt);
      expect(failure.status).toBe(503);
      expect(failure.error).toMatch(/^The database is unavailable \(.+\)/);
    }
    expect(sent.filter((s) => s.at > recoveredAt && s.ok).length).toBeGreaterThan(0);
    expect(output()).toContain('Refresh worker lost its database');
    expect((output().match(/exited unexpectedly/g) ?? []).length).toBe(exitsBefore);
    expect(launcher.process.exitCode).toBeNull();
  });

  test('a worker that dies on every start: the launcher gives up with a clear message and exits non-zero', async () => {
    // Another session holds the refresh lock, so every new worker exits at once naming it.
    const holder = new pg.Client({ ...db.config, application_name: 'chaos test lock holder' });
    await holder.connect();
    try {
      const pid = pidOf('Cube refresh worker', /cube worker is up again on :\d+ \(pid (\d+)/);
      process.kill(-pid, 'SIGKILL');
      await expect
        .poll(
          async () =>
            (
              await holder.query<{ locked: boolean }>(
                'select pg_try_advisory_lock($1::bigint) as locked',
                [REFRESH_LOCK_KEY],
              )
            ).rows[0]?.locked,
          { timeout: 10_000 },
        )
        .toBe(true);
      const code = await launcher.exited;
      expect(code).toBe(1);
      expect(output()).toMatch(
        /cube worker crashed 5 times within 60 s \(last: failed to start: .*Another refresh worker already refreshes .*chaos test lock holder.*\); giving up on it\. Stopping the stack\./,
      );
      expect(output()).toMatch(/cube worker failed to start \(.*Another refresh worker/);
    } finally {
      await holder.end();
    }
  });
});
