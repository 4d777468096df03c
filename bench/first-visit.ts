/**
 * Where the first visit of the tab spends its time on the server, at the bench's scale:
 * `BENCH_PG_DIR=… npx tsx bench/first-visit.ts [--scale large] [--rebuild] [--visits 3]`.
 *
 * It reproduces the bench's first visit (bench/browser.ts: `next start` freshly started, the demo
 * admin signed in, Cube's result cache empty for the tab's queries) and then separates the two
 * cold caches a first visit meets, each timed by the HTML's last byte in Chromium:
 * - "cold": fresh web server, Cube never asked for the tab's queries;
 * - "warm": a reload (both warm);
 * - "new web server": the web server restarted, Cube's answers still cached;
 * - "new tab state": a view never asked before (Cube uncached), same web server.
 * `--rebuild` first drops and rebuilds every rollup as the bench does (~3 min at large), so the
 * first visit follows a full build exactly as in `npm run bench`. `--as-bench N` runs the bench's
 * own browser timing (bench/browser.ts) N times instead; `--web-profile DIR` writes V8 CPU
 * profiles of the first web server.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import type { Browser, BrowserContext } from 'playwright-core';
import { PRE_AGGREGATIONS_SCHEMA } from '../cube/options';
import { buildAllRollups } from '../cube/rollups';
import { createPool } from '../db/connection';
import { launchChromium } from '../lib/chromium';
import { describeTimeToData, readTimeToData } from '../lib/time-to-data';
import { spawnWeb } from '../scripts/lib/web-process';
import { measureBrowser, signedInAdmin } from './browser';
import { startBenchCube } from './cube';
import { openReusedBenchDatabase } from './database';
import type { Scale } from './types';

const PATH = '/admin/analytics';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'large' },
    rebuild: { type: 'boolean', default: false },
    visits: { type: 'string', default: '3' },
    // Writes V8 CPU profiles of the first web server (sign-in, then the cold visit) into this folder.
    'web-profile': { type: 'string' },
    // Runs the bench's own browser timing (bench/browser.ts) instead, this many times.
    'as-bench': { type: 'string' },
  },
});
const scale = values.scale as Scale;
const webPort = Number(process.env.BENCH_WEB_PORT ?? 3020);
const base = `http://localhost:${webPort}`;
const t0 = performance.now();
const log = (line: string) =>
  console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}`);

/** Cube's log lines not printed yet (its queries and pre-aggregation loads, with durations). */
const cubeLog: string[] = [];

let statsPool: pg.Pool;

/** What Postgres ran since the last call (pg_stat_statements), slowest first. */
async function statements(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ calls: string; ms: number; query: string }>(
    `SELECT calls, total_exec_time AS ms, query FROM pg_stat_statements
      WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 12`,
  );
  for (const r of rows)
    console.log(
      `    pg: ${r.calls}× ${r.ms.toFixed(1)} ms  ${r.query.replace(/\s+/g, ' ').slice(0, 160)}`,
    );
  await pool.query('SELECT pg_stat_statements_reset()');
}

async function visit(context: BrowserContext, url: string, label: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(`${base}${url}`, { waitUntil: 'commit' });
  try {
    const t = await readTimeToData(page);
    log(
      `${label.padEnd(16)} data ${t.dataMs.toFixed(0)} ms, HTML ${t.ttfbMs.toFixed(0)}–${t.htmlEndMs.toFixed(0)} ms, FCP ${t.fcpMs?.toFixed(0) ?? '–'}, ` +
        `Cube requests from the browser ${t.cubeLoads}`,
    );
  } catch (error) {
    log(`${label.padEnd(16)} FAILED: ${error instanceof Error ? error.message : String(error)}`);
  }
  await page.close();
  for (const line of cubeLog.splice(0)) console.log(`    cube: ${line.slice(0, 400)}`);
  await statements(statsPool);
}

async function main() {
  const db = await openReusedBenchDatabase(scale, log);
  const pool = createPool(db.config, { max: 2, applicationName: 'first-visit' });
  statsPool = pool;
  let browser: Browser | undefined;
  const cube = await startBenchCube(db.config, Number(process.env.BENCH_CUBE_PORT ?? 4020), {
    corsOrigin: base,
  });
  for (const stream of [cube.process.process.stdout, cube.process.process.stderr]) {
    stream?.on('data', (chunk: Buffer) =>
      cubeLog.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((l) => l.trim() !== ''),
      ),
    );
  }
  const webEnv = {
    SESSION_SECRET: randomBytes(24).toString('hex'),
    CUBEJS_API_SECRET: cube.apiSecret,
    CUBE_PUBLIC_API_URL: cube.apiUrl,
    DEMO_LOGIN: '1',
  };
  if (values['as-bench'] !== undefined) {
    try {
      await fetch(`${cube.apiUrl}/meta`, { headers: { Authorization: cube.token() } });
      for (let i = 0; i < Number(values['as-bench']); i++) {
        const r = await measureBrowser(cube, { port: webPort, scale, log });
        if (r.error || !r.first || !r.warmMedian || !r.serverFirst) log(`FAILED: ${r.error}`);
        else {
          log(`server's first request: ${describeTimeToData(r.serverFirst)}`);
          log(`first visit: ${describeTimeToData(r.first)}`);
          log(`warm median: ${describeTimeToData(r.warmMedian)}`);
        }
      }
    } finally {
      await cube.process.stop().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await db.stop();
    }
    return;
  }
  const profile = values['web-profile'];
  let web = await spawnWeb({
    port: webPort,
    quiet: false,
    env: profile
      ? { ...webEnv, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profile} --cpu-prof-interval=500` }
      : webEnv,
  });
  try {
    if (values.rebuild) {
      await pool.query(`DROP SCHEMA IF EXISTS ${PRE_AGGREGATIONS_SCHEMA} CASCADE`);
      await pool.query(`CREATE SCHEMA ${PRE_AGGREGATIONS_SCHEMA}`);
      log('full rollup build…');
      const built = await buildAllRollups(cube.apiUrl, cube.token(), { timeoutMs: 30 * 60_000 });
      log(`  ${built.partitions} partitions in ${built.seconds.toFixed(1)} s`);
    }
    browser = await launchChromium();
    const { context } = await signedInAdmin(browser, base);
    // The bench's Cube has compiled the model for its build before the first visit.
    const meta = performance.now();
    await fetch(`${cube.apiUrl}/meta`, { headers: { Authorization: cube.token() } });
    log(`Cube /meta (model compile) ${(performance.now() - meta).toFixed(0)} ms`);
    cubeLog.splice(0);
    await statements(statsPool);
    log('signed in; first visit');
    // A quiet gap, so the cold visit is its own busy period in a profile.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await visit(context, PATH, 'cold');
    for (let i = 0; i < Number(values.visits); i++) await visit(context, PATH, 'warm');
    await web.stop();
    web = await spawnWeb({ port: webPort, quiet: false, env: webEnv });
    log('web server restarted');
    await visit(context, PATH, 'new web server');
    for (let i = 0; i < Number(values.visits); i++) await visit(context, PATH, 'warm');
    for (const tf of ['30d', 'all']) await visit(context, `${PATH}?tf=${tf}`, `new state ${tf}`);
  } finally {
    await browser?.close().catch(() => undefined);
    await web.stop().catch(() => undefined);
    await cube.process.stop().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await db.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
