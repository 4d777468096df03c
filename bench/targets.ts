/**
 * The issue's performance targets, judged on a finished run (reported, never asserted), with
 * the query that holds a missed target back and why.
 */

import type { TimeToData } from '../lib/time-to-data';
import type { LoadReport } from './load';
import { sqlApiTargets } from './sql-api';
import { quantile, ratio } from './stats';
import type { BenchReport, BrowserReport, QueryReport, TabReport, TargetReport } from './types';

/** The tab state the headline targets are judged on (the whole tab at 30d, the default view). */
export const HEADLINE_TIMEFRAME = '30d';
export const SEED_ROWS_PER_SECOND_TARGET = 200_000;
/** The incremental refresh after one appended hour, at most this share of a full build. */
export const REFRESH_SHARE_TARGET = 0.1;

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return Math.round(ms).toLocaleString('en-US');
}

export function fmtRatio(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '–';
  return r >= 100 ? `${Math.round(r)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

/** Why a query is slow through Cube relative to raw SQL, in one sentence. */
export function whySlow(q: QueryReport, roundTripMs: number): string {
  const a = q.timings.a.median;
  const b = q.timings.b.median;
  const c = q.timings.c.median;
  if (q.error) return `it failed: ${q.error}`;
  if (!q.servedFromRollup) {
    const what = q.deliberatelyRaw
      ? 'the model answers it from the source tables on purpose'
      : 'no rollup matches it, so Cube answers it from the source tables';
    const plans = q.plans
      ? `; Cube's SQL reads ${q.plans.cube}, the hand-written SQL reads ${q.plans.raw}`
      : '';
    const notes = q.notes.length > 0 ? ` (${q.notes.join('; ')})` : '';
    return `${what}: ${fmtMs(b)} ms through Cube against ${fmtMs(a)} ms for the hand-written SQL${plans}${notes}`;
  }
  if (q.polls > 0) return `Cube queued it (${q.polls} "Continue wait" answers while timing)`;
  const overhead = Math.max(c, roundTripMs);
  if (a <= 4 * overhead) {
    return `its raw SQL is already cheap (${fmtMs(a)} ms: a small table or a short index range), so a rollup has little to save and Cube's per-request cost (~${fmtMs(overhead)} ms warm) dominates`;
  }
  return `reading its rollup takes ${fmtMs(b - c)} ms beyond Cube's warm path (${fmtMs(c)} ms) against ${fmtMs(a)} ms of raw SQL (rollup: ${q.rollups.join(', ') || 'none'})`;
}

function tabQueries(report: Pick<BenchReport, 'queries'>, tab: TabReport): QueryReport[] {
  return tab.queries
    .map((id) => report.queries.find((q) => q.id === id))
    .filter((q): q is QueryReport => q !== undefined);
}

function maxBy<T>(items: readonly T[], key: (item: T) => number): T | undefined {
  let best: T | undefined;
  for (const item of items) if (best === undefined || key(item) > key(best)) best = item;
  return best;
}

/** Which rollups the refresh spent its time on, and why they rebuild. */
function refreshNote(refresh: NonNullable<BenchReport['refresh']>): string {
  const top = refresh.byRollup.slice(0, 4);
  if (top.length === 0) return 'the partitions holding the new hour take long to rebuild';
  const partitioned = (rollup: string) =>
    refresh.tables.some((t) => new RegExp(`\\.${rollup}\\d{8}_`).test(t));
  const whole = top.some((r) => !partitioned(r.rollup));
  return `held back by ${top
    .map(
      (r) =>
        `${r.rollup} ${r.seconds.toFixed(1)} s${partitioned(r.rollup) ? ' (its current partition)' : ' (unpartitioned: rebuilt whole)'}`,
    )
    .join(', ')} of Postgres time; ${
    whole
      ? 'every rebuild of an unpartitioned rollup re-reads all of its source rows'
      : 'the hour that changed rebuilds its partition so far (a month, or a week where the model says so; finer partitions would cut it, at the price of more rollup tables on every request)'
  }`;
}

/** How fast the tab could be at best through Cube: its warm (cache-hit) time against raw SQL. */
function ceiling(tab: TabReport, queries: QueryReport[]): string {
  const cheap = queries.filter((q) => q.timings.a.median < 25);
  return (
    `Even all from the result cache (${fmtMs(tab.timings.c.median)} ms) the tab would be ${fmtRatio(ratio(tab.timings.a.median, tab.timings.c.median))} faster than raw SQL: ` +
    `${cheap.length} of its ${queries.length} raw queries take under 25 ms (index range scans on small windows), so raw SQL's tab time is one query (${maxBy(queries, (q) => q.timings.a.median)?.id})`
  );
}

/**
 * What an uncached tab is made of. Cube answers a tab state's queries on one event loop, so sent
 * at once they take about the sum of Cube's CPU per query; Postgres reads only small rollup
 * slices (bench/cpu-per-query.ts shows its time per statement).
 */
function uncachedTabNote(
  report: Omit<BenchReport, 'targets'>,
  tab: TabReport,
  queries: QueryReport[],
  goal: number,
): string {
  const budget = tab.timings.a.median / goal;
  const oneByOne = queries.reduce((sum, q) => sum + q.timings.b.median, 0);
  const uncachedLoad = (report.load ?? [])
    .filter((run) => run.cache === 'no-cache' && run.cubeCpuMsPerQuery !== null)
    .sort((x, y) => x.clients - y.clients)[0];
  const cpu = uncachedLoad?.cubeCpuMsPerQuery ?? null;
  return (
    `the goal leaves ${fmtMs(budget)} ms for ${queries.length} queries (${fmtMs(budget / queries.length)} ms each); ` +
    (cpu !== null
      ? `Cube spends ~${fmtMs(cpu)} ms of CPU per uncached query (${uncachedLoad?.clients}-admin uncached load test), on one event loop, so the tab's queries queue for it: ~${fmtMs(cpu * queries.length)} ms of CPU before any Postgres time; `
      : '') +
    `one at a time its queries take ${fmtMs(oneByOne)} ms uncached in sum, at once ${fmtMs(tab.timings.b.median)} ms`
  );
}

/** The load targets (per query, warm): at 50 admins, and at 200 admins. */
export const LOAD_TARGETS = [
  { clients: 50, p99Ms: 200, memoryMb: null },
  { clients: 200, p99Ms: 1_000, memoryMb: 1_024 },
] as const;

/** Why a load scenario is slow, from its own figures. */
function loadNote(run: LoadReport): string {
  const cpu = run.cubeCpuMsPerQuery;
  const capacity = cpu !== null && cpu > 0 ? 1000 / cpu : null;
  const parts = [
    `Cube spent ${fmtMs(cpu)} ms of CPU per answered query` +
      (capacity !== null
        ? ` (one event loop: at most ~${capacity.toFixed(0)} queries/s; it answered ${run.throughput.toFixed(0)}/s)`
        : ''),
  ];
  if (run.polls > 0)
    parts.push(`${run.polls} "Continue wait" re-polls (queued behind the SQL queue)`);
  if (run.errors > 0) parts.push(`errors: ${run.errorSamples.join('; ')}`);
  if (run.rssPeakMb !== null) parts.push(`RSS peak ${run.rssPeakMb.toFixed(0)} MB`);
  return `${parts.join('; ')}: queries in flight beyond that wait in line`;
}

function loadTargets(report: Omit<BenchReport, 'targets'>): TargetReport[] {
  return LOAD_TARGETS.map((goal) => {
    const run = report.load?.find(
      (l) => l.clients === goal.clients && l.cache === 'warm' && l.transport !== 'batch',
    );
    const target = `p99 ≤ ${fmtMs(goal.p99Ms)} ms, 0 errors${goal.memoryMb === null ? '' : `, Cube ≤ ${goal.memoryMb / 1024} GB resident`}`;
    const was = goal.clients === 50 ? 'p99 up to 20 s' : 'p50 4.7 s, RSS 2.7 GB';
    if (!run) {
      return {
        name: `${goal.clients} clients on the tab, warm (issue 15)`,
        was,
        target,
        value: 'not measured this run (--load-clients, --load-seconds)',
        met: null,
        note: null,
      };
    }
    const memoryOk = goal.memoryMb === null || (run.rssPeakMb ?? Infinity) <= goal.memoryMb;
    const met = run.errors === 0 && run.p99 <= goal.p99Ms && memoryOk;
    return {
      name: `${goal.clients} clients on the tab, warm (issue 15)`,
      was,
      target,
      value: `p99 ${fmtMs(run.p99)} ms (p95 ${fmtMs(run.p95)} ms), ${run.errors} errors, ${run.throughput.toFixed(0)} queries/s, Cube RSS peak ${run.rssPeakMb?.toFixed(0) ?? '–'} MB; ${run.seconds.toFixed(0)} s, ${run.thinkMs} ms pause`,
      met,
      note: met ? null : loadNote(run),
    };
  });
}

/** The browser targets. */
export const BROWSER_WARM_TARGET_MS = 120;
export const BROWSER_FIRST_TARGET_MS = 300;
export const CACHE_HIT_TARGET_MS = 1.5;
export const TAB_WARM_TARGET_MS = 5;
export const TAB_RATIO_TARGETS = [
  { timeframe: '30d', was: '5.4×', goal: 30 },
  { timeframe: 'all', was: '33×', goal: 100 },
  { timeframe: '24h', was: '0.32×', goal: 1 },
  { timeframe: '7d', was: '1.27×', goal: 3 },
] as const;
export const VIEWERS = 50;
export const VIEWERS_P95_TARGET_MS = 30;

/** One animation frame at 60 Hz: "at first paint" allows the frame the probe saw it in. */
const FRAME_MS = 17;

/** Where the time of one visit went, from its in-page figures (lib/time-to-data.ts). */
export function browserBreakdown(t: TimeToData): string {
  const fcp = t.fcpMs;
  const atPaint = (ms: number) => fcp !== null && ms <= fcp + FRAME_MS;
  const parts = [
    `server's HTML from ${fmtMs(t.ttfbMs)} to ${fmtMs(t.htmlEndMs)} ms`,
    fcp === null
      ? 'no first contentful paint recorded'
      : `first paint at ${fmtMs(fcp)} ms` +
        (atPaint(t.framesReadyMs)
          ? " with every widget's data in the HTML"
          : `, widgets all ready at ${fmtMs(t.framesReadyMs)} ms`),
  ];
  if (t.charts > 0) {
    parts.push(
      atPaint(t.dataMs)
        ? `${t.charts} charts drawn in the first paint`
        : `${t.charts} charts drawn at ${fmtMs(t.dataMs)} ms` +
            (t.dataMs >= t.hydratedMs ? ` (hydration at ${fmtMs(t.hydratedMs)} ms)` : ''),
    );
  }
  parts.push(
    t.cubeLoads > 0
      ? `${t.cubeLoads} Cube requests (/load, /load-batch) from the browser` +
          (t.tokenEndMs !== null ? ` after a token fetch (${fmtMs(t.tokenEndMs)} ms)` : '')
      : 'no Cube request from the browser',
  );
  parts.push(
    `DOMContentLoaded ${fmtMs(t.dclMs)} ms, hydrated ${fmtMs(t.hydratedMs)} ms, load ${fmtMs(t.loadMs)} ms`,
  );
  return parts.join('; ');
}

function browserTargets(report: Omit<BenchReport, 'targets'>): TargetReport[] {
  const b = report.browser;
  const rows = [
    {
      name: 'Browser, warm visit: navigation → every widget showing data',
      was: '~315 ms',
      goal: BROWSER_WARM_TARGET_MS,
      visit: (r: BrowserReport) => r.warmMedian,
      pick: (r: BrowserReport) => r.warm.median,
      detail: (r: BrowserReport) =>
        `median of ${r.warm.n} reloads (${fmtMs(r.warm.min)}–${fmtMs(r.warm.max)} ms), ${r.widgets} widgets, ${r.charts} charts; Phase 1 row ${fmtMs(r.warmPhase1.median)} ms`,
    },
    {
      name: 'Browser, first visit after sign-in (cold caches)',
      was: '~720 ms',
      goal: BROWSER_FIRST_TARGET_MS,
      visit: (r: BrowserReport) => r.first,
      pick: (r: BrowserReport) => r.first?.dataMs ?? Number.NaN,
      detail: (r: BrowserReport) =>
        `${r.widgets} widgets, ${r.charts} charts; Phase 1 row ${fmtMs(r.first?.phase1Ms ?? Number.NaN)} ms` +
        (r.serverFirst
          ? `; the web server's own first request (another admin, another tab state) ${fmtMs(r.serverFirst.dataMs)} ms, its HTML ending at ${fmtMs(r.serverFirst.htmlEndMs)} ms`
          : ''),
    },
  ];
  return rows.map((row) => {
    const visit = b && !b.error ? row.visit(b) : null;
    if (!b || !visit) {
      return {
        name: row.name,
        was: row.was,
        target: `≤ ${row.goal} ms`,
        value: b?.error
          ? `failed: ${b.error}`
          : b
            ? 'not measured with the in-page probe (an older run)'
            : 'not measured this run (--browser)',
        met: null,
        note: null,
      };
    }
    const ms = row.pick(b);
    const met = ms <= row.goal;
    const waited =
      b.source === 'bench'
        ? ''
        : ` (${b.source}, measured ${b.measuredAt.slice(0, 16).replace('T', ' ')} UTC, ${b.scale} scale)`;
    return {
      name: row.name,
      was: row.was,
      target: `≤ ${row.goal} ms`,
      value: `${fmtMs(ms)} ms${waited}: ${row.detail(b)}; load average ${b.loadAverage.toFixed(2)}`,
      met,
      note: met ? null : browserBreakdown(visit),
    };
  });
}

/** One result-cache hit: the median over the tab's and sections' queries of their warm medians. */
function cacheHitTarget(report: Omit<BenchReport, 'targets'>): TargetReport {
  const warm = report.queries
    .filter((q) => !q.error && q.timings.c.n > 0)
    .map((q) => ({ id: q.id, ms: q.timings.c.median }));
  const sorted = warm.map((w) => w.ms).sort((x, y) => x - y);
  const median = quantile(sorted, 0.5);
  const roundTrip = report.roundTripMs.median;
  const met = Number.isFinite(median) ? median <= CACHE_HIT_TARGET_MS : null;
  const slowest = maxBy(warm, (w) => w.ms);
  const warmLoad = report.load?.find((l) => l.cache === 'warm' && l.clients === VIEWERS);
  return {
    name: 'Cube result-cache hit, one query (client wall time on loopback: an upper bound of server time)',
    was: '5–14 ms',
    target: `≤ ${CACHE_HIT_TARGET_MS} ms median`,
    value: `median ${fmtMs(median)} ms over ${warm.length} queries (p25–p75 ${fmtMs(quantile(sorted, 0.25))}–${fmtMs(quantile(sorted, 0.75))} ms; bare round trip ${fmtMs(roundTrip)} ms)`,
    met,
    note: met
      ? null
      : `${fmtMs(median - roundTrip)} ms beyond a bare round trip is Cube's own work per request` +
        (warmLoad?.cubeCpuMsPerQuery != null
          ? ` (${fmtMs(warmLoad.cubeCpuMsPerQuery)} ms of Cube CPU per warm query in the ${VIEWERS}-client load test)`
          : '') +
        (slowest ? `; slowest hit ${slowest.id} ${fmtMs(slowest.ms)} ms` : ''),
  };
}

/**
 * Judged the way the web app sends a tab state: one `POST /load-batch` (its Cube client batches
 * the queries a render issues together); runs made before the endpoint existed fall back to the
 * concurrent `/load`s, and the row says which.
 */
function tabWarmTarget(report: Omit<BenchReport, 'targets'>): TargetReport | null {
  const tab = report.tabs.find((t) => t.timeframe === HEADLINE_TIMEFRAME) ?? report.tabs[0];
  if (!tab) return null;
  const queries = tabQueries(report, tab);
  const concurrent = tab.timings.c.median;
  const batched = tab.batch?.median;
  const warm = batched ?? concurrent;
  const met = Number.isFinite(warm) ? warm <= TAB_WARM_TARGET_MS : null;
  const slowest = maxBy(queries, (q) => q.timings.c.median);
  const others = report.tabs
    .filter((t) => t !== tab)
    .map((t) => `${t.timeframe} ${fmtMs(t.batch?.median ?? t.timings.c.median)} ms`)
    .join(', ');
  const serial =
    tab.warmSumMs !== null && tab.warmSumMs > 0 ? concurrent / tab.warmSumMs : Number.NaN;
  const how =
    batched === undefined
      ? `all ${queries.length} queries at once as concurrent /loads`
      : `all ${queries.length} queries in one /load-batch, as the web app sends them`;
  const detail = [
    ...(batched === undefined
      ? []
      : [
          `median of ${tab.batch?.n} sends`,
          `${queries.length} concurrent /loads ${fmtMs(concurrent)} ms`,
        ]),
    `sum of its queries' warm medians ${fmtMs(tab.warmSumMs)} ms`,
    ...(others ? [`other tabs ${others}`] : []),
  ].join('; ');
  return {
    name: `Whole tab warm (${tab.timeframe}, ${how})`,
    was: '43.7 ms',
    target: `≤ ${TAB_WARM_TARGET_MS} ms`,
    value: `${fmtMs(warm)} ms (${detail})`,
    met,
    note:
      met === false && slowest
        ? `${queries.length} concurrent requests take ${Number.isFinite(serial) ? `${Math.round(serial * 100)} %` : '–'} of their one-by-one sum: ` +
          `${serial > 0.6 ? 'Cube serves them one after another on one event loop, so the tab costs about the sum of its per-request floors' : 'they overlap, so the slowest request sets the time'}; ` +
          `slowest warm query ${slowest.id} ${fmtMs(slowest.timings.c.median)} ms against a ${fmtMs(report.roundTripMs.median)} ms bare round trip`
        : null,
  };
}

function tabRatioTargets(report: Omit<BenchReport, 'targets'>): TargetReport[] {
  const roundTrip = report.roundTripMs.median;
  return TAB_RATIO_TARGETS.flatMap((goal) => {
    const tab = report.tabs.find((t) => t.timeframe === goal.timeframe);
    if (!tab) {
      return [
        {
          name: `Whole tab uncached vs raw SQL, ${goal.timeframe}`,
          was: goal.was,
          target: `≥ ${goal.goal}×`,
          value: 'not measured this run (--timeframes)',
          met: null,
          note: null,
        },
      ];
    }
    const queries = tabQueries(report, tab);
    const speedup = tab.ratioAB;
    const met = speedup === null ? null : speedup >= goal.goal;
    const slowest = maxBy(queries, (q) => q.timings.b.median);
    return [
      {
        name: `Whole tab uncached vs raw SQL, ${goal.timeframe}`,
        was: goal.was,
        target: `≥ ${goal.goal}×`,
        value: `${fmtRatio(speedup)} (raw ${fmtMs(tab.timings.a.median)} ms vs Cube uncached ${fmtMs(tab.timings.b.median)} ms; n ${tab.timings.a.n}/${tab.timings.b.n})`,
        met,
        note:
          met === false && slowest
            ? `${uncachedTabNote(report, tab, queries, goal.goal)}; slowest: ${slowest.id} (uncached ${fmtMs(slowest.timings.b.median)} ms): ${whySlow(slowest, roundTrip)}. ${ceiling(tab, queries)}`
            : null,
      },
    ];
  });
}

function refreshTarget(report: Omit<BenchReport, 'targets'>): TargetReport {
  const base = {
    name: 'Incremental refresh after one appended hour vs full build',
    was: '39 %',
    target: `≤ ${Math.round(REFRESH_SHARE_TARGET * 100)} % of the full build`,
  };
  const r = report.refresh;
  if (!r) return { ...base, value: 'not measured this run (--no-refresh)', met: null, note: null };
  if (r.skipped) return { ...base, value: 'not measured this run', met: null, note: r.skipped };
  if (r.error) return { ...base, value: 'failed', met: false, note: r.error };
  const share = r.seconds / r.fullBuildSeconds;
  return {
    ...base,
    value: `${Math.round(share * 100)} % (${r.seconds.toFixed(1)} s vs ${r.fullBuildSeconds.toFixed(1)} s; ${r.partitionsRebuilt} of ${r.partitionsTotal} partitions)`,
    met: share <= REFRESH_SHARE_TARGET,
    note: share > REFRESH_SHARE_TARGET ? refreshNote(r) : null,
  };
}

/** Judged on the batch scenario when the run has it: the way the web app sends a tab state. */
function viewersTarget(report: Omit<BenchReport, 'targets'>): TargetReport {
  const warm = report.load?.filter((l) => l.clients === VIEWERS && l.cache === 'warm') ?? [];
  const run = warm.find((l) => l.transport === 'batch') ?? warm[0];
  const base = {
    name: `${VIEWERS} concurrent tab viewers, warm${run?.transport === 'batch' ? ' (one /load-batch per tab state, as the web app sends it)' : ''}`,
    was: 'not measured',
    target: `p95 per query ≤ ${VIEWERS_P95_TARGET_MS} ms, 0 errors`,
  };
  if (!run) return { ...base, value: 'not measured this run', met: null, note: null };
  const met = run.errors === 0 && run.p95 <= VIEWERS_P95_TARGET_MS;
  return {
    ...base,
    value: `p95 ${fmtMs(run.p95)} ms (p50 ${fmtMs(run.p50)}, p99 ${fmtMs(run.p99)} ms), ${run.errors} errors, ${run.throughput.toFixed(0)} queries/s; ${run.seconds.toFixed(0)} s, ${run.thinkMs} ms pause`,
    met,
    note: met ? null : loadNote(run),
  };
}

/** The speed targets row by row, then the load targets and the standing checks. */
export function evaluateTargets(report: Omit<BenchReport, 'targets'>): TargetReport[] {
  const targets: TargetReport[] = [
    ...browserTargets(report),
    cacheHitTarget(report),
    ...[tabWarmTarget(report)].filter((t): t is TargetReport => t !== null),
    ...tabRatioTargets(report),
    ...[refreshTarget(report), viewersTarget(report)].filter((t): t is TargetReport => t !== null),
    ...loadTargets(report),
    ...sqlApiTargets(report.sqlApi),
  ];

  const d = report.dataset;
  const seedRate = d.loadRowsPerSecond;
  targets.push({
    name: 'Demo-data load (generation + COPY)',
    was: null,
    target: `≥ ${(SEED_ROWS_PER_SECOND_TARGET / 1000).toFixed(0)} k rows/s`,
    value:
      `${Math.round(seedRate / 1000)} k rows/s (${d.totalRows.toLocaleString('en-US')} rows in ${d.loadSeconds.toFixed(1)} s; ` +
      `with indexes ${Math.round(d.rowsPerSecond / 1000)} k rows/s${d.reused ? `; measured when the bench database was created` : ''})`,
    met: Number.isFinite(seedRate) && seedRate > 0 ? seedRate >= SEED_ROWS_PER_SECOND_TARGET : null,
    note:
      Number.isFinite(seedRate) && seedRate < SEED_ROWS_PER_SECOND_TARGET
        ? `generation and COPY ran at ${Math.round(seedRate / 1000)} k rows/s when the bench database was created (${d.generatedAt.slice(0, 16).replace('T', ' ')} UTC)` +
          (d.scale === 'large'
            ? ''
            : `; at ${d.scale} scale (${d.totalRows.toLocaleString('en-US')} rows) fixed start-up costs weigh more than the rows`) +
          `; keys and indexes took a further ${d.indexSeconds.toFixed(1)} s`
        : null,
  });

  const missing = report.queries.filter((q) => !q.servedFromRollup && q.deliberatelyRaw === null);
  const raw = report.queries.filter((q) => !q.servedFromRollup && q.deliberatelyRaw !== null);
  const notes = [
    ...(missing.length > 0
      ? [`no rollup, and not recorded as raw: ${missing.map((q) => q.id).join(', ')}`]
      : []),
    ...(raw.length > 0
      ? [
          `deliberately raw (model): ${raw.map((q) => `${q.id} (${fmtMs(q.timings.b.median)} ms uncached)`).join(', ')}: ${raw[0]?.deliberatelyRaw}`,
        ]
      : []),
  ];
  targets.push({
    name: 'Every query answered from a pre-aggregation, or recorded with the reason it cannot be',
    was: null,
    target: 'all',
    value: `${report.queries.length - missing.length - raw.length} of ${report.queries.length} from rollups, ${raw.length} deliberately raw`,
    met: missing.length === 0,
    note: notes.length > 0 ? notes.join('; ') : null,
  });
  return targets;
}
