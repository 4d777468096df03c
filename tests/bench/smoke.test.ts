/**
 * CI smoke test of the benchmark (`npm run bench`): the same code at `small` scale, each query
 * and group run once per contender, on its own throwaway Postgres (`.data/test-bench-pg`, port 25441 or
 * TEST_BENCH_PG_PORT) and Cube (port 4021 or TEST_BENCH_CUBE_PORT); when another run holds
 * those, on a private folder and free ports. It asserts nothing about speed: only that every
 * query the tab sends returns, that the raw-SQL oracle and Cube give the same answer, and that
 * each query is served by its rollup (except those the model records as deliberately raw). The
 * Phase 2 sections are covered the same way, each at every timeframe it offers ("whole section").
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BATCH_MIN_SENDS, type BenchOptions, runBenchmark } from '../../bench/benchmark';
import { renderMarkdown } from '../../bench/report';
import { REPLAY_STATEMENTS } from '../../bench/sql-replay';
import type { BenchReport } from '../../bench/types';
import { EmbeddedPostgresInUseError } from '../../db/embedded';
import { sectionQueries } from '../../web/lib/analytics/registry';
import { SECTION_IDS, SECTIONS, sectionIdSchema } from '../../web/lib/analytics/sections';
import {
  startOfUtcHour,
  TIMEFRAMES,
  WOW_WEEKS,
  windowTimeframeSchema,
} from '../../web/lib/timeframe';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
let report: BenchReport;
let privateDir: string | null = null;

/** `preferred` when it is free, else any free port. */
async function portFor(preferred: number): Promise<number> {
  const listen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(null));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : null));
      });
    });
  return (await listen(preferred)) ?? (await listen(0)) ?? preferred;
}

beforeAll(async () => {
  const options = async (dataDir: string): Promise<BenchOptions> => ({
    scale: 'small',
    seed: 42,
    pg: {
      dataDir,
      port: await portFor(Number(process.env.TEST_BENCH_PG_PORT ?? 25441)),
      portEnvVar: 'TEST_BENCH_PG_PORT',
      fresh: true,
      durable: false,
    },
    cubePort: await portFor(Number(process.env.TEST_BENCH_CUBE_PORT ?? 4021)),
    // Correctness, not speed: each query runs once per contender (the run whose answers are
    // compared) plus the rollup-read check; each tab and section runs its queries at once, once.
    budget: { rounds: 0, budgetMs: 0, minRounds: 0 },
    tabBudget: { rounds: 1, budgetMs: 0, minRounds: 1, warmup: false },
    timeframes: TIMEFRAMES,
    weeks: WOW_WEEKS,
    refresh: true,
    readChecks: 1,
    // The load harness itself, briefly: two admins, warm and uncached, no pause.
    load: {
      scenarios: [
        { clients: 2, cache: 'warm', thinkMs: 0 },
        { clients: 2, cache: 'no-cache', thinkMs: 0 },
      ],
      seconds: 1,
    },
    // The SQL API section once over: each replayed statement, two concurrent sessions.
    sqlApi: {
      port: await portFor(Number(process.env.TEST_BENCH_SQL_PORT ?? 15441)),
      rounds: 1,
      sessions: 2,
    },
    // BENCH_SMOKE_LOG=1 prints the bench's progress (per query and per group timings).
    log: process.env.BENCH_SMOKE_LOG ? (line) => console.log(line) : () => undefined,
  });
  const log = process.env.BENCH_SMOKE_LOG ? (line: string) => console.log(line) : null;
  try {
    report = await runBenchmark(await options(path.join(ROOT, '.data', 'test-bench-pg')));
  } catch (error) {
    if (!(error instanceof EmbeddedPostgresInUseError)) throw error;
    privateDir = path.join(ROOT, '.data', `test-bench-pg-${process.pid}`);
    report = await runBenchmark(await options(privateDir));
  }
  log?.(`phases (s): ${JSON.stringify(report.phases)}; ${report.seconds.toFixed(0)} s in all`);
}, 600_000);

afterAll(async () => {
  if (privateDir) await fs.rm(privateDir, { recursive: true, force: true });
});

describe('the benchmark at small scale', () => {
  test('covers every timeframe and week-over-week span of the tab', () => {
    expect(report.queries.length).toBeGreaterThanOrEqual(TIMEFRAMES.length * 4);
    expect(report.tabs.map((t) => t.timeframe)).toEqual([...TIMEFRAMES]);
    for (const weeks of WOW_WEEKS) {
      expect(report.queries.some((q) => q.id.endsWith(`@${weeks}w`))).toBe(true);
    }
  });

  test('every query returns, and raw SQL and Cube give the same answer', () => {
    const problems = report.queries
      .filter((q) => q.error !== undefined || q.mismatch !== null || q.warmMismatch !== null)
      .map((q) => `${q.id}: ${q.error ?? q.mismatch ?? q.warmMismatch}`);
    expect(problems).toEqual([]);
  });

  test('every query is served by its rollup, unless the model records it as deliberately raw', () => {
    // (A query that failed is reported by the test above.)
    const missing = report.queries
      .filter((q) => q.error === undefined && !q.servedFromRollup && q.deliberatelyRaw === null)
      .map((q) => q.id);
    expect(missing).toEqual([]);
  });

  test('the load test ran its scenarios: every query answered, Cube measured', () => {
    expect(report.load?.map((l) => [l.clients, l.cache, l.errors, l.errorSamples])).toEqual([
      [2, 'warm', 0, []],
      [2, 'no-cache', 0, []],
    ]);
    for (const l of report.load ?? []) {
      expect(l.queries).toBeGreaterThan(0);
      expect(l.rssPeakMb).toBeGreaterThan(0);
      expect(l.cubeCpuMsPerQuery).not.toBeNull();
    }
  });

  test('the whole tab was timed for a, b and c, and warm as one /load-batch with equal answers', () => {
    for (const tab of report.tabs) {
      expect([tab.timings.a.n, tab.timings.b.n, tab.timings.c.n]).toEqual([1, 1, 1]);
      expect({ error: tab.batchError, mismatch: tab.batchMismatch, n: tab.batch?.n }).toEqual({
        error: null,
        mismatch: null,
        n: BATCH_MIN_SENDS,
      });
    }
  });

  test('every section at every timeframe it offers has a whole-section row, timed for a, b and c', () => {
    const expected = SECTION_IDS.flatMap((id) =>
      SECTIONS[id].timeframes.map((timeframe) => `${id}@${timeframe}`),
    );
    expect(report.sections?.map((s) => `${s.section}@${s.timeframe}`)).toEqual(expected);
    const hour = startOfUtcHour(Date.parse(report.dataset.dataNow));
    for (const s of report.sections ?? []) {
      const sent = sectionQueries(
        sectionIdSchema.parse(s.section),
        windowTimeframeSchema.parse(s.timeframe),
        hour,
      );
      // All of the section's queries, each also benched on its own (and so checked above).
      expect(s.queries).toHaveLength(sent.length);
      expect(s.queries.filter((id) => !report.queries.some((q) => q.id === id))).toEqual([]);
      expect([s.timings.a.n, s.timings.b.n, s.timings.c.n]).toEqual([1, 1, 1]);
    }
  });

  test('after the appended hour, each section at 24h still equals raw SQL through Cube', () => {
    expect(report.refresh?.error).toBeUndefined();
    const checks = report.refresh?.freshChecks ?? [];
    const expected = SECTION_IDS.filter((id) =>
      (SECTIONS[id].timeframes as readonly string[]).includes('24h'),
    );
    for (const id of expected) {
      expect(checks.some((c) => c.id.startsWith(`${id}.`) && c.id.includes('@24h'))).toBe(true);
    }
    expect(checks.filter((c) => c.mismatch !== null).map((c) => `${c.id}: ${c.mismatch}`)).toEqual(
      [],
    );
  });

  test('section queries served by a rollup really read it uncached, and not when warm', () => {
    const sectionQs = report.queries.filter((q) =>
      SECTION_IDS.some((id) => q.widget.startsWith(`${id}.`)),
    );
    expect(sectionQs.length).toBeGreaterThan(0);
    const unverified = sectionQs
      .filter((q) => q.servedFromRollup)
      .filter(
        (q) =>
          q.rollupReads === null ||
          q.rollupReads.uncachedReads < q.rollupReads.uncachedLoads ||
          q.rollupReads.warmReads !== 0,
      )
      .map((q) => `${q.id}: ${JSON.stringify(q.rollupReads)}`);
    expect(unverified).toEqual([]);
  });

  test('the SQL API section ran every replayed statement, with the rollups of its Cube parts', () => {
    const sqlApi = report.sqlApi;
    expect(sqlApi?.statements.map((s) => s.id)).toEqual(REPLAY_STATEMENTS.map((s) => s.id));
    expect(sqlApi?.statements.filter((s) => s.error).map((s) => `${s.id}: ${s.error}`)).toEqual([]);
    for (const s of sqlApi?.statements ?? []) expect(s.cubeParts, s.id).toBeGreaterThan(0);
    // A grouped statement on exports_overview is served by one of its view's rollups.
    const byColumn = sqlApi?.statements.find((s) => s.id === 'metabase-count-by-column');
    expect(byColumn?.rollups.length).toBeGreaterThan(0);
    expect(sqlApi?.postProcessed.cubeRows).toBeGreaterThan(0);
    expect(sqlApi?.memory).toMatchObject({ sessions: 2, errors: 0 });
    expect(sqlApi?.memory.statements).toBe(2 * REPLAY_STATEMENTS.length);
  });

  test('the targets table has every speed and load target row, each missed one explained', () => {
    expect(report.targets.map((t) => t.name.replace(/ \(.*$/, ''))).toEqual([
      'Browser, warm visit: navigation → every widget showing data',
      'Browser, first visit after sign-in',
      'Cube result-cache hit, one query',
      'Whole tab warm',
      'Whole tab uncached vs raw SQL, 30d',
      'Whole tab uncached vs raw SQL, all',
      'Whole tab uncached vs raw SQL, 24h',
      'Whole tab uncached vs raw SQL, 7d',
      'Incremental refresh after one appended hour vs full build',
      '50 concurrent tab viewers, warm',
      '50 clients on the tab, warm',
      '200 clients on the tab, warm',
      'SQL API over REST, simple grouped query',
      'SQL API post-processing over a ≤ 10,000-row Cube result',
      'SQL API, 2 concurrent sessions running the replayed statements',
      'SQL API, every replayed tool statement answers',
      'Demo-data load',
      'Every query answered from a pre-aggregation, or recorded with the reason it cannot be',
    ]);
    const unexplained = report.targets.filter((t) => t.met === false && !t.note);
    expect(unexplained.map((t) => t.name)).toEqual([]);
    const markdown = renderMarkdown(report);
    for (const t of report.targets) expect(markdown).toContain(t.name);
  });
});
