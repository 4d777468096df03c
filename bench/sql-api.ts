/**
 * The SQL API section of `npm run bench`, against the bench's own Cube (its SQL API on):
 *
 * - a simple grouped query through the SQL API against the same Cube query on REST `/load`, both
 *   result-cache hits, in interleaved blocks (the SQL API's cost over REST);
 * - every replayed tool statement (bench/sql-replay.ts) warm: its median, and which rollups served
 *   its Cube parts. The parts are the SQL API's own `EXPLAIN` (the Cube queries it sends); each
 *   is then loaded on REST with the same admin role and its `usedPreAggregations` read;
 * - a statement Postgres evaluates over a 10,000-row Cube part, against that part alone on REST:
 *   the time the evaluation adds;
 * - many concurrent sessions (node-postgres) running the replayed statements: the resident
 *   memory they add to the Cube process (/proc/<pid>/status, sampled while they run).
 */
import fs from 'node:fs/promises';
import pg from 'pg';
import { type CubeClient, uncheckedQuery, usedPreAggregations } from '../lib/cube-client';
import type { TypedQuery } from '../web/lib/cube/query';
import { REPLAY_STATEMENTS, replayContext } from './sql-replay';
import { type Summary, summarize } from './stats';
import type { TargetReport } from './types';

export type SqlApiLogin = { port: number; user: string; password: string };

export type SqlApiStatementReport = {
  id: string;
  tool: string;
  what: string;
  rows: number;
  /** Cube parts of the statement (`EXPLAIN`) and whether Postgres evaluates it over them. */
  cubeParts: number;
  composed: boolean;
  /** `usedPreAggregations` of each Cube part's REST answer, merged (empty: source tables). */
  rollups: string[];
  timing: Summary;
  error?: string;
};

export type SqlApiReport = {
  /** The simple grouped query: SQL API and REST, both warm, and the difference of the medians. */
  grouped: { sql: string; sqlApi: Summary; rest: Summary; differenceMs: number };
  statements: SqlApiStatementReport[];
  /** A statement over a Cube part of `cubeRows` rows, against that part alone on REST. */
  postProcessed: {
    sql: string;
    cubeRows: number;
    statement: Summary;
    cubePart: Summary;
    beyondMs: number;
  };
  memory: {
    sessions: number;
    statements: number;
    errors: number;
    rssBeforeMb: number;
    rssPeakMb: number;
    rssAfterMb: number;
    addedMb: number;
  };
};

export const SQL_API_OVER_REST_TARGET_MS = 2;
export const SQL_API_POST_PROCESSING_TARGET_MS = 50;
export const SQL_API_SESSIONS_MEMORY_TARGET_MB = 200;
export const SQL_API_SESSIONS = 50;

const GROUPED_SQL = 'SELECT format, MEASURE(exports) FROM exports_overview GROUP BY 1';
const POST_PROCESSED_SQL =
  'SELECT provider, count(*), avg(avg_response_ms) FROM (SELECT provider, avg_response_ms FROM llm_usage LIMIT 10000) t GROUP BY 1';
/** Queries per side between switches, so both sides see the same machine load. */
const BLOCK = 10;
const RSS_SAMPLE_MS = 50;

async function rssMb(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** `rounds` of a and b in alternating blocks, after one warm-up each. */
async function interleaved(
  rounds: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<[number[], number[]]> {
  await a();
  await b();
  const as: number[] = [];
  const bs: number[] = [];
  while (as.length < rounds) {
    const block = Math.min(BLOCK, rounds - as.length);
    for (let i = 0; i < block; i++) as.push(await timed(a));
    for (let i = 0; i < block; i++) bs.push(await timed(b));
  }
  return [as, bs];
}

/** The Cube queries the SQL API sends for `sql`, from its `EXPLAIN` (`CubeScan: request=…`). */
async function cubeParts(
  client: pg.Client,
  sql: string,
): Promise<{ queries: TypedQuery[]; composed: boolean }> {
  const { rows } = await client.query<{ plan: string }>(`EXPLAIN ${sql}`);
  const plan = rows.map((r) => r.plan).join('\n');
  const queries = plan
    .split('\n')
    .map((line) => /CubeScan: request=(.*)$/.exec(line)?.[1])
    .filter((json): json is string => json !== undefined)
    .map((json) => uncheckedQuery(JSON.parse(json) as object));
  return { queries, composed: plan.startsWith('Projection') };
}

const connect = async (login: SqlApiLogin): Promise<pg.Client> => {
  const client = new pg.Client({ host: '127.0.0.1', database: 'cube', ...login });
  client.on('error', () => undefined);
  await client.connect();
  return client;
};

export async function benchSqlApi(input: {
  login: SqlApiLogin;
  http: CubeClient;
  cubePid: number;
  /** The data's "now": the replayed statements ask for its last full month and week. */
  dataNow: number;
  rounds: number;
  sessions: number;
  log: (line: string) => void;
}): Promise<SqlApiReport> {
  const { http, rounds, log } = input;
  const ctx = replayContext(new Date(input.dataNow).toISOString());
  const client = await connect(input.login);
  try {
    const restOf = async (sql: string) => {
      const { queries } = await cubeParts(client, sql);
      const [query] = queries;
      if (!query || queries.length !== 1) throw new Error(`${sql}: not one Cube part`);
      return query;
    };

    const groupedQuery = await restOf(GROUPED_SQL);
    const [groupedSql, groupedRest] = await interleaved(
      rounds,
      () => client.query(GROUPED_SQL),
      () => http.load(groupedQuery),
    );
    const grouped = {
      sql: GROUPED_SQL,
      sqlApi: summarize(groupedSql),
      rest: summarize(groupedRest),
      differenceMs: summarize(groupedSql).median - summarize(groupedRest).median,
    };
    log(
      `  grouped query: SQL API ${grouped.sqlApi.median.toFixed(2)} ms, REST ${grouped.rest.median.toFixed(2)} ms (difference ${grouped.differenceMs.toFixed(2)} ms)`,
    );

    const statements: SqlApiStatementReport[] = [];
    for (const statement of REPLAY_STATEMENTS) {
      const sql = statement.sql(ctx);
      const base = { id: statement.id, tool: statement.tool, what: statement.what };
      try {
        const { queries, composed } = await cubeParts(client, sql);
        const rollups = new Set<string>();
        for (const query of queries) {
          for (const name of usedPreAggregations((await http.load(query)).response))
            rollups.add(name);
        }
        const { rowCount } = await client.query(sql);
        const samples: number[] = [];
        for (let i = 0; i < rounds; i++) samples.push(await timed(() => client.query(sql)));
        statements.push({
          ...base,
          rows: rowCount ?? 0,
          cubeParts: queries.length,
          composed,
          rollups: [...rollups].sort(),
          timing: summarize(samples),
        });
      } catch (error) {
        statements.push({
          ...base,
          rows: 0,
          cubeParts: 0,
          composed: false,
          rollups: [],
          timing: summarize([]),
          error: error instanceof Error ? error.message : String(error),
        });
      }
      const last = statements[statements.length - 1];
      log(
        `  ${statement.id}: ${last?.error ? `ERROR ${last.error}` : `${last?.timing.median.toFixed(2)} ms, ${last?.rows} rows, rollups ${last?.rollups.join(', ') || 'none'}`}`,
      );
    }

    const partQuery = await cubeParts(client, POST_PROCESSED_SQL).then(({ queries }) => {
      const [query] = queries;
      if (!query || queries.length !== 1) throw new Error('the post-processed statement changed');
      return query;
    });
    const cubeRows = (await http.load(partQuery)).response.results[0]?.data.length ?? 0;
    const [composedTimes, partTimes] = await interleaved(
      rounds,
      () => client.query(POST_PROCESSED_SQL),
      () => http.load(partQuery),
    );
    const postProcessed = {
      sql: POST_PROCESSED_SQL,
      cubeRows,
      statement: summarize(composedTimes),
      cubePart: summarize(partTimes),
      beyondMs: summarize(composedTimes).median - summarize(partTimes).median,
    };
    log(
      `  post-processed over ${cubeRows} Cube rows: ${postProcessed.statement.median.toFixed(1)} ms, its Cube part ${postProcessed.cubePart.median.toFixed(1)} ms`,
    );

    const memory = await sessionsMemory(input, ctx, statements);
    log(
      `  ${memory.sessions} sessions, ${memory.statements} statements: Cube RSS ${memory.rssBeforeMb.toFixed(0)} → peak ${memory.rssPeakMb.toFixed(0)} MB (+${memory.addedMb.toFixed(0)} MB), ${memory.errors} errors`,
    );
    return { grouped, statements, postProcessed, memory };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `sessions` connections at once, each running every replayed statement that answered above once
 * (from a different starting point, so they do not move in step): the Cube process's resident
 * memory before they connect, its peak while they run, and after they close.
 */
async function sessionsMemory(
  input: { login: SqlApiLogin; cubePid: number; sessions: number },
  ctx: ReturnType<typeof replayContext>,
  measured: SqlApiStatementReport[],
): Promise<SqlApiReport['memory']> {
  const texts = REPLAY_STATEMENTS.filter((s) => !measured.find((m) => m.id === s.id)?.error).map(
    (s) => s.sql(ctx),
  );
  const rssBeforeMb = await rssMb(input.cubePid);
  let rssPeakMb = rssBeforeMb;
  const sampler = setInterval(() => {
    rssMb(input.cubePid).then(
      (mb) => {
        rssPeakMb = Math.max(rssPeakMb, mb);
      },
      () => undefined,
    );
  }, RSS_SAMPLE_MS);
  let errors = 0;
  let statements = 0;
  try {
    const clients = await Promise.all(
      Array.from({ length: input.sessions }, () => connect(input.login)),
    );
    await Promise.all(
      clients.map(async (client, n) => {
        for (let i = 0; i < texts.length; i++) {
          const text = texts[(n + i) % texts.length] ?? '';
          await client.query(text).then(
            () => statements++,
            () => errors++,
          );
        }
      }),
    );
    rssPeakMb = Math.max(rssPeakMb, await rssMb(input.cubePid));
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  } finally {
    clearInterval(sampler);
  }
  const rssAfterMb = await rssMb(input.cubePid);
  return {
    sessions: input.sessions,
    statements,
    errors,
    rssBeforeMb,
    rssPeakMb,
    rssAfterMb,
    addedMb: rssPeakMb - rssBeforeMb,
  };
}

const num = (x: number) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) : '–');
const ms = (x: number) => `${num(x)} ms`;

/** The section's targets (missing when the run had no SQL API section). */
export function sqlApiTargets(report: SqlApiReport | null | undefined): TargetReport[] {
  if (!report) return [];
  const { grouped, postProcessed, memory, statements } = report;
  const failed = statements.filter((s) => s.error);
  return [
    {
      name: 'SQL API over REST, simple grouped query (result-cache hit)',
      was: null,
      target: `≤ ${SQL_API_OVER_REST_TARGET_MS} ms more, median`,
      value: `${ms(grouped.differenceMs)} (SQL API ${ms(grouped.sqlApi.median)}, REST ${ms(grouped.rest.median)}, n ${grouped.sqlApi.n})`,
      met: grouped.differenceMs <= SQL_API_OVER_REST_TARGET_MS,
      note:
        grouped.differenceMs <= SQL_API_OVER_REST_TARGET_MS
          ? null
          : 'the SQL API parses, translates and encodes rows in the Cube process on top of the same cached answer',
    },
    {
      name: 'SQL API post-processing over a ≤ 10,000-row Cube result',
      was: null,
      target: `< ${SQL_API_POST_PROCESSING_TARGET_MS} ms beyond its Cube part`,
      value: `${ms(postProcessed.beyondMs)} (${ms(postProcessed.statement.median)} in all, Cube part ${ms(postProcessed.cubePart.median)}, ${postProcessed.cubeRows} rows)`,
      met: postProcessed.beyondMs < SQL_API_POST_PROCESSING_TARGET_MS,
      note:
        postProcessed.beyondMs < SQL_API_POST_PROCESSING_TARGET_MS
          ? null
          : 'the Cube rows travel as JSON to the catalog Postgres, which evaluates the statement over them',
    },
    {
      name: `SQL API, ${memory.sessions} concurrent sessions running the replayed statements`,
      was: null,
      target: `≤ ${SQL_API_SESSIONS_MEMORY_TARGET_MB} MB RSS added`,
      value: `+${memory.addedMb.toFixed(0)} MB (${memory.rssBeforeMb.toFixed(0)} → peak ${memory.rssPeakMb.toFixed(0)} MB; ${memory.statements} statements, ${memory.errors} errors)`,
      met: memory.addedMb <= SQL_API_SESSIONS_MEMORY_TARGET_MB && memory.errors === 0,
      note:
        memory.errors > 0
          ? `${memory.errors} statements failed under concurrency`
          : memory.addedMb <= SQL_API_SESSIONS_MEMORY_TARGET_MB
            ? null
            : 'each session holds its statements’ Cube rows and encoded answers until sent',
    },
    {
      name: 'SQL API, every replayed tool statement answers',
      was: null,
      target: `${statements.length} of ${statements.length}`,
      value: `${statements.length - failed.length} of ${statements.length}`,
      met: failed.length === 0,
      note: failed.length === 0 ? null : failed.map((s) => `${s.id}: ${s.error}`).join('; '),
    },
  ];
}

/** The report's SQL API section: the targets hold the headline figures, this the per statement. */
export function renderSqlApi(
  report: SqlApiReport | null | undefined,
  table: (header: readonly string[], rows: readonly (readonly string[])[]) => string,
  { perStatement = true } = {},
): string[] {
  if (!report) return [];
  const out = ['', '### SQL API (node-postgres on loopback, warm)', ''];
  const served = report.statements.filter((s) => s.rollups.length > 0).length;
  const medians = report.statements
    .filter((s) => !s.error)
    .map((s) => s.timing.median)
    .sort((a, b) => a - b);
  out.push(
    `${report.statements.length} replayed tool statements: median of medians ${ms(summarize(medians).median)}, slowest ${ms(medians[medians.length - 1] ?? Number.NaN)}; ` +
      `${served} with a Cube part served from a rollup, the others from the source tables (ungrouped reads such as \`SELECT *\` have no rollup).`,
  );
  if (perStatement) {
    out.push(
      '',
      table(
        ['statement', 'tool', 'median (p25–p75)', 'rows', 'Cube parts', 'rollup(s)'],
        report.statements.map((s) => [
          s.id,
          s.tool,
          s.error
            ? `ERROR: ${s.error}`
            : `${num(s.timing.median)} (${num(s.timing.p25)}–${num(s.timing.p75)}) ms`,
          String(s.rows),
          `${s.cubeParts}${s.composed ? ' + Postgres' : ''}`,
          s.rollups.map((r) => r.replace(/^[^.]*\./, '')).join(', ') || 'none (source tables)',
        ]),
      ),
    );
  }
  return out;
}
