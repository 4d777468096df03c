/**
 * The warm floor of two versions side by side: this checkout's Cube and another checkout's (e.g.
 * `git worktree add /tmp/before <commit>` or `git archive <commit> | tar -x -C /tmp/before`, with
 * its `node_modules` linked), both on the same bench database, with requests alternating between
 * them so both see the same machine load. On a shared machine, separate runs before and after a
 * change differ more between themselves than the change does; this is the comparison that holds.
 *
 *   npx tsx bench/warm-paired.ts --before /tmp/before [--scale small] [--rounds 2000]
 *
 * Reports, per version: `/readyz` and one kept `GET /load` (alternating, client wall time over a
 * keep-alive connection), Cube's CPU per hit (hits alone, from /proc), and the 30d tab as six
 * concurrent `/load`s and as one `/load-batch`. The other checkout's Cube listens on
 * `BENCH_CUBE_PORT` − 1.
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildAllRollups } from '../cube/rollups';
import { CubeClient } from '../lib/cube-client';
import { tabQueries, tabStates } from './cases';
import { benchCubePort, startBenchCube } from './cube';
import { openReusedBenchDatabase } from './database';
import { installInterruptHandlers, stopOnInterrupt } from './interrupt';
import { processCpuMs } from './load';
import { summarize } from './stats';
import type { Scale } from './types';

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    scale: { type: 'string', default: 'small' },
    rounds: { type: 'string', default: '2000' },
  },
  strict: true,
});
if (!values.before) throw new Error('--before <checkout of the other version> is required');
const rounds = Number(values.rounds);
const other = (await import(
  path.resolve(values.before, 'bench/cube.ts')
)) as typeof import('./cube');

const summary = (samples: readonly number[]) => {
  const s = summarize(samples);
  const at = (ms: number) => ms.toFixed(2);
  return `${at(s.median)} ms (p25–p75 ${at(s.p25)}–${at(s.p75)}, p95 ${at(s.p95)})`;
};

installInterruptHandlers();
const db = await openReusedBenchDatabase(values.scale as Scale);
const unregisterDb = stopOnInterrupt(() => db.stop());
const port = benchCubePort();
const cubes = [
  { name: 'before', cube: await other.startBenchCube(db.config, port - 1) },
  { name: 'after', cube: await startBenchCube(db.config, port) },
];
const unregisterCubes = stopOnInterrupt(() =>
  Promise.all(cubes.map((c) => c.cube.process.stop())).then(() => undefined),
);
const sides = cubes.map(({ name, cube }) => {
  // Like a browser: six keep-alive connections to one origin.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
  return {
    name,
    cube,
    agent,
    client: new CubeClient({ apiUrl: cube.apiUrl, token: cube.token, agent }),
    pings: [] as number[],
    hits: [] as number[],
    payingHits: [] as number[],
    concurrent: [] as number[],
    batch: [] as number[],
    cpuPerHit: '?',
  };
});
type Side = (typeof sides)[number];
const ping = (side: Side) =>
  new Promise<number>((resolve, reject) => {
    const started = performance.now();
    http
      .get(`${new URL(side.cube.apiUrl).origin}/readyz`, { agent: side.agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(performance.now() - started));
      })
      .on('error', reject);
  });
/** Both sides, the order swapped every round. */
const inTurn = (round: number) => (round % 2 ? sides : [...sides].reverse());

try {
  const state = tabStates(db.dataNow).find((s) => s.timeframe === '30d');
  if (!state) throw new Error('No 30d tab state');
  const tab = tabQueries(state);
  const queries = tab.map((q) => q.query);
  const [first] = queries;
  // The tab's one query Cube answers from the source tables (distinct users, no rollup).
  const paying = tab.find((q) => q.widget === 'wow.paying_users')?.query;
  if (!paying) throw new Error('No wow.paying_users query in the tab');
  // Each version's rollups for the window the tab reads (the two models may name them apart, and
  // a bench database made by the other checkout's run holds only its own).
  const to = new Date(db.dataNow).toISOString().slice(0, 10);
  const from = new Date(db.dataNow - 45 * 86_400_000).toISOString().slice(0, 10);
  for (const side of sides) {
    await buildAllRollups(side.cube.apiUrl, side.cube.token, { dateRange: [from, to] });
    for (let i = 0; i < 3; i++) await Promise.all(queries.map((q) => side.client.load(q)));
  }
  const loadAtStart = os.loadavg()[0] ?? 0;
  for (let i = 0; i < rounds; i++) {
    for (const side of inTurn(i)) {
      side.pings.push(await ping(side));
      side.hits.push((await side.client.load(first)).ms);
      side.payingHits.push((await side.client.load(paying)).ms);
    }
  }
  for (const side of sides) {
    const pid = side.cube.process.process.pid;
    const before = await processCpuMs(pid);
    for (let i = 0; i < rounds; i++) await side.client.load(first);
    const after = await processCpuMs(pid);
    if (before !== null && after !== null) side.cpuPerHit = ((after - before) / rounds).toFixed(3);
  }
  const tabRounds = Math.max(20, Math.round(rounds / 5));
  for (let i = 0; i < tabRounds; i++) {
    for (const side of inTurn(i)) {
      let started = performance.now();
      await Promise.all(queries.map((q) => side.client.load(q)));
      side.concurrent.push(performance.now() - started);
      started = performance.now();
      await side.client.loadBatch(queries);
      side.batch.push(performance.now() - started);
    }
  }
  console.log(
    `${values.scale} scale, ${rounds} alternating rounds (${tabRounds} per tab), load ${loadAtStart.toFixed(1)} → ${(os.loadavg()[0] ?? 0).toFixed(1)}`,
  );
  for (const side of sides) {
    console.log(
      [
        `${side.name}: /readyz ${summary(side.pings)}`,
        `  one query, kept answer: ${summary(side.hits)}; Cube CPU per hit ${side.cpuPerHit} ms`,
        `  wow.paying_users (source tables), warm: ${summary(side.payingHits)}`,
        `  30d tab, 6 concurrent /loads: ${summary(side.concurrent)}`,
        `  30d tab, one /load-batch: ${summary(side.batch)}`,
      ].join('\n'),
    );
  }
} finally {
  for (const side of sides) side.agent.destroy();
  await Promise.all(cubes.map((c) => c.cube.process.stop()));
  unregisterCubes();
  await db.stop();
  unregisterDb();
}
