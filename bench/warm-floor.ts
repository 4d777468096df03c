/**
 * The warm floor on its own, without the full bench: a result-cache hit of one query (client wall
 * time over a keep-alive connection, next to a bare `/readyz`), Cube's CPU per hit (/proc), and a
 * whole tab state warm sent both ways (its queries as concurrent `GET /load`s, and as one
 * `POST /load-batch`), with the load average beside every figure.
 *
 *   npx tsx bench/warm-floor.ts [--scale small] [--rounds 300] [--timeframe 30d] [--profile <dir>]
 *
 * `--profile` writes a V8 CPU profile of the Cube process (as bench/cpu-per-query.ts does).
 *
 * Needs the bench database generated (`npm run bench -- --scale small` once, or any bench tool).
 */
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { RESULT_CACHE_HEADER } from '../cube/hardening/result-fast-path';
import { buildAllRollups, rollupTableCount } from '../cube/rollups';
import { CubeClient } from '../lib/cube-client';
import { tabQueries, tabStates } from './cases';
import { benchCubePort, profileCubeInto, startBenchCube } from './cube';
import { openReusedBenchDatabase } from './database';
import { installInterruptHandlers, stopOnInterrupt } from './interrupt';
import { processCpuMs } from './load';
import { summarize } from './stats';
import type { Scale } from './types';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'small' },
    rounds: { type: 'string', default: '300' },
    timeframe: { type: 'string', default: '30d' },
    profile: { type: 'string' },
  },
  strict: true,
});
const scale = values.scale as Scale;
const rounds = Number(values.rounds);
const load = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');

if (values.profile) profileCubeInto(values.profile);

installInterruptHandlers();
const db = await openReusedBenchDatabase(scale);
const unregisterDb = stopOnInterrupt(() => db.stop());
const cube = await startBenchCube(db.config, benchCubePort());
const unregisterCube = stopOnInterrupt(() => cube.process.stop());
// Like a browser: six keep-alive connections to one origin.
const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
try {
  if ((await rollupTableCount(db.config)) === 0) {
    await buildAllRollups(cube.apiUrl, cube.token(), { timeoutMs: 30 * 60_000 });
  }
  const client = new CubeClient({ apiUrl: cube.apiUrl, token: cube.token, agent });
  const state = tabStates(db.dataNow).find((s) => s.timeframe === values.timeframe);
  if (!state) throw new Error(`No tab state for timeframe ${values.timeframe}`);
  const tab = tabQueries(state);
  const queries = tab.map((q) => q.query);
  for (let i = 0; i < 3; i++) await Promise.all(queries.map((q) => client.load(q)));
  const caches = await Promise.all(
    tab.map(async (q) => {
      const { headers } = await client.loadAnswer(q.query);
      return `${q.id} ${headers.get(RESULT_CACHE_HEADER) ?? 'bypassed'}`;
    }),
  );

  const pid = cube.process.process.pid;
  const ping = async () => {
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      http
        .get(`${new URL(cube.apiUrl).origin}/readyz`, { agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject);
    });
    return performance.now() - started;
  };
  const pings: number[] = [];
  for (let i = 0; i < rounds; i++) pings.push(await ping());

  const [first] = queries;
  const hits: number[] = [];
  const cpuBefore = await processCpuMs(pid);
  for (let i = 0; i < rounds; i++) hits.push((await client.load(first)).ms);
  const cpuAfter = await processCpuMs(pid);
  const cpuPerHit =
    cpuBefore !== null && cpuAfter !== null ? ((cpuAfter - cpuBefore) / rounds).toFixed(3) : '?';

  const tabRounds = Math.max(20, Math.round(rounds / 6));
  const timeTab = async (send: () => Promise<unknown>) => {
    const samples: number[] = [];
    const before = await processCpuMs(pid);
    for (let i = 0; i < tabRounds; i++) {
      const started = performance.now();
      await send();
      samples.push(performance.now() - started);
    }
    const after = await processCpuMs(pid);
    const cpu =
      before !== null && after !== null
        ? ((after - before) / tabRounds / queries.length).toFixed(3)
        : '?';
    return { ...summarize(samples), cpuPerQuery: cpu };
  };
  const concurrent = await timeTab(() => Promise.all(queries.map((q) => client.load(q))));
  const batch = await timeTab(() => client.loadBatch(queries)).catch((error: Error) => ({
    error: error.message,
  }));
  const fmt = (s: { median: number; p95: number }) =>
    `median ${s.median.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms`;
  console.log(
    [
      `Cube ${cube.engine.name}, scale ${scale}, tab ${state.timeframe} (${queries.length} queries); result cache: ${caches.join(', ')}`,
      `/readyz round trip: ${fmt(summarize(pings))} (${rounds}) · load ${load()}`,
      `one query, hit: ${fmt(summarize(hits))} (${rounds}); Cube CPU per hit ${cpuPerHit} ms · load ${load()}`,
      `whole tab, ${queries.length} concurrent GET /load: ${fmt(concurrent)} (${tabRounds}); Cube CPU per query ${concurrent.cpuPerQuery} ms · load ${load()}`,
      'error' in batch
        ? `whole tab, one POST /load-batch: unavailable (${batch.error})`
        : `whole tab, one POST /load-batch: ${fmt(batch)} (${tabRounds}); Cube CPU per query ${batch.cpuPerQuery} ms · load ${load()}`,
    ].join('\n'),
  );
} finally {
  agent.destroy();
  await cube.process.stop();
  unregisterCube();
  await db.stop();
  unregisterDb();
}
