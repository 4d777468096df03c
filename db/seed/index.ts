import type { PgConfig } from '../connection';
import { withClient } from '../connection';
import { openCopyLoad } from './copy-writer';
import { prepareBareTables, restoreDefinitions } from './deferred-ddl';
import { generate } from './generate';
import type { ScaleName } from './scales';
import { TABLES, type TableName } from './tables';

// The demo-data loader: generate (deterministic) → COPY into bare tables → rebuild keys,
// indexes and foreign keys → ANALYZE.

export type { ScaleName } from './scales';

export type SeedPhase = 'load' | 'index';

export type SeedProgress = {
  phase: SeedPhase;
  /** 0…1 of the phase (for `load`: of the simulated history). */
  fraction: number;
  /** Rows written so far. */
  rows: number;
};

export type SeedOptions = {
  scale: ScaleName;
  seed: number;
  /** The end of the history ("now" in the data). */
  now: Date;
  /** Replace existing rows; without it a non-empty database is refused. */
  reset?: boolean;
  onProgress?: (progress: SeedProgress) => void;
};

export type SeedResult = {
  rows: Record<TableName, number>;
  totalRows: number;
  /** Wall time of the whole seed. */
  seconds: number;
  /** Generating + COPY (the tables are bare meanwhile). */
  loadSeconds: number;
  /** Rebuilding keys, indexes and foreign keys, and ANALYZE. */
  indexSeconds: number;
  /** totalRows / seconds (end to end). */
  rowsPerSecond: number;
  /** totalRows / loadSeconds (COPY throughput). */
  loadRowsPerSecond: number;
};

export class DatabaseNotEmptyError extends Error {
  constructor(readonly tables: string[]) {
    super(
      `The database already has data (${tables.join(', ')}); pass --reset (reset: true) to replace it`,
    );
    this.name = 'DatabaseNotEmptyError';
  }
}

/** Contract tables that hold rows (missing tables count as empty). */
export async function nonEmptyTables(config: PgConfig): Promise<TableName[]> {
  return withClient(config, async (client) => {
    const found: TableName[] = [];
    for (const table of TABLES) {
      const exists = await client.query<{ present: boolean }>(
        'SELECT to_regclass($1) IS NOT NULL AS present',
        [table],
      );
      if (!exists.rows[0]?.present) continue;
      const rows = await client.query(`SELECT 1 FROM ${client.escapeIdentifier(table)} LIMIT 1`);
      if (rows.rowCount !== 0) found.push(table);
    }
    return found;
  });
}

/** true when no contract table has a row. */
export async function isEmpty(config: PgConfig): Promise<boolean> {
  return (await nonEmptyTables(config)).length === 0;
}

/** Fills the (migrated) database with deterministic demo data. */
export async function seed(config: PgConfig, options: SeedOptions): Promise<SeedResult> {
  if (!Number.isInteger(options.seed)) throw new Error('seed must be an integer');
  if (Number.isNaN(options.now.getTime())) throw new Error('now must be a valid date');
  const started = performance.now();
  const missing = await withClient(config, async (client) => {
    const result = await client.query<{ name: string }>(
      'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL',
      [[...TABLES, 'seed_deferred_ddl']],
    );
    return result.rows.map((row) => row.name);
  });
  if (missing.length > 0) {
    throw new Error(
      `Missing tables (${missing.join(', ')}): run the migrations first (npm run db:migrate)`,
    );
  }
  if (options.reset !== true) {
    const tables = await nonEmptyTables(config);
    if (tables.length > 0) throw new DatabaseNotEmptyError(tables);
  }
  const report = options.onProgress ?? (() => undefined);

  await prepareBareTables(config);
  const load = await openCopyLoad(config);
  const countRows = () => TABLES.reduce((sum, table) => sum + load.writers[table].rows, 0);
  try {
    let lastReport = 0;
    await generate(options, load.writers, async (fraction) => {
      await load.drain();
      if (fraction - lastReport >= 0.005 || fraction >= 1) {
        lastReport = fraction;
        report({ phase: 'load', fraction, rows: countRows() });
      }
    });
    await load.commit();
  } catch (error) {
    await load.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  const loaded = performance.now();
  const rows = Object.fromEntries(TABLES.map((t) => [t, load.writers[t].rows])) as Record<
    TableName,
    number
  >;
  const totalRows = countRows();
  report({ phase: 'index', fraction: 0, rows: totalRows });

  await restoreDefinitions(config, {
    rowCounts: rows,
    // ANALYZE takes the last few percent.
    onProgress: (done, total) =>
      report({ phase: 'index', fraction: (0.95 * done) / total, rows: totalRows }),
  });
  await withClient(config, (client) => client.query(`ANALYZE ${TABLES.join(', ')}`));
  report({ phase: 'index', fraction: 1, rows: totalRows });
  const finished = performance.now();

  const seconds = (finished - started) / 1000;
  const loadSeconds = (loaded - started) / 1000;
  return {
    rows,
    totalRows,
    seconds,
    loadSeconds,
    indexSeconds: (finished - loaded) / 1000,
    rowsPerSecond: Math.round(totalRows / seconds),
    loadRowsPerSecond: Math.round(totalRows / loadSeconds),
  };
}
