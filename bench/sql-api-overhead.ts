/**
 * What a data query costs through the SQL API next to the same query on REST `/load`, in one run,
 * interleaved (SQL, REST, SQL, REST, …) so both see the same machine load. Point it at a running
 * Cube (`npm start -- --no-web`): it reads the same settings `npm start` does (CUBE_PORT,
 * CUBEJS_PG_SQL_PORT, CUBEJS_SQL_USER/PASSWORD, CUBEJS_API_SECRET or the generated secrets).
 *
 *   npx tsx bench/sql-api-overhead.ts [--n 300] [--warmup 20] [--cube-pid <pid>]
 *
 * Prints medians and p95 per query pair, the catalog query's latency, and the load average. With
 * `--cube-pid` (the `cube/launch.ts` process) it also gives the Cube process's CPU time per query
 * on each side, from /proc: on a shared machine wall times follow the load, CPU time much less.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { signCubeToken } from '../cube/auth';
import { readCubeEnv } from '../cube/env';
import { CubeClient, uncheckedQuery } from '../lib/cube-client';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '20' },
    'cube-pid': { type: 'string' },
  },
});
const N = Number(values.n);
const WARMUP = Number(values.warmup);
const CUBE_PID = values['cube-pid'];
/** Queries per side between two CPU readings (the kernel counts CPU in 10 ms ticks). */
const BLOCK = 25;

/** User + system CPU of the Cube process so far, in ms (fields 14 and 15 of /proc/<pid>/stat). */
function cubeCpuMs(): number {
  if (!CUBE_PID) return 0;
  const stat = readFileSync(`/proc/${CUBE_PID}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const day = (offset: number) =>
  new Date(Date.parse(new Date().toISOString().slice(0, 10)) + offset * 86_400_000)
    .toISOString()
    .slice(0, 10);
const TODAY = day(0);
const FROM = day(-29);
const TO_EXCLUSIVE = day(1);

/**
 * Each SQL text with the Cube query the SQL API translates it to (`limit`: its row cap). A
 * composed statement (`rows` differ: Postgres groups the Cube part's rows) is timed against its
 * Cube part alone on REST, so the difference is what evaluating it on top costs.
 */
const PAIRS: Array<{
  name: string;
  sql: string;
  rest: Record<string, unknown>;
  composed?: boolean;
}> = [
  {
    name: 'exports by format',
    sql: 'SELECT format, MEASURE(exports) FROM exports_overview GROUP BY 1',
    rest: {
      measures: ['exports_overview.exports'],
      dimensions: ['exports_overview.format'],
      limit: 50_000,
    },
  },
  {
    name: 'exports per day, 30 days',
    sql: `SELECT date_trunc('day', created_at) AS day, MEASURE(exports) FROM exports_overview WHERE created_at >= '${FROM}' AND created_at < '${TO_EXCLUSIVE}' GROUP BY 1 ORDER BY 1`,
    rest: {
      measures: ['exports_overview.exports'],
      timeDimensions: [
        {
          dimension: 'exports_overview.created_at',
          granularity: 'day',
          dateRange: [FROM, TODAY],
        },
      ],
      order: [['exports_overview.created_at', 'asc']],
      limit: 50_000,
    },
  },
  {
    name: 'composed: a GROUP BY on top of a 10,000-row ungrouped Cube part',
    sql: 'SELECT provider, count(*), avg(avg_response_ms) FROM (SELECT provider, avg_response_ms FROM llm_usage LIMIT 10000) t GROUP BY 1',
    rest: {
      measures: ['llm_usage.avg_response_ms'],
      dimensions: ['llm_usage.provider'],
      ungrouped: true,
      limit: 10_000,
    },
    composed: true,
  },
];
const CATALOG_SQL =
  "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','v') AND n.nspname = 'public' ORDER BY 2";

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const ms = (x: number) => `${x.toFixed(2)} ms`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function main() {
  const settings = readCubeEnv();
  if (settings.sqlPort === false) throw new Error('the SQL API is off (CUBEJS_PG_SQL_PORT=false)');
  const client = new pg.Client({
    host: '127.0.0.1',
    port: settings.sqlPort,
    user: settings.sqlUser,
    password: settings.sqlPassword,
    database: 'cube',
  });
  await client.connect();
  const token = signCubeToken(settings.apiSecret, { sub: 'bench:sql-api', role: 'admin' });
  // One kept-alive connection each way, as node-postgres keeps its one socket.
  const rest = new CubeClient({
    apiUrl: `http://127.0.0.1:${settings.port}/cubejs-api/v1`,
    token: () => token,
    agent: new http.Agent({ keepAlive: true, maxSockets: 1 }),
  });

  const loadBefore = os.loadavg();
  console.log(
    `N=${N} per side after ${WARMUP} warm-up queries; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );
  for (const pair of PAIRS) {
    const sqlRows = (await client.query(pair.sql)).rowCount;
    const restRows = (await rest.load(uncheckedQuery(pair.rest))).response.results[0]?.data.length;
    if (!pair.composed && sqlRows !== restRows) {
      throw new Error(`${pair.name}: ${sqlRows} rows via SQL API, ${restRows} via REST`);
    }
    for (let i = 0; i < WARMUP; i++) {
      await client.query(pair.sql);
      await rest.load(uncheckedQuery(pair.rest));
    }
    const sqlTimes: number[] = [];
    const restTimes: number[] = [];
    const cpu = { sql: 0, rest: 0 };
    // Alternating blocks of BLOCK queries per side, so both sides see the same machine load.
    for (let done = 0; done < N; done += BLOCK) {
      let before = cubeCpuMs();
      for (let i = 0; i < BLOCK; i++) sqlTimes.push(await timed(() => client.query(pair.sql)));
      cpu.sql += cubeCpuMs() - before;
      before = cubeCpuMs();
      for (let i = 0; i < BLOCK; i++) {
        restTimes.push(await timed(() => rest.load(uncheckedQuery(pair.rest))));
      }
      cpu.rest += cubeCpuMs() - before;
    }
    const diff = quantile(sqlTimes, 0.5) - quantile(restTimes, 0.5);
    console.log(
      `${pair.name} (${sqlRows} rows${pair.composed ? ` from ${restRows} Cube rows` : ''}): SQL API median ${ms(quantile(sqlTimes, 0.5))} p95 ${ms(quantile(sqlTimes, 0.95))}; ` +
        `REST median ${ms(quantile(restTimes, 0.5))} p95 ${ms(quantile(restTimes, 0.95))}; difference of medians ${ms(diff)}`,
    );
    if (CUBE_PID) {
      const perQuery = (total: number) => total / sqlTimes.length;
      console.log(
        `  Cube CPU per query: SQL API ${ms(perQuery(cpu.sql))}, REST ${ms(perQuery(cpu.rest))}, difference ${ms(perQuery(cpu.sql - cpu.rest))}`,
      );
    }
  }
  const catalogTimes: number[] = [];
  for (let i = 0; i < WARMUP; i++) await client.query(CATALOG_SQL);
  for (let i = 0; i < N; i++) catalogTimes.push(await timed(() => client.query(CATALOG_SQL)));
  console.log(
    `catalog query (pg_class ⋈ pg_namespace): median ${ms(quantile(catalogTimes, 0.5))} p95 ${ms(quantile(catalogTimes, 0.95))}`,
  );
  console.log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await client.end();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
