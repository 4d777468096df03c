/**
 * The benchmark itself, shared by `npm run bench` (bench/run.ts) and the CI smoke test
 * (tests/bench/smoke.test.ts): database → Cube → full rollup build → every query (a/b/c) →
 * whole tab (a/b/c) → one appended hour and its incremental refresh → report.
 */
import os from 'node:os';
import type pg from 'pg';
import { PRE_AGGREGATIONS_SCHEMA } from '../cube/options';
import { buildAllRollups } from '../cube/rollups';
import { createPool } from '../db/connection';
import { CubeClient, usedPreAggregations } from '../lib/cube-client';
import { describeTimeToData } from '../lib/time-to-data';
import { type LoadResponse, servedFromPreAggregations } from '../web/lib/cube/response';
import {
  HOUR_MS,
  type Timeframe,
  toCubeTimestamp,
  WINDOW_TIMEFRAMES,
  type WindowTimeframe,
  type WowWeeks,
} from '../web/lib/timeframe';
import { answerFromCube, answerFromSql, compareAnswers, rowCount } from './answers';
import { appendHour } from './append';
import { ensureWebBuild, measureBrowser } from './browser';
import {
  allQueries,
  type BenchQuery,
  type SectionState,
  sectionBenchQueries,
  sectionStates,
  tabQueries,
  tabStates,
  WIDGETS,
  type Widget,
} from './cases';
import { type BenchCube, buildPartitions, processMemory, startBenchCube } from './cube';
import { type BenchDatabase, ensureBenchDatabase } from './database';
import { deliberatelyRaw } from './deliberately-raw';
import { scanSummary } from './explain';
import { stopOnInterrupt } from './interrupt';
import { describeLoad, type LoadReport, type LoadScenario, runLoad } from './load';
import { type Budget, CONTENDERS, interleave, planFor, summaries, timed } from './measure';
import { fmtDuration, progress } from './progress';
import { refreshPlan, refreshRequests } from './refresh-plan';
import {
  buildTimesBetween,
  rollupBuildStatements,
  rollupReadCalls,
  rollupTableCount,
} from './rollup-reads';
import { benchSqlApi, type SqlApiReport } from './sql-api';
import { ratio, summarize } from './stats';
import { evaluateTargets } from './targets';
import type {
  BenchReport,
  BrowserReport,
  GroupTimings,
  QueryReport,
  RefreshReport,
  Scale,
  SectionReport,
  TabReport,
} from './types';

export type BenchOptions = {
  scale: Scale;
  seed: number;
  pg: { dataDir: string; port: number; portEnvVar: string; fresh: boolean; durable: boolean };
  cubePort: number;
  /** Per-query timing. */
  budget: Budget;
  /** Whole-tab timing. */
  tabBudget: Budget;
  timeframes: readonly Timeframe[];
  weeks: readonly WowWeeks[];
  widgets?: readonly Widget[];
  /** The Phase 2 sections' timeframes to measure (each section at those it offers); [] = none. */
  sectionTimeframes?: readonly WindowTimeframe[];
  /** Append one hour and time the incremental refresh. */
  refresh: boolean;
  /** Uncached and warm loads per query for the pg_stat_statements check (0 = skip). */
  readChecks: number;
  /**
   * Time the tab in Chromium against this run's Cube, on this web port (bench/browser.ts); or
   * `{ fallback }`: no browser, report that file's figures (labelled with their date) if any.
   */
  browser?: { port: number } | { fallback: () => Promise<BrowserReport | null> };
  /** The load test's scenarios (bench/load.ts); none = skip. */
  load?: { scenarios: LoadScenario[]; seconds: number };
  /** The SQL API section (bench/sql-api.ts) on this port; none = skip. */
  sqlApi?: { port: number; rounds: number; sessions: number };
  log: (line: string) => void;
};

type Raw = { ms: number; rows: Record<string, unknown>[] };

async function runSql(pool: pg.Pool, q: BenchQuery): Promise<Raw> {
  const { ms, value } = await timed(() => pool.query(q.oracle.text, q.oracle.values));
  return { ms, rows: value.rows };
}

const emptyTimings = () => summaries({ a: [], b: [], c: [] });

async function benchQuery(
  q: BenchQuery,
  now: number,
  pool: pg.Pool,
  http: CubeClient,
  options: BenchOptions,
  checkReads: boolean,
): Promise<QueryReport> {
  const report: QueryReport = {
    id: q.id,
    widget: q.widget,
    rows: 0,
    rollups: [],
    servedFromRollup: false,
    deliberatelyRaw: null,
    notes: [],
    mismatch: null,
    warmMismatch: null,
    rollupReads: null,
    polls: 0,
    timings: emptyTimings(),
    ratioAB: null,
    ratioBC: null,
  };
  try {
    // Warm-up, and the answers the timings are about: they must agree.
    const a = await runSql(pool, q);
    const b = await http.load(q.query, { cache: 'no-cache' });
    const c = await http.load(q.query);
    const answer = answerFromCube(q.query, b.response);
    report.rows = rowCount(answer);
    report.mismatch = compareAnswers(q.query, answerFromSql(q.query, a.rows), answer);
    report.warmMismatch = compareAnswers(q.query, answer, answerFromCube(q.query, c.response));
    report.rollups = usedPreAggregations(b.response);
    report.servedFromRollup = servedFromPreAggregations(b.response);
    const raw = deliberatelyRaw(q.query, now);
    report.deliberatelyRaw = raw?.reason ?? null;
    if (raw?.note) report.notes.push(raw.note);
    if (!report.servedFromRollup) {
      report.plans = {
        cube: await scanSummary(pool, await http.sql(q.query)).catch((e: unknown) => String(e)),
        raw: await scanSummary(pool, q.oracle).catch((e: unknown) => String(e)),
      };
    }

    if (checkReads && options.readChecks > 0 && report.servedFromRollup) {
      const results = b.response.results.length;
      const before = await rollupReadCalls(pool);
      for (let i = 0; i < options.readChecks; i++) await http.load(q.query, { cache: 'no-cache' });
      const middle = await rollupReadCalls(pool);
      for (let i = 0; i < options.readChecks; i++) await http.load(q.query);
      const after = await rollupReadCalls(pool);
      report.rollupReads = {
        uncachedLoads: options.readChecks * results,
        uncachedReads: middle - before,
        warmLoads: options.readChecks,
        warmReads: after - middle,
      };
    }

    const plan = planFor(options.budget, { a: a.ms, b: b.ms, c: c.ms });
    const samples = await interleave(
      {
        a: async () => (await runSql(pool, q)).ms,
        b: async () => {
          const load = await http.load(q.query, { cache: 'no-cache' });
          report.polls += load.polls;
          return load.ms;
        },
        c: async () => (await http.load(q.query)).ms,
      },
      plan,
    );
    report.timings = summaries(samples);
    report.ratioAB = ratio(report.timings.a.median, report.timings.b.median);
    report.ratioBC = ratio(report.timings.b.median, report.timings.c.median);
  } catch (error) {
    report.error = error instanceof Error ? error.message : String(error);
  }
  return report;
}

/** All of `queries` at once (as the browser fires them), timed for a, b and c. */
async function benchTogether(
  queries: BenchQuery[],
  pool: pg.Pool,
  http: CubeClient,
  budget: Budget,
  perQuery: QueryReport[],
): Promise<GroupTimings> {
  const all = {
    a: async () => (await timed(() => Promise.all(queries.map((q) => runSql(pool, q))))).ms,
    b: async () =>
      (
        await timed(() =>
          Promise.all(queries.map((q) => http.load(q.query, { cache: 'no-cache' }))),
        )
      ).ms,
    c: async () => (await timed(() => Promise.all(queries.map((q) => http.load(q.query))))).ms,
  };
  // The queries ran on their own just before, so caches are warm. A contender whose slowest
  // query alone exceeds the budget skips the group warm-up (a 20 s oracle would cost 20 s more for
  // nothing) and is planned from that query's median; the others warm up and are planned from it.
  const warmup = { a: 0, b: 0, c: 0 };
  if (budget.warmup !== false) {
    for (const who of CONTENDERS) {
      const slowest = Math.max(
        0,
        ...queries
          .map((q) => perQuery.find((r) => r.id === q.id)?.timings[who].median ?? 0)
          .filter(Number.isFinite),
      );
      warmup[who] = slowest > budget.budgetMs ? slowest : await all[who]();
    }
  }
  const samples = await interleave(all, planFor(budget, warmup));
  const timings = summaries(samples);
  const warm = queries.map((q) => perQuery.find((r) => r.id === q.id)?.timings.c.median);
  return {
    queries: queries.map((q) => q.id),
    timings,
    ratioAB: ratio(timings.a.median, timings.b.median),
    ratioBC: ratio(timings.b.median, timings.c.median),
    warmSumMs: warm.every((ms) => ms !== undefined && Number.isFinite(ms))
      ? warm.reduce<number>((sum, ms) => sum + (ms ?? 0), 0)
      : null,
  };
}

/**
 * A warm `/load-batch` costs a few ms, so its median is taken over at least this many sends
 * (whatever `--rounds` says): over a group's 7 rounds one busy moment of the machine moved it
 * from ~2 to ~6 ms (2026-12-01 03:40).
 */
export const BATCH_MIN_SENDS = 31;

/**
 * The group's queries as one `POST /load-batch`, warm, as the web app's Cube client sends a tab
 * state; first checked to answer exactly what the single `/load`s answer.
 */
async function benchBatch(
  queries: BenchQuery[],
  http: CubeClient,
  rounds: number,
): Promise<Pick<TabReport, 'batch' | 'batchError' | 'batchMismatch'>> {
  const send = () => http.loadBatch(queries.map((q) => q.query));
  try {
    const batched = await send();
    const singles = await Promise.all(queries.map((q) => http.load(q.query)));
    const dataOf = (answer: { response: LoadResponse } | undefined) =>
      JSON.stringify(answer?.response.results.map((r) => r.data) ?? null);
    const differ = queries.filter((_, i) => dataOf(batched[i]) !== dataOf(singles[i]));
    const samples: number[] = [];
    for (let i = 0; i < rounds; i++) samples.push((await timed(send)).ms);
    return {
      batch: summarize(samples),
      batchError: null,
      batchMismatch: differ.length > 0 ? differ.map((q) => q.id).join(', ') : null,
    };
  } catch (error) {
    return {
      batch: null,
      batchError: error instanceof Error ? error.message : String(error),
      batchMismatch: null,
    };
  }
}

async function incrementalRefresh(
  db: BenchDatabase,
  pool: pg.Pool,
  cube: BenchCube,
  http: CubeClient,
  fullBuild: BenchReport['fullBuild'],
  widgets: readonly Widget[],
  withSections: boolean,
): Promise<RefreshReport> {
  const from = db.dataNow;
  if (from + HOUR_MS > Date.now()) {
    // The rollups' build range ends at NOW(): an hour in the future would not be built.
    const minutes = Math.ceil((from + HOUR_MS - Date.now()) / 60_000);
    return {
      skipped: `the bench data already reaches ${new Date(from).toISOString().slice(0, 16)}Z; the next hour ends in the future (run again in ${minutes} min)`,
      appendedRows: {},
      appendedTotal: 0,
      appendSeconds: 0,
      hour: [new Date(from).toISOString(), new Date(from + HOUR_MS).toISOString()],
      seconds: Number.NaN,
      partitionsRebuilt: 0,
      partitionsTotal: fullBuild.partitions,
      tables: [],
      fullBuildSeconds: fullBuild.seconds,
      byRollup: [],
      slowerRollups: [],
      freshChecks: [],
    };
  }
  const appended = await appendHour(pool, from);
  await db.setDataNow(from + HOUR_MS);
  const hour: [string, string] = [
    new Date(from).toISOString(),
    new Date(from + HOUR_MS).toISOString(),
  ];
  const plan = await refreshPlan();
  const base = {
    appendedRows: appended.rows,
    appendedTotal: appended.total,
    appendSeconds: appended.seconds,
    hour,
    partitionsTotal: fullBuild.partitions,
    fullBuildSeconds: fullBuild.seconds,
    byRollup: [] as RefreshReport['byRollup'],
    slowerRollups: plan.slower,
  };
  const statsBefore = db.statStatements ? await rollupBuildStatements(pool) : new Map();
  let build: { seconds: number; tables: string[] };
  try {
    // One request per update window, sent at once as the scheduler's cycle would run them.
    const started = performance.now();
    const builds = await Promise.all(
      refreshRequests(plan, from + HOUR_MS).map((r) =>
        buildPartitions(
          cube.apiUrl,
          cube.token,
          [toCubeTimestamp(r.from), toCubeTimestamp(r.to)],
          r.preAggregations,
        ),
      ),
    );
    build = {
      seconds: (performance.now() - started) / 1000,
      tables: builds.flatMap((b) => b.tables).sort(),
    };
  } catch (error) {
    return {
      ...base,
      seconds: Number.NaN,
      partitionsRebuilt: 0,
      tables: [],
      freshChecks: [],
      error: error instanceof Error ? error.message : String(error),
    };
  }
  // The new hour must now be in Cube's answers: the 24h tab and the sections' 24h (those that
  // offer it), uncached, against raw SQL.
  const freshChecks: RefreshReport['freshChecks'] = [];
  const newest = [
    ...tabQueries({ timeframe: '24h', weeks: 1, now: db.dataNow }, widgets),
    ...(withSections ? sectionStates(db.dataNow, ['24h']).flatMap(sectionBenchQueries) : []),
  ];
  for (const q of newest) {
    try {
      const a = await runSql(pool, q);
      const b = await http.load(q.query, { cache: 'no-cache' });
      freshChecks.push({
        id: q.id,
        mismatch: compareAnswers(
          q.query,
          answerFromSql(q.query, a.rows),
          answerFromCube(q.query, b.response),
        ),
        servedFromRollup: servedFromPreAggregations(b.response),
      });
    } catch (error) {
      freshChecks.push({
        id: q.id,
        mismatch: error instanceof Error ? error.message : String(error),
        servedFromRollup: false,
      });
    }
  }
  if (db.statStatements)
    base.byRollup = buildTimesBetween(statsBefore, await rollupBuildStatements(pool));
  return {
    ...base,
    seconds: build.seconds,
    partitionsRebuilt: build.tables.length,
    tables: build.tables,
    freshChecks,
  };
}

/** A group's expected time from its queries' medians: warm-up plus budgeted rounds (s). */
function estimateGroupSeconds(ids: string[], measured: QueryReport[], budget: Budget): number {
  const worst = Object.fromEntries(
    CONTENDERS.map((who) => [
      who,
      Math.max(
        0,
        ...ids
          .map((id) => measured.find((r) => r.id === id)?.timings[who].median ?? 0)
          .filter(Number.isFinite),
      ),
    ]),
  ) as Record<(typeof CONTENDERS)[number], number>;
  const plan = planFor(budget, worst);
  // A contender over budget skips the group warm-up (benchTogether).
  const warmups = (who: (typeof CONTENDERS)[number]) =>
    budget.warmup === false || worst[who] > budget.budgetMs ? 0 : 1;
  return CONTENDERS.reduce((sum, who) => sum + (worst[who] * (warmups(who) + plan[who])) / 1000, 0);
}

/** What every step of one run shares: its options, its log and its phase clock. */
type Run = {
  readonly options: BenchOptions;
  readonly log: (line: string) => void;
  readonly widgets: readonly Widget[];
  /** Seconds per named phase, for the report. */
  readonly phases: Record<string, number>;
  /** Times `fn` as the phase `name`. */
  phase<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** The run's start on the `performance.now()` clock (the progress lines' elapsed time). */
  readonly startedAt: number;
};

function startRun(options: BenchOptions, started: Date): Run {
  const phases: Record<string, number> = {};
  return {
    options,
    log: options.log,
    widgets: options.widgets ?? WIDGETS,
    phases,
    async phase(name, fn) {
      const t = performance.now();
      try {
        return await fn();
      } finally {
        phases[name] = Number(((performance.now() - t) / 1000).toFixed(2));
      }
    },
    startedAt: started.getTime() - Date.now() + performance.now(),
  };
}

/** Says whether the hour after the data's "now" can be appended and refreshed in this run. */
function logRefreshPlan({ log }: Run, dataNow: number): void {
  const hourEnds = dataNow + HOUR_MS;
  const at = new Date(hourEnds).toISOString().slice(0, 16);
  log(
    hourEnds <= Date.now()
      ? `Refresh: the hour after the data's "now" ended (${at}Z): it will be appended and its refresh measured.`
      : `Refresh: the hour after the data's "now" ends at ${at}Z, in ${fmtDuration((hourEnds - Date.now()) / 1000)}; ` +
          'the refresh is measured only if the run reaches it after that (else reported as skipped).',
  );
}

/** Cube on an empty rollup schema, so every run times a first build. */
async function startCubeOnEmptySchema(
  run: Run,
  pool: pg.Pool,
  db: BenchDatabase,
  browserPort: number | null,
): Promise<BenchCube> {
  // Creating the schema here also spares Cube's parallel first builds their CREATE SCHEMA race:
  // "duplicate key value violates unique constraint pg_namespace_nspname_index".
  await pool.query(`DROP SCHEMA IF EXISTS ${PRE_AGGREGATIONS_SCHEMA} CASCADE`);
  await pool.query(`CREATE SCHEMA ${PRE_AGGREGATIONS_SCHEMA}`);
  run.log(`Starting Cube on :${run.options.cubePort} (refresh scheduler off)…`);
  return run.phase('cube start', () =>
    startBenchCube(db.config, run.options.cubePort, {
      corsOrigin: browserPort === null ? undefined : `http://localhost:${browserPort}`,
      sqlPort: run.options.sqlApi?.port,
    }),
  );
}

async function buildEveryRollup(
  run: Run,
  db: BenchDatabase,
  pool: pg.Pool,
  cube: BenchCube,
): Promise<BenchReport['fullBuild']> {
  run.log('Building every pre-aggregation (Cube jobs API)…');
  const statsBefore = db.statStatements ? await rollupBuildStatements(pool) : new Map();
  const built = await run.phase('full rollup build', () =>
    buildAllRollups(cube.apiUrl, cube.token(), { timeoutMs: 30 * 60_000 }),
  );
  const fullBuild: BenchReport['fullBuild'] = {
    ...built,
    rollupTables: await rollupTableCount(pool),
    byRollup: db.statStatements
      ? buildTimesBetween(statsBefore, await rollupBuildStatements(pool))
      : [],
  };
  run.log(`  ${fullBuild.partitions} partitions in ${fullBuild.seconds.toFixed(1)} s`);
  return fullBuild;
}

/** The tab in Chromium (before any query runs, so the first visit finds Cube's cache empty). */
async function timeBrowser(
  run: Run,
  cube: BenchCube,
  browserPort: number | null,
): Promise<BrowserReport | null> {
  const { options, log } = run;
  if (browserPort === null) {
    return options.browser && 'fallback' in options.browser ? options.browser.fallback() : null;
  }
  log(`Timing the tab in Chromium (web app on :${browserPort})…`);
  const browser = await run.phase('browser', () =>
    measureBrowser(cube, { port: browserPort, scale: options.scale, log }),
  );
  const { first, warmMedian } = browser;
  if (browser.error || !first || !warmMedian) log(`  FAILED: ${browser.error}`);
  else {
    if (browser.serverFirst)
      log(`  web server's first request: ${describeTimeToData(browser.serverFirst)}`);
    log(`  first visit: ${describeTimeToData(first)}`);
    log(`  warm (median of ${browser.warm.n}): ${describeTimeToData(warmMedian)}`);
  }
  return browser;
}

/** What the run measures at the data's "now": each query once, then the groups they form. */
type Plan = {
  readonly measuredNow: number;
  readonly queries: BenchQuery[];
  readonly sections: SectionState[];
  /** Query ids of each tab state and each section state (for the ETA). */
  readonly tabGroups: string[][];
  readonly sectionGroups: string[][];
};

function planRun({ options, widgets }: Run, measuredNow: number): Plan {
  const sections = sectionStates(measuredNow, options.sectionTimeframes ?? WINDOW_TIMEFRAMES);
  const queries = allQueries(measuredNow, options.timeframes, options.weeks, widgets);
  for (const state of sections) {
    for (const q of sectionBenchQueries(state)) {
      if (!queries.some((known) => known.id === q.id)) queries.push(q);
    }
  }
  return {
    measuredNow,
    queries,
    sections,
    tabGroups: tabStates(measuredNow, options.timeframes).map((state) =>
      tabQueries(state, widgets).map((q) => q.id),
    ),
    sectionGroups: sections.map((state) => sectionBenchQueries(state).map((q) => q.id)),
  };
}

/** Estimates of the phases still to come after each phase, for the progress lines' ETA (s). */
type Later = { queries(): number; tabs(): number; sections(): number; load(): number };

function estimatesAfter(
  { options }: Run,
  plan: Plan,
  measured: readonly QueryReport[],
  fullBuild: BenchReport['fullBuild'],
): Later {
  const groupSeconds = (groups: string[][]) =>
    groups.reduce(
      (sum, ids) => sum + estimateGroupSeconds(ids, [...measured], options.tabBudget),
      0,
    );
  const loadSeconds = options.load ? options.load.scenarios.length * (options.load.seconds + 3) : 0;
  const refreshSeconds = options.refresh ? 0.5 * fullBuild.seconds + 10 : 0;
  return {
    queries: () =>
      groupSeconds([...plan.tabGroups, ...plan.sectionGroups]) + loadSeconds + refreshSeconds,
    tabs: () => groupSeconds(plan.sectionGroups) + loadSeconds + refreshSeconds,
    sections: () => loadSeconds + refreshSeconds,
    load: () => refreshSeconds,
  };
}

/** Every query alone, a/b/c; each report is pushed to `measured` as soon as it is known. */
async function timeEachQuery(
  run: Run,
  plan: Plan,
  measured: QueryReport[],
  ctx: { pool: pg.Pool; http: CubeClient; db: BenchDatabase; later: Later },
): Promise<void> {
  const { queries, measuredNow } = plan;
  run.log(`Timing ${queries.length} queries (a: raw SQL, b: Cube uncached, c: Cube warm)…`);
  await run.phase('queries', async () => {
    const steps = progress(queries.length, run.startedAt, ctx.later.queries);
    for (const q of queries) {
      const r = await benchQuery(
        q,
        measuredNow,
        ctx.pool,
        ctx.http,
        run.options,
        ctx.db.statStatements,
      );
      measured.push(r);
      const n = `n ${r.timings.a.n}/${r.timings.b.n}/${r.timings.c.n}`;
      run.log(
        `  ${steps.step()} ` +
          (r.error
            ? `${q.id}: ERROR ${r.error}`
            : `${q.id}: a ${r.timings.a.median.toFixed(1)} ms, b ${r.timings.b.median.toFixed(2)} ms, c ${r.timings.c.median.toFixed(2)} ms (${n})` +
              `${r.mismatch ? ` · a≠b: ${r.mismatch}` : ''}${r.servedFromRollup ? '' : ' · NO ROLLUP'}`),
      );
    }
  });
}

/** Queries that answered when timed alone (a failed one would fail its whole group). */
const withoutErrors = (queries: BenchQuery[], measured: readonly QueryReport[]) =>
  queries.filter((q) => !measured.find((r) => r.id === q.id)?.error);

/** Each tab state's queries at once, a/b/c, and warm as one `/load-batch`. */
async function timeWholeTabs(
  run: Run,
  plan: Plan,
  measured: QueryReport[],
  ctx: { pool: pg.Pool; http: CubeClient; later: Later },
): Promise<TabReport[]> {
  const { options, widgets } = run;
  const tabs: TabReport[] = [];
  await run.phase('whole tab', async () => {
    const steps = progress(plan.tabGroups.length, run.startedAt, ctx.later.tabs);
    for (const state of tabStates(plan.measuredNow, options.timeframes)) {
      const tabQs = withoutErrors(tabQueries(state, widgets), measured);
      const together = await benchTogether(tabQs, ctx.pool, ctx.http, options.tabBudget, measured);
      const tab: TabReport = {
        timeframe: state.timeframe,
        weeks: state.weeks,
        ...together,
        ...(await benchBatch(tabQs, ctx.http, Math.max(together.timings.c.n, BATCH_MIN_SENDS))),
      };
      tabs.push(tab);
      run.log(
        `  ${steps.step()} tab ${state.timeframe}: a ${tab.timings.a.median.toFixed(1)} ms, b ${tab.timings.b.median.toFixed(2)} ms, c ${tab.timings.c.median.toFixed(2)} ms, ` +
          (tab.batch
            ? `c as one /load-batch ${tab.batch.median.toFixed(2)} ms`
            : `/load-batch FAILED: ${tab.batchError}`),
      );
    }
  });
  return tabs;
}

/** Each Phase 2 section state's queries at once, a/b/c. */
async function timeWholeSections(
  run: Run,
  plan: Plan,
  measured: QueryReport[],
  ctx: { pool: pg.Pool; http: CubeClient; later: Later },
): Promise<SectionReport[]> {
  const reports: SectionReport[] = [];
  await run.phase('whole section', async () => {
    const steps = progress(plan.sections.length, run.startedAt, ctx.later.sections);
    for (const state of plan.sections) {
      const sectionQs = withoutErrors(sectionBenchQueries(state), measured);
      const report: SectionReport = {
        section: state.section,
        timeframe: state.timeframe,
        ...(await benchTogether(sectionQs, ctx.pool, ctx.http, run.options.tabBudget, measured)),
      };
      reports.push(report);
      run.log(
        `  ${steps.step()} section ${state.section}@${state.timeframe}: a ${report.timings.a.median.toFixed(1)} ms, b ${report.timings.b.median.toFixed(2)} ms, c ${report.timings.c.median.toFixed(2)} ms`,
      );
    }
  });
  return reports;
}

/** The load test's scenarios, one after the other (none when the options ask for none). */
async function runLoadScenarios(
  run: Run,
  plan: Plan,
  cube: BenchCube,
  later: Later,
): Promise<LoadReport[]> {
  const { options, widgets, log } = run;
  const load: LoadReport[] = [];
  if (!options.load || options.load.scenarios.length === 0) return load;
  const { scenarios, seconds } = options.load;
  log(`Load test: ${scenarios.length} scenarios of ${seconds} s (simulated admins on the tab)…`);
  await run.phase('load', async () => {
    const steps = progress(scenarios.length, run.startedAt, later.load);
    for (const scenario of scenarios) {
      const result = await runLoad(scenario, {
        apiUrl: cube.apiUrl,
        token: cube.token,
        states: tabStates(plan.measuredNow, options.timeframes),
        tabQueries: (state) => tabQueries(state, widgets),
        durationMs: seconds * 1000,
        rampMs: 1000,
        queryTimeoutMs: 30_000,
        cubePid: cube.process.process.pid,
      });
      load.push(result);
      log(`  ${steps.step()} ${describeLoad(result)}`);
    }
  });
  return load;
}

/** One appended hour and the partitions its refresh rebuilds (null when not asked for). */
/** The SQL API section (bench/sql-api.ts): replayed tool statements, SQL API against REST. */
async function timeSqlApi(
  run: Run,
  cube: BenchCube,
  http: CubeClient,
  dataNow: number,
): Promise<SqlApiReport | null> {
  const pid = cube.process.process.pid;
  if (!run.options.sqlApi || !cube.sql || pid === undefined) return null;
  run.log('SQL API: replayed tool statements, the SQL API against REST, concurrent sessions…');
  const input = {
    ...run.options.sqlApi,
    login: cube.sql,
    cubePid: pid,
    http,
    dataNow,
    log: run.log,
  };
  return run.phase('sql api', () => benchSqlApi(input));
}

async function timeRefresh(
  run: Run,
  ctx: {
    db: BenchDatabase;
    pool: pg.Pool;
    cube: BenchCube;
    http: CubeClient;
    fullBuild: BenchReport['fullBuild'];
  },
): Promise<RefreshReport | null> {
  const { options, log } = run;
  if (!options.refresh) return null;
  log('Appending one hour of rows and refreshing its partitions…');
  const refresh = await run.phase('incremental refresh', () =>
    incrementalRefresh(
      ctx.db,
      ctx.pool,
      ctx.cube,
      ctx.http,
      ctx.fullBuild,
      run.widgets,
      (options.sectionTimeframes ?? WINDOW_TIMEFRAMES).includes('24h'),
    ),
  );
  log(
    refresh.skipped
      ? `  skipped: ${refresh.skipped}`
      : refresh.error
        ? `  ${refresh.appendedTotal} rows; refresh FAILED: ${refresh.error}`
        : `  ${refresh.appendedTotal} rows; ${refresh.partitionsRebuilt} of ${refresh.partitionsTotal} partitions in ${refresh.seconds.toFixed(1)} s`,
  );
  return refresh;
}

/** Everything that makes the run fail: wrong answers, missing rollups, failed steps. */
function failuresOf(
  queries: readonly QueryReport[],
  tabs: readonly TabReport[],
  refresh: RefreshReport | null,
  browser: BrowserReport | null,
  sqlApi: SqlApiReport | null,
): string[] {
  const failures: string[] = [];
  for (const q of queries) {
    if (q.error) failures.push(`${q.id}: ${q.error}`);
    if (q.mismatch) failures.push(`${q.id}: raw SQL and Cube differ (${q.mismatch})`);
    if (q.warmMismatch)
      failures.push(`${q.id}: cached and uncached Cube differ (${q.warmMismatch})`);
    if (!q.error && !q.servedFromRollup && q.deliberatelyRaw === null) {
      failures.push(`${q.id}: not answered from a rollup (and not recorded as deliberately raw)`);
    }
    if (q.rollupReads && q.rollupReads.uncachedReads < q.rollupReads.uncachedLoads) {
      failures.push(`${q.id}: uncached loads did not all read the rollup`);
    }
  }
  for (const tab of tabs) {
    if (tab.batchError) failures.push(`tab ${tab.timeframe} as one /load-batch: ${tab.batchError}`);
    if (tab.batchMismatch) {
      failures.push(
        `tab ${tab.timeframe}: /load-batch answers differ from single /loads (${tab.batchMismatch})`,
      );
    }
  }
  if (refresh?.error) failures.push(`incremental refresh: ${refresh.error}`);
  for (const statement of sqlApi?.statements ?? []) {
    if (statement.error) failures.push(`SQL API, ${statement.id}: ${statement.error}`);
  }
  if (browser?.error) failures.push(`the tab in Chromium: ${browser.error}`);
  for (const check of refresh?.freshChecks ?? []) {
    if (check.mismatch) failures.push(`after the refresh, ${check.id}: ${check.mismatch}`);
  }
  return failures;
}

function machineOf(loadAtStart: number): BenchReport['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.versions.node,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: [loadAtStart, os.loadavg()[0] ?? 0],
  };
}

/**
 * One run, step by step: web build (with a browser) → database → Cube → full rollup build →
 * round trips → the tab in Chromium → each query → whole tabs → whole sections → load →
 * incremental refresh → failures and targets.
 */
export async function runBenchmark(options: BenchOptions): Promise<BenchReport> {
  const started = new Date();
  const loadAtStart = os.loadavg()[0] ?? 0;
  const run = startRun(options, started);
  const { log } = run;

  const browserPort = options.browser && 'port' in options.browser ? options.browser.port : null;
  if (browserPort !== null) await run.phase('web build', () => ensureWebBuild(log));
  const db = await run.phase('database', () =>
    ensureBenchDatabase({ scale: options.scale, seed: options.seed, ...options.pg, log }),
  );
  if (options.refresh) logRefreshPlan(run, db.dataNow);
  let cube: BenchCube | undefined;
  let unregisterCube: () => void = () => undefined;
  const pool = createPool(db.config, { max: 8, applicationName: 'bench-raw-sql' });
  try {
    const benchCube = await startCubeOnEmptySchema(run, pool, db, browserPort);
    cube = benchCube;
    unregisterCube = stopOnInterrupt(() => benchCube.process.stop());
    log(`Cube: ${benchCube.engine.summary}`);
    const fullBuild = await buildEveryRollup(run, db, pool, benchCube);

    const http = new CubeClient({ apiUrl: benchCube.apiUrl, token: benchCube.token });
    const pings: number[] = [];
    for (let i = 0; i < 30; i++) pings.push(await http.ping());
    const browser = await timeBrowser(run, benchCube, browserPort);

    const plan = planRun(run, db.dataNow);
    const measured: QueryReport[] = [];
    const later = estimatesAfter(run, plan, measured, fullBuild);
    await timeEachQuery(run, plan, measured, { pool, http, db, later });
    const tabs = await timeWholeTabs(run, plan, measured, { pool, http, later });
    const sections = await timeWholeSections(run, plan, measured, { pool, http, later });
    const sqlApi = await timeSqlApi(run, benchCube, http, plan.measuredNow);
    const load = await runLoadScenarios(run, plan, benchCube, later);
    const refresh = await timeRefresh(run, { db, pool, cube: benchCube, http, fullBuild });

    const cubeMemory = await processMemory(benchCube.process.process.pid);
    const failures = failuresOf(measured, tabs, refresh, browser, sqlApi);
    const finished = new Date();
    const partial: Omit<BenchReport, 'targets'> = {
      version: 1,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      seconds: (finished.getTime() - started.getTime()) / 1000,
      machine: machineOf(loadAtStart),
      engine: benchCube.engine,
      dataset: { ...db.report(), dataNow: new Date(plan.measuredNow).toISOString() },
      fullBuild,
      roundTripMs: summarize(pings),
      plan: { query: options.budget, group: options.tabBudget },
      queries: measured,
      tabs,
      sections,
      refresh,
      cubeMemory,
      browser,
      load,
      sqlApi,
      failures,
      phases: run.phases,
    };
    return { ...partial, targets: evaluateTargets(partial) };
  } finally {
    unregisterCube();
    await pool.end().catch(() => undefined);
    await cube?.process.stop().catch(() => undefined);
    await db.stop().catch(() => undefined);
  }
}
