/** The benchmark's result, as written to `bench/results/<date>.json` and rendered by report.ts. */
import type { TimeToData } from '../lib/time-to-data';
import type { LoadReport } from './load';
import type { Budget, Contender } from './measure';
import type { SqlApiReport } from './sql-api';
import type { Summary } from './stats';

export type Scale = 'small' | 'medium' | 'large';

export type DatasetReport = {
  scale: Scale;
  seed: number;
  /** The data's "now" during this run (seed time plus any hours the bench appended since). */
  dataNow: string;
  rows: Record<string, number>;
  totalRows: number;
  /** true when an existing bench database was reused (generation figures are from its creation). */
  reused: boolean;
  generatedAt: string;
  /** The whole seed: generation + COPY + keys, indexes, foreign keys and ANALYZE (s). */
  seedSeconds: number;
  /** Generating and COPYing the rows into bare tables (s). */
  loadSeconds: number;
  /** Rebuilding keys, indexes and foreign keys after the load, and ANALYZE (s). */
  indexSeconds: number;
  /** totalRows / seedSeconds (end to end). */
  rowsPerSecond: number;
  /** totalRows / loadSeconds (the COPY load). */
  loadRowsPerSecond: number;
};

export type RollupReadCheck = {
  /** Uncached loads made, and the rollup SELECTs Postgres saw meanwhile (≥ loads × results). */
  uncachedLoads: number;
  uncachedReads: number;
  /** Warm loads made, and the rollup SELECTs Postgres saw meanwhile (0 = served from cache). */
  warmLoads: number;
  warmReads: number;
};

export type QueryReport = {
  id: string;
  widget: string;
  /** Rows in the answer (all results). */
  rows: number;
  /** `usedPreAggregations` of the uncached answer. */
  rollups: string[];
  servedFromRollup: boolean;
  /** The model's reason for answering this query from the source tables on purpose, else null. */
  deliberatelyRaw: string | null;
  /** Remarks worth a reader's attention (e.g. the tab's query differs from the model's record). */
  notes: string[];
  /** For queries Cube answers from the source tables: what each side's SQL scans (EXPLAIN). */
  plans?: { cube: string; raw: string };
  /** null when (a) and (b) agree; otherwise where they differ. */
  mismatch: string | null;
  warmMismatch: string | null;
  rollupReads: RollupReadCheck | null;
  /** `Continue wait` answers seen while timing (b). */
  polls: number;
  timings: Record<Contender, Summary>;
  /** median(a) / median(b) and median(b) / median(c). */
  ratioAB: number | null;
  ratioBC: number | null;
  error?: string;
};

/** Queries sent all at once (a tab state, a section at a timeframe), timed together. */
export type GroupTimings = {
  queries: string[];
  timings: Record<Contender, Summary>;
  ratioAB: number | null;
  ratioBC: number | null;
  /** Sum of the group's per-query warm medians: the warm group's server time "in all". */
  warmSumMs: number | null;
};

/**
 * `batch`: the same warm queries sent as one `POST /load-batch`, the way the web app's Cube client
 * sends a tab state (absent in runs made before it existed, null when it failed: see `batchError`);
 * `batchMismatch`: its answers differed from the single `/load`s'.
 */
export type TabReport = GroupTimings & {
  timeframe: string;
  weeks: number;
  batch?: Summary | null;
  batchError?: string | null;
  batchMismatch?: string | null;
};

/** A Phase 2 section at one of its timeframes: every query it sends, at once. */
export type SectionReport = GroupTimings & { section: string; timeframe: string };

/** Postgres time spent building one rollup's tables (all its partitions and indexes). */
export type RollupBuildTime = { rollup: string; tables: number; seconds: number };

export type RefreshReport = {
  /** Why the refresh was not measured this run (the rest of the report stands). */
  skipped?: string;
  appendedRows: Record<string, number>;
  appendedTotal: number;
  appendSeconds: number;
  /** The appended hour [from, to). */
  hour: [string, string];
  seconds: number;
  partitionsRebuilt: number;
  partitionsTotal: number;
  /** Rollup tables (partitions) created by the refresh. */
  tables: string[];
  /** The full build's time, for comparison. */
  fullBuildSeconds: number;
  /** Postgres time per rollup during the refresh (pg_stat_statements), slowest first. */
  byRollup: RollupBuildTime[];
  /**
   * Unpartitioned rollups whose refresh key changes less often than hourly (`every: 1 day`):
   * not part of an hour's refresh, rebuilt whole once per period (absent in older runs).
   */
  slowerRollups?: { id: string; every: string }[];
  /** After the refresh, uncached Cube answers for the newest hour equal raw SQL (per query id). */
  freshChecks: { id: string; mismatch: string | null; servedFromRollup: boolean }[];
  /** The refresh failed (the rest of the report stands). */
  error?: string;
};

export type TargetReport = {
  name: string;
  /** The "now" when it was filed (null: no earlier figure). */
  was: string | null;
  target: string;
  value: string;
  met: boolean | null;
  /** When missed: which query holds it back and why. */
  note: string | null;
};

export type BenchReport = {
  version: 1;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    platform: string;
    /** 1-minute load average when the run started and when it ended (other work on the machine). */
    loadAverage: [number, number];
  };
  engine: { name: string; summary: string };
  dataset: DatasetReport;
  fullBuild: {
    seconds: number;
    partitions: number;
    /** Tables in the rollup schema afterwards (Cube lists and parses them on every request). */
    rollupTables: number;
    /** Postgres time per rollup (pg_stat_statements), slowest first. */
    byRollup: RollupBuildTime[];
  };
  /** A trivial HTTP round trip to Cube (`/readyz`), for scale. */
  roundTripMs: Summary;
  /** Rounds and time budget per query and per group (each contender; see bench/measure.ts). */
  plan: { query: Budget; group: Budget };
  queries: QueryReport[];
  tabs: TabReport[];
  /** Whole sections (Phase 2); absent in runs made before they were measured. */
  sections?: SectionReport[];
  refresh: RefreshReport | null;
  cubeMemory: { peakMb: number | null; rssMb: number | null };
  /** The tab in Chromium against this run's Cube (bench/browser.ts), or the e2e timings file. */
  browser?: BrowserReport | null;
  /** The load test (bench/load.ts): absent in runs made before it, empty when skipped. */
  load?: LoadReport[];
  /** The SQL API section (bench/sql-api.ts): absent in older runs, null when skipped. */
  sqlApi?: SqlApiReport | null;
  targets: TargetReport[];
  /** Correctness problems: any makes the run fail (exit code 1). */
  failures: string[];
  /** Phase timings of this run (s). */
  phases: Record<string, number>;
};

/**
 * Time to data in the browser: navigation → the first frame with every widget on the tab showing
 * data (charts drawn), timed in the page (lib/time-to-data.ts).
 */
export type BrowserReport = {
  /** `bench`: measured in this run against its Cube; otherwise the file it was read from. */
  source: string;
  measuredAt: string;
  scale: Scale;
  url: string;
  /** Widget frames and charts on the page when it showed data. */
  widgets: number;
  charts: number;
  /**
   * First visit after sign-in: a fresh browser, Cube's result cache empty for these queries, on a
   * web server that has served the tab before (to `serverFirst`).
   */
  first: TimeToData | null;
  /**
   * The fresh web server's first request for the tab (another admin, a tab state sharing no
   * query with `first`); absent in runs before 2026-12-01, when `first` was that request.
   */
  serverFirst?: TimeToData | null;
  /** Reloads of the same page (browser and Cube caches warm): time to data, Phase 1 row alone. */
  warm: Summary;
  warmPhase1: Summary;
  /** The reload with the median time to data, for its breakdown (paint, hydration, load). */
  warmMedian: TimeToData | null;
  /** One-minute load average of the machine when measured. */
  loadAverage: number;
  error?: string;
};
