/**
 * `npm run bench [-- --scale large|medium|small] [--seed 42] [--rounds N] [--timeframes 24h,30d]
 *  [--no-refresh] [--no-sections] [--fresh] [--no-write]`
 *
 * The Analytics tab's queries through Cube versus raw SQL on the same Postgres, in one run:
 * see bench/benchmark.ts and BENCHMARKS.md. Ports: BENCH_PG_PORT (25440), BENCH_CUBE_PORT (4020).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  TIMEFRAMES,
  type Timeframe,
  WINDOW_TIMEFRAMES,
  type WindowTimeframe,
  WOW_WEEKS,
  windowTimeframeSchema,
} from '../web/lib/timeframe';
import { type BenchOptions, runBenchmark } from './benchmark';
import { readE2eTimings } from './browser';
import { installInterruptHandlers } from './interrupt';
import type { LoadScenario } from './load';
import { renderMarkdown, updateBenchmarksMd, writeResults } from './report';
import { SQL_API_SESSIONS } from './sql-api';
import { evaluateTargets } from './targets';
import type { BenchReport, Scale } from './types';

const ROOT = path.resolve(import.meta.dirname, '..');
const SCALES: readonly Scale[] = ['small', 'medium', 'large'];

const USAGE = `Usage: npm run bench -- [options]
  --scale <small|medium|large>  data size (default large: ≥ 24 M rows, generated once, reused)
  --seed <n>                    generator seed (default 42)
  --rounds <n>                  interleaved rounds per query (default 15 at large, 5 otherwise;
                                whole tab/section: 7 at large, 3 otherwise)
  --budget <s>                  time one contender may spend on one query (default 3 at large, 1
                                otherwise; 2.5× that per whole tab/section): a slower one runs as
                                many rounds as fit, at least 1 after its warm-up
  --timeframes <list>           e.g. 24h,30d (default 24h,7d,30d,90d,all; 90d: Releases only)
  --no-refresh                  skip the appended hour and incremental refresh
  --no-sections                 only the Phase 1 tab (its queries and whole tabs), no sections
  --browser / --no-browser      time the tab in Chromium against the bench's Cube (default on at
                                large; builds the web app when stale). Without it the report
                                shows the last e2e timings file, labelled with its date
  --load-seconds <n>            seconds per load scenario (default 60 at large, 20 otherwise; 0 = skip)
  --load-clients <list>         simulated admins per scenario (default 50,200), each run warm and uncached
  --think <ms>                  an admin's pause between tab states (default 1000)
  --no-sql-api                  skip the SQL API section (replayed tool statements, 50 sessions)
  --fresh                       regenerate the bench database
  --no-write                    do not write bench/results/*.json or BENCHMARKS.md
  --from <results.json>         no run: re-render a saved run (table, targets, BENCHMARKS.md)
Environment: BENCH_PG_PORT (default 25440), BENCH_CUBE_PORT (default 4020), BENCH_WEB_PORT (3020),
  BENCH_SQL_PORT (the SQL API, default 15440),
  BENCH_PG_DIR (default .data/bench-pg, .data/bench-pg-<scale> below large; never the demo one)`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535)
    fail(`${name} must be a TCP port, got "${raw}"`);
  return value;
}

function parse(): BenchOptions & { write: boolean; from: string | null } {
  let values: ReturnType<typeof parseArgs>['values'];
  try {
    ({ values } = parseArgs({
      options: {
        scale: { type: 'string', default: 'large' },
        seed: { type: 'string', default: '42' },
        rounds: { type: 'string' },
        budget: { type: 'string' },
        timeframes: { type: 'string' },
        'no-refresh': { type: 'boolean', default: false },
        'no-sections': { type: 'boolean', default: false },
        'no-sql-api': { type: 'boolean', default: false },
        browser: { type: 'boolean' },
        'no-browser': { type: 'boolean', default: false },
        'load-seconds': { type: 'string' },
        'load-clients': { type: 'string', default: '50,200' },
        think: { type: 'string', default: '1000' },
        fresh: { type: 'boolean', default: false },
        'no-write': { type: 'boolean', default: false },
        from: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const scale = String(values.scale) as Scale;
  if (!SCALES.includes(scale)) fail(`Unknown scale "${scale}"`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) fail(`--seed must be an integer, got "${values.seed}"`);
  const large = scale === 'large';
  const rounds = values.rounds === undefined ? (large ? 15 : 5) : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) fail(`--rounds must be a positive integer`);
  // Phase 1 takes the chips it has (24h/7d/30d/all); each section those it offers (90d: Releases).
  const windows: WindowTimeframe[] =
    values.timeframes === undefined
      ? [...WINDOW_TIMEFRAMES]
      : String(values.timeframes)
          .split(',')
          .map((tf) => {
            const parsed = windowTimeframeSchema.safeParse(tf.trim());
            return parsed.success ? parsed.data : fail(`Unknown timeframe "${tf}"`);
          });
  const timeframes = TIMEFRAMES.filter((tf: Timeframe) => windows.includes(tf));
  const budgetSeconds = values.budget === undefined ? (large ? 3 : 1) : Number(values.budget);
  if (!Number.isFinite(budgetSeconds) || budgetSeconds <= 0) fail('--budget must be > 0');
  const loadSeconds =
    values['load-seconds'] === undefined ? (large ? 60 : 20) : Number(values['load-seconds']);
  if (!Number.isFinite(loadSeconds) || loadSeconds < 0) fail('--load-seconds must be ≥ 0');
  const thinkMs = Number(values.think);
  if (!Number.isFinite(thinkMs) || thinkMs < 0) fail('--think must be ≥ 0');
  const loadClients = String(values['load-clients']).split(',').map(Number);
  if (loadClients.some((n) => !Number.isInteger(n) || n < 1))
    fail('--load-clients must be positive integers');
  const scenarios: LoadScenario[] = [
    ...(['warm', 'no-cache'] as const).flatMap((cache) =>
      loadClients.map((clients) => ({ clients, cache, thinkMs })),
    ),
    // Warm again, each tab state as one /load-batch: how the web app's Cube client sends it.
    ...loadClients.map((clients) => ({
      clients,
      cache: 'warm' as const,
      thinkMs,
      transport: 'batch' as const,
    })),
  ];
  return {
    scale,
    seed,
    load: { scenarios: loadSeconds > 0 ? scenarios : [], seconds: loadSeconds },
    pg: {
      // One folder per scale, so a quick small run never throws away the large data set.
      dataDir: path.resolve(
        ROOT,
        process.env.BENCH_PG_DIR ?? path.join('.data', large ? 'bench-pg' : `bench-pg-${scale}`),
      ),
      port: port('BENCH_PG_PORT', 25440),
      portEnvVar: 'BENCH_PG_PORT',
      fresh: Boolean(values.fresh),
      durable: true,
    },
    cubePort: port('BENCH_CUBE_PORT', 4020),
    browser:
      values['no-browser'] || !(values.browser ?? large)
        ? { fallback: () => readE2eTimings() }
        : { port: port('BENCH_WEB_PORT', 3020) },
    // A contender slower than its budget (a 20 s raw oracle) runs fewer rounds, at least one
    // after its warm-up; the report gives each median's sample count.
    budget: { rounds, budgetMs: budgetSeconds * 1000, minRounds: 1 },
    tabBudget: { rounds: large ? 7 : 3, budgetMs: budgetSeconds * 2500, minRounds: 1 },
    timeframes,
    sectionTimeframes: values['no-sections'] ? [] : windows,
    weeks: WOW_WEEKS,
    refresh: !values['no-refresh'],
    ...(!values['no-sql-api'] && {
      sqlApi: { port: port('BENCH_SQL_PORT', 15440), rounds, sessions: SQL_API_SESSIONS },
    }),
    readChecks: 3,
    log: (line) => console.log(line),
    write: !values['no-write'],
    from: values.from === undefined ? null : String(values.from),
  };
}

const options = parse();
installInterruptHandlers();
if (options.from !== null) {
  // Re-render a saved run with the current report code (targets are re-judged too).
  const saved = JSON.parse(await fs.readFile(options.from, 'utf8')) as BenchReport;
  const { targets: _old, ...rest } = saved;
  const report: BenchReport = { ...rest, targets: evaluateTargets(rest) };
  console.log(renderMarkdown(report));
  if (options.write) {
    await fs.writeFile(options.from, `${JSON.stringify(report, null, 2)}\n`);
    if (report.dataset.scale === 'large')
      await updateBenchmarksMd(report, path.resolve(options.from));
  }
  process.exit(0);
}
const report = await runBenchmark(options);
const markdown = renderMarkdown(report);
console.log(
  `\nPhases (s): ${Object.entries(report.phases)
    .map(([name, s]) => `${name} ${s}`)
    .join(', ')}; ${report.seconds.toFixed(0)} s in all`,
);
console.log(`\n${markdown}\n`);
if (options.write) {
  const file = await writeResults(report);
  console.log(`Results: ${path.relative(ROOT, file)}`);
  if (report.dataset.scale === 'large') {
    await updateBenchmarksMd(report, file);
    console.log('BENCHMARKS.md: latest run updated');
  }
}
if (report.failures.length > 0) {
  console.error(
    `\n${report.failures.length} correctness problem(s):\n- ${report.failures.join('\n- ')}`,
  );
  process.exitCode = 1;
}
