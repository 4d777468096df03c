/**
 * The run's report: markdown tables (printed, and pasted into BENCHMARKS.md between its
 * `bench:latest` markers, without the per-query table, which would double the file's length)
 * and, under bench/results/, the JSON file and the full markdown beside it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Contender } from './measure';
import { rollupOfTable } from './rollup-reads';
import { renderSqlApi } from './sql-api';
import type { Summary } from './stats';
import { fmtMs, fmtRatio, whySlow } from './targets';
import type { BenchReport, QueryReport, RollupBuildTime } from './types';

const ROOT = path.resolve(import.meta.dirname, '..');
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
export const BENCHMARKS_MD = path.join(ROOT, 'BENCHMARKS.md');
const START =
  '<!-- bench:latest:start (written by `npm run bench`; edit outside these markers) -->';
const END = '<!-- bench:latest:end -->';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

/** "median (p25–p75; min–max)" in ms. */
export function spread(s: Summary): string {
  if (s.n === 0) return '–';
  return `${fmtMs(s.median)} (${fmtMs(s.p25)}–${fmtMs(s.p75)}; ${fmtMs(s.min)}–${fmtMs(s.max)})`;
}

const shortRollup = (name: string) => name.replace(/^[^.]*\./, '');

function timingCells(t: Record<Contender, Summary>): string[] {
  return [spread(t.a), spread(t.b), spread(t.c)];
}

function status(q: QueryReport): string {
  if (q.error) return `ERROR: ${q.error}`;
  const problems: string[] = [];
  if (q.mismatch) problems.push(`a≠b: ${q.mismatch}`);
  if (q.warmMismatch) problems.push(`b≠c: ${q.warmMismatch}`);
  if (!q.servedFromRollup) problems.push(q.deliberatelyRaw ? 'raw by design (model)' : 'NO ROLLUP');
  if (q.rollupReads && q.rollupReads.uncachedReads < q.rollupReads.uncachedLoads) {
    problems.push('uncached did not read the rollup');
  }
  return problems.length === 0 ? 'ok' : problems.join('; ');
}

export function slowestQueries(report: BenchReport, count = 3): QueryReport[] {
  return [...report.queries]
    .filter((q) => q.timings.b.n > 0)
    .sort((x, y) => y.timings.b.median - x.timings.b.median)
    .slice(0, count);
}

/** Runs saved before the time budget recorded { rounds, rawBudgetMs, minRawRounds, tabRounds }. */
type LegacyPlan = { rounds: number; rawBudgetMs: number; minRawRounds: number; tabRounds: number };

function timingLine(report: BenchReport): string {
  const plan = report.plan as BenchReport['plan'] | LegacyPlan;
  const cells = 'Cells: median (p25–p75; min–max), ms, client wall time on localhost.';
  if (!('query' in plan)) {
    return (
      `Timing: ${plan.rounds} interleaved rounds per query after a warm-up (raw SQL: as many as fit ` +
      `${(plan.rawBudgetMs / 1000).toFixed(0)} s, at least ${plan.minRawRounds}), ${plan.tabRounds} per whole tab. ${cells}`
    );
  }
  const s = (ms: number) => `${(ms / 1000).toFixed(ms < 1000 ? 1 : 0)} s`;
  return (
    `Timing, after a warm-up of each: ${plan.query.rounds} interleaved rounds per query, ${plan.group.rounds} per whole tab or section; ` +
    `a contender whose warm-up shows it would take more than ${s(plan.query.budgetMs)} per query (${s(plan.group.budgetMs)} per group) ` +
    `runs as many rounds as fit, at least ${plan.query.minRounds} (column n: samples behind the medians, a/b/c). ${cells}`
  );
}

const samples = (t: Record<Contender, Summary>) => `${t.a.n}/${t.b.n}/${t.c.n}`;

/** `perQuery: false` leaves out the table of every query (BENCHMARKS.md links to it instead). */
/** One part of the report: its Markdown lines (empty when the run has nothing for it). */
type Section = (report: BenchReport) => string[];

/** When, where, on what data. */
const runSection: Section = (report) => {
  const d = report.dataset;
  return [
    `Run ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${report.seconds.toFixed(0)} s in all · ` +
      `${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGb} GB, load ${report.machine.loadAverage.map((l) => l.toFixed(1)).join(' → ')} · Node ${report.machine.node} · ` +
      `Cube engine: ${report.engine.name}`,
    '',
    `Data: scale \`${d.scale}\` (seed ${d.seed}), ${d.totalRows.toLocaleString('en-US')} source rows, ` +
      `data "now" ${d.dataNow.slice(0, 16).replace('T', ' ')} UTC${d.reused ? ' (bench database reused)' : ''}. ` +
      timingLine(report),
  ];
};

const targetsSection: Section = (report) => [
  '',
  '### Targets',
  '',
  table(
    ['what', 'was (issue)', 'now (this run)', 'target', 'met', 'what holds it back'],
    report.targets.map((t) => [
      t.name,
      t.was ?? '',
      t.value,
      t.target,
      t.met === null ? '–' : t.met ? 'yes' : '**no**',
      t.note ?? '',
    ]),
  ),
];

const tabsSection: Section = (report) => [
  '',
  '### Whole tab (all its queries at once, as the browser sends them)',
  '',
  table(
    [
      'tab',
      'queries',
      'a: raw SQL',
      'b: Cube uncached',
      'c: Cube warm',
      'c: warm, one /load-batch',
      'n',
      'a/b',
      'b/c',
    ],
    report.tabs.map((t) => [
      `${t.timeframe} (WoW ${t.weeks}w)`,
      String(t.queries.length),
      ...timingCells(t.timings),
      t.batch ? spread(t.batch) : t.batchError ? 'failed' : '–',
      samples(t.timings),
      fmtRatio(t.ratioAB),
      fmtRatio(t.ratioBC),
    ]),
  ),
];

const sectionsSection: Section = (report) => {
  if (!report.sections || report.sections.length === 0) return [];
  return [
    '',
    '### Whole section (Phase 2: all its queries at once, at each timeframe it offers)',
    '',
    table(
      ['section', 'queries', 'a: raw SQL', 'b: Cube uncached', 'c: Cube warm', 'n', 'a/b', 'b/c'],
      report.sections.map((s) => [
        `${s.section} (${s.timeframe})`,
        String(s.queries.length),
        ...timingCells(s.timings),
        samples(s.timings),
        fmtRatio(s.ratioAB),
        fmtRatio(s.ratioBC),
      ]),
    ),
  ];
};

const queriesSection: Section = (report) => [
  '',
  '### Every query the tab sends',
  '',
  table(
    [
      'query',
      'rollup used',
      'rows',
      'a: raw SQL',
      'b: Cube uncached',
      'c: Cube warm',
      'n',
      'a/b',
      'b/c',
      'check',
    ],
    report.queries.map((q) => [
      q.id,
      q.rollups.map(shortRollup).join(', ') ||
        (q.deliberatelyRaw ? 'none (deliberately raw)' : '**none**'),
      String(q.rows),
      ...timingCells(q.timings),
      samples(q.timings),
      fmtRatio(q.ratioAB),
      fmtRatio(q.ratioBC),
      status(q),
    ]),
  ),
];

const slowestSection: Section = (report) => [
  '',
  '### Slowest three queries through Cube (uncached)',
  '',
  ...slowestQueries(report).map(
    (q) =>
      `- \`${q.id}\`: ${fmtMs(q.timings.b.median)} ms uncached, ${fmtMs(q.timings.c.median)} ms warm, ` +
      `${fmtMs(q.timings.a.median)} ms raw (${fmtRatio(q.ratioAB)}): ${whySlow(q, report.roundTripMs.median)}.`,
  ),
];

/** Each query's notes, one line per note with the queries it applies to. */
const notesSection: Section = (report) => {
  const notes = new Map<string, string[]>();
  for (const q of report.queries) {
    for (const note of q.notes) notes.set(note, [...(notes.get(note) ?? []), q.id]);
  }
  if (notes.size === 0) return [];
  return [
    '',
    '### Notes',
    '',
    ...[...notes].map(([note, ids]) => `- ${ids.map((id) => `\`${id}\``).join(', ')}: ${note}.`),
  ];
};

/** The incremental refresh's rows of the build table (none when the run did not ask for it). */
function refreshRows(r: NonNullable<BenchReport['refresh']>): string[][] {
  const rows: string[][] = [];
  if (!r.skipped)
    rows.push([
      'append one hour of rows',
      `${r.appendSeconds.toFixed(1)} s`,
      `${r.appendedTotal.toLocaleString('en-US')} rows, ${r.hour[0].slice(0, 16)} – ${r.hour[1].slice(11, 16)} UTC`,
    ]);
  const fresh = r.freshChecks.every((c) => c.mismatch === null);
  if (r.skipped) rows.push(['incremental refresh', 'not measured', r.skipped]);
  else if (r.error) rows.push(['incremental refresh', 'FAILED', r.error]);
  else
    rows.push([
      'incremental refresh',
      `${r.seconds.toFixed(1)} s`,
      `${r.partitionsRebuilt} of ${r.partitionsTotal} partitions rebuilt (${Math.round((100 * r.seconds) / r.fullBuildSeconds)} % of the full build); new hour visible through Cube and equal to raw SQL: ${fresh ? 'yes' : 'NO'}`,
    ]);
  return rows;
}

const buildSection: Section = (report) => {
  const d = report.dataset;
  const rows: string[][] = [
    [
      'demo data: generation + COPY',
      `${d.loadSeconds.toFixed(1)} s`,
      `${d.totalRows.toLocaleString('en-US')} rows, ${Math.round(d.loadRowsPerSecond / 1000)} k rows/s${d.reused ? ` (when the bench database was created, ${d.generatedAt.slice(0, 10)})` : ''}`,
    ],
    [
      'demo data: keys, indexes, foreign keys, ANALYZE',
      `${d.indexSeconds.toFixed(1)} s`,
      `whole seed ${d.seedSeconds.toFixed(1)} s, ${Math.round(d.rowsPerSecond / 1000)} k rows/s end to end`,
    ],
    [
      'first full pre-aggregation build',
      `${report.fullBuild.seconds.toFixed(1)} s`,
      `${report.fullBuild.partitions} partitions, Cube jobs API`,
    ],
    ...(report.refresh ? refreshRows(report.refresh) : []),
    [
      'Cube peak memory (VmHWM)',
      report.cubeMemory.peakMb === null ? '–' : `${report.cubeMemory.peakMb.toFixed(0)} MB`,
      `RSS at the end ${report.cubeMemory.rssMb === null ? '–' : `${report.cubeMemory.rssMb.toFixed(0)} MB`}`,
    ],
    ['bare round trip to Cube (/readyz)', `${fmtMs(report.roundTripMs.median)} ms`, 'median'],
  ];
  return ['', '### Build, refresh, load, memory', '', table(['what', 'time', 'detail'], rows)];
};

const loadSection: Section = (report) => {
  if (!report.load || report.load.length === 0) return [];
  const first = report.load[0];
  return [
    '',
    '### Load (simulated admins on the tab, loopback)',
    '',
    `Each admin sends one tab state's queries at once (as the browser does, over its own 6 keep-alive connections), waits for every answer, pauses ${first?.thinkMs ?? 0} ms, and moves to the next timeframe chip; admins start spread over 1 s and run ${first ? first.seconds.toFixed(0) : '–'} s. Latency is per query, wall time on the client including re-polls; CPU is Cube's own (user + system) per answered query.`,
    '',
    table(
      [
        'admins',
        'cache',
        'queries/s',
        'p50',
        'p95',
        'p99',
        'max',
        'errors',
        'Cube RSS peak',
        'Cube CPU / query',
      ],
      report.load.map((l) => [
        String(l.clients),
        `${l.cache === 'warm' ? 'warm' : 'uncached'}${l.transport === 'batch' ? ', one /load-batch per tab state' : ''}`,
        l.throughput.toFixed(0),
        `${fmtMs(l.p50)} ms`,
        `${fmtMs(l.p95)} ms`,
        `${fmtMs(l.p99)} ms`,
        `${fmtMs(l.max)} ms`,
        l.errors === 0 ? '0' : `**${l.errors}** (${l.errorSamples.join('; ')})`,
        l.rssPeakMb === null ? '–' : `${l.rssPeakMb.toFixed(0)} MB`,
        l.cubeCpuMsPerQuery === null ? '–' : `${fmtMs(l.cubeCpuMsPerQuery)} ms`,
      ]),
    ),
  ];
};

/** Where the build time went, what the refresh rebuilt, and the cache-bypass check. */
const rollupsSection: Section = (report) => {
  const out: string[] = [];
  const slowest = (list: RollupBuildTime[]) =>
    list
      .slice(0, 6)
      .map(
        (r) =>
          `${r.rollup} ${r.seconds.toFixed(1)} s (${r.tables} table${r.tables === 1 ? '' : 's'})`,
      )
      .join(', ');
  if (report.fullBuild.byRollup.length > 0) {
    out.push(
      '',
      `Postgres time per rollup (pg_stat_statements), full build: ${slowest(report.fullBuild.byRollup)}, …` +
        (report.refresh && report.refresh.byRollup.length > 0
          ? `; incremental refresh: ${slowest(report.refresh.byRollup)}, …`
          : '') +
        `. The rollup schema holds ${report.fullBuild.rollupTables} tables.`,
    );
  }
  if (report.refresh && !report.refresh.skipped && !report.refresh.error) {
    const names = report.refresh.tables.map((t) => {
      const table = t.replace(/^[^.]*\./, '');
      // A partition is named by its first day: a month's or, for weekly ones, a Monday's.
      const partition = /(\d{4})(\d{2})(\d{2})_[a-z0-9]+_[a-z0-9]+_[a-z0-9]+$/.exec(table);
      return `${rollupOfTable(table)}${partition ? ` from ${partition[1]}-${partition[2]}-${partition[3]}` : ' (whole)'}`;
    });
    out.push('', `Rebuilt by the incremental refresh: ${names.join(', ') || 'nothing'}.`);
    const slower = report.refresh.slowerRollups ?? [];
    if (slower.length > 0) {
      out.push(
        '',
        `Not part of an hour's refresh (refresh key changes less often; rebuilt whole once per period): ${slower.map((r) => `${r.id} (every ${r.every})`).join(', ')}.`,
      );
    }
  }
  const checked = report.queries.filter((q) => q.rollupReads);
  if (checked.length > 0) {
    const loads = checked.reduce((n, q) => n + (q.rollupReads?.uncachedLoads ?? 0), 0);
    const reads = checked.reduce((n, q) => n + (q.rollupReads?.uncachedReads ?? 0), 0);
    const warmLoads = checked.reduce((n, q) => n + (q.rollupReads?.warmLoads ?? 0), 0);
    const warmReads = checked.reduce((n, q) => n + (q.rollupReads?.warmReads ?? 0), 0);
    out.push(
      '',
      `Cache bypass verified with \`pg_stat_statements\`: ${loads} uncached loads ran ${reads} SELECTs on rollup tables; ` +
        `${warmLoads} warm loads ran ${warmReads}.`,
    );
  }
  return out;
};

const sqlApiSection =
  (perQuery: boolean): Section =>
  (report) =>
    renderSqlApi(report.sqlApi, table, { perStatement: perQuery });

const correctnessSection: Section = (report) => [
  '',
  `Correctness: ${report.failures.length === 0 ? 'every query: (a) = (b) = (c)' : report.failures.join('; ')}.`,
];

/** The report's parts in order; a new measurement adds its own section here. */
function sectionsOf({ perQuery }: { perQuery: boolean }): Section[] {
  return [
    runSection,
    targetsSection,
    tabsSection,
    sectionsSection,
    ...(perQuery ? [queriesSection] : []),
    slowestSection,
    notesSection,
    buildSection,
    loadSection,
    rollupsSection,
    sqlApiSection(perQuery),
    correctnessSection,
  ];
}

export function renderMarkdown(report: BenchReport, { perQuery = true } = {}): string {
  return sectionsOf({ perQuery })
    .flatMap((section) => section(report))
    .join('\n');
}

/** `bench/results/<date>[-<scale>][-n].json`; never overwrites an earlier run. */
export async function writeResults(report: BenchReport, dir = RESULTS_DIR): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const date = report.startedAt.slice(0, 10);
  const base = `${date}${report.dataset.scale === 'large' ? '' : `-${report.dataset.scale}`}`;
  for (let n = 1; ; n++) {
    const file = path.join(dir, `${base}${n === 1 ? '' : `-${n}`}.json`);
    try {
      await fs.writeFile(file, `${JSON.stringify(report, null, 2)}\n`, { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Replaces the latest-run section of BENCHMARKS.md (between its markers). */
export async function updateBenchmarksMd(
  report: BenchReport,
  resultsFile: string,
  file = BENCHMARKS_MD,
) {
  const fullReport = resultsFile.replace(/\.json$/, '.md');
  await fs.writeFile(fullReport, `${renderMarkdown(report)}\n`);
  const link = (target: string) => {
    const relative = path.relative(path.dirname(file), target);
    return `[\`${relative}\`](${relative})`;
  };
  const body = [
    START,
    '',
    renderMarkdown(report, { perQuery: false }),
    '',
    `Every query's row: ${link(fullReport)}. Raw figures: ${link(resultsFile)}.`,
    '',
    END,
  ].join('\n');
  const current = await fs.readFile(file, 'utf8').catch(() => null);
  let next: string;
  if (current === null) {
    next = `# Benchmarks\n\n## Latest run\n\n${body}\n`;
  } else {
    const start = current.indexOf('<!-- bench:latest:start');
    const end = current.indexOf(END);
    next =
      start >= 0 && end > start
        ? `${current.slice(0, start)}${body}${current.slice(end + END.length)}`
        : `${current.trimEnd()}\n\n## Latest run\n\n${body}\n`;
  }
  await fs.writeFile(file, next);
}
