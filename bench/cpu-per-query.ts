/**
 * Cube's CPU time per query on the tab's queries, the figure that does not move with whatever else
 * runs on a shared machine (wall times do): starts the bench's Cube on the bench database, sends
 * every tab state's queries at once (as the browser does) for a number of rounds, and reads Cube's
 * user + system time from /proc before and after. Also counts the statements Cube sent Postgres
 * per query (pg_stat_statements), and with --profile writes a V8 CPU profile of the Cube process.
 *
 *   npx tsx bench/cpu-per-query.ts [--scale small] [--rounds 30] [--cache no-cache|warm]
 *     [--timeframes 7d,30d] [--build exports.totals,…] [--profile <dir>]
 *
 * It also prints each query's median wall time (client, with the other queries of its tab state in
 * flight, as in the bench's whole tab) and Postgres' own time per statement, so a query's wall time
 * splits into Postgres and the rest.
 *
 * `--against <checkout>` also starts the Cube of another checkout of this repository (its own
 * `bench/cube.ts`, e.g. main as "before") on `BENCH_AGAINST_CUBE_PORT` (default 4021), on the same
 * database, and alternates the rounds between the two (ABBA), so both are measured under the same
 * machine load: on a shared machine two runs minutes apart differ by ±30 % on their own.
 *
 * `CUBE_FROM_SOURCE=1` runs Cube under tsx instead of compiled (cube/process.ts), to compare.
 * Needs the bench database generated (`npm run bench -- --scale small` once).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildAllRollups, rollupTableCount } from '../cube/rollups';
import { type CacheMode, CubeClient } from '../lib/cube-client';
import { TIMEFRAMES } from '../web/lib/timeframe';
import { tabQueries, tabStates } from './cases';
import { type BenchCube, benchCubePort, profileCubeInto, startBenchCube } from './cube';
import { openReusedBenchDatabase } from './database';
import { installInterruptHandlers, stopOnInterrupt } from './interrupt';
import { processCpuMs } from './load';
import { quantile } from './stats';
import type { Scale } from './types';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'small' },
    rounds: { type: 'string', default: '30' },
    cache: { type: 'string', default: 'no-cache' },
    profile: { type: 'string' },
    timeframes: { type: 'string' },
    build: { type: 'string' },
    against: { type: 'string' },
  },
  strict: true,
});
const scale = values.scale as Scale;
const rounds = Number(values.rounds);
const cache = values.cache as CacheMode;

if (values.profile) profileCubeInto(values.profile);

installInterruptHandlers();
const db = await openReusedBenchDatabase(scale);
const unregisterDb = stopOnInterrupt(() => db.stop());
const started = performance.now();
const cube = await startBenchCube(db.config, benchCubePort());
const startMs = performance.now() - started;
const unregisterCube = stopOnInterrupt(() => cube.process.stop());
// The other checkout's own launcher, so its Cube runs its own engine code (bundled in its tree).
const other: BenchCube | undefined = values.against
  ? await (
      (await import(path.resolve(values.against, 'bench', 'cube.ts'))) as {
        startBenchCube: typeof startBenchCube;
      }
    ).startBenchCube(db.config, Number(process.env.BENCH_AGAINST_CUBE_PORT ?? 4021))
  : undefined;
const unregisterOther = stopOnInterrupt(async () => other?.process.stop());
const pool = new pg.Pool({ ...db.config, max: 1 });
try {
  if ((await rollupTableCount(db.config)) === 0) {
    await buildAllRollups(cube.apiUrl, cube.token(), { timeoutMs: 30 * 60_000 });
  } else if (values.build) {
    // Rollups added to the model since the bench last built them (Cube here does not build).
    await buildAllRollups(cube.apiUrl, cube.token(), {
      timeoutMs: 30 * 60_000,
      preAggregations: values.build.split(','),
    });
  }
  const timeframes = values.timeframes
    ? TIMEFRAMES.filter((tf) => values.timeframes?.split(',').includes(tf))
    : TIMEFRAMES;
  const states = tabStates(db.dataNow, timeframes);
  const wall = new Map<string, number[]>();
  const tabOf = (target: BenchCube, record: boolean) => {
    const http = new CubeClient({ apiUrl: target.apiUrl, token: target.token });
    return async () => {
      for (const state of states) {
        await Promise.all(
          tabQueries(state).map(async (q) => {
            const { ms } = await http.load(q.query, { cache });
            if (record) wall.set(q.id, [...(wall.get(q.id) ?? []), ms]);
          }),
        );
      }
    };
  };
  const tab = tabOf(cube, true);
  const otherTab = other ? tabOf(other, false) : undefined;
  const pid = cube.process.process.pid;
  const otherPid = other?.process.process.pid;
  const command = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '?');
  const cpuAfterStart = await processCpuMs(pid);
  for (let i = 0; i < 3; i++) {
    await tab();
    await otherTab?.();
  }
  wall.clear();
  const queries = rounds * states.reduce((n, state) => n + tabQueries(state).length, 0);
  await pool.query('SELECT pg_stat_statements_reset()');
  const before = await processCpuMs(pid);
  const otherBefore = await processCpuMs(otherPid);
  let wallMs = 0;
  for (let i = 0; i < rounds; i++) {
    // ABBA: neither side always runs first after the other.
    if (otherTab && i % 2 === 1) await otherTab();
    const started = performance.now();
    await tab();
    wallMs += performance.now() - started;
    if (otherTab && i % 2 === 0) await otherTab();
  }
  const after = await processCpuMs(pid);
  const otherAfter = await processCpuMs(otherPid);
  const perQuery = (from: number | null, to: number | null) =>
    from !== null && to !== null ? ((to - from) / queries).toFixed(2) : '?';
  const { rows } = await pool.query<{ calls: string; query: string; mean_ms: number }>(
    `SELECT calls, query, mean_exec_time AS mean_ms FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY calls DESC`,
  );
  const statements = rows.reduce((n, row) => n + Number(row.calls), 0);
  console.log(
    [
      `Cube: ${command.replaceAll('\0', ' ').trim()} (${cube.engine.name}), cache ${cache}`,
      `start to /readyz: ${startMs.toFixed(0)} ms; CPU used starting: ${cpuAfterStart?.toFixed(0)} ms`,
      `${queries} queries in ${rounds} rounds of ${states.length} tab states (all queries of a state at once)`,
      `Cube CPU per query: ${perQuery(before, after)} ms`,
      ...(values.against
        ? [
            `Cube CPU per query of ${values.against} (rounds alternated with the above): ${perQuery(otherBefore, otherAfter)} ms`,
          ]
        : []),
      `wall per tab state: ${(wallMs / rounds / states.length).toFixed(1)} ms`,
      `Postgres statements per query: ${(statements / queries).toFixed(2)}`,
      ...rows
        .slice(0, 16)
        .map(
          (row) =>
            `  ${row.calls} × ${row.mean_ms.toFixed(2)} ms × ${row.query.replace(/\s+/g, ' ').slice(0, 130)}`,
        ),
      'median wall per query (ms, client, the tab state in flight):',
      ...[...wall].map(([id, ms]) => {
        const sorted = ms.toSorted((x, y) => x - y);
        return `  ${id}: ${quantile(sorted, 0.5).toFixed(1)} (p25 ${quantile(sorted, 0.25).toFixed(1)}, p75 ${quantile(sorted, 0.75).toFixed(1)})`;
      }),
      `load average: ${os
        .loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')}`,
    ].join('\n'),
  );
} finally {
  await pool.end();
  await cube.process.stop();
  unregisterCube();
  await other?.process.stop();
  unregisterOther();
  await db.stop();
  unregisterDb();
}
