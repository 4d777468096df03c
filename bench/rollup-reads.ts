/**
 * Proof that "cache bypassed" really reads the rollup: Postgres' `pg_stat_statements` counts
 * every SELECT Cube runs against a rollup table (schema `analytics_pre_aggregations`). An
 * uncached `/load` must add at least one such call per result; a warm one must add none.
 *
 * `pg_stat_statements` needs `shared_preload_libraries`, i.e. a server restart: the bench
 * asks for it with ALTER SYSTEM on its own cluster (never the demo one) and restarts once.
 */
import type pg from 'pg';
import { PRE_AGGREGATIONS_SCHEMA } from '../cube/options';

type Queryable = Pick<pg.Pool, 'query'>;

export async function statStatementsPreloaded(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ libs: string }>(
    "SELECT current_setting('shared_preload_libraries') AS libs",
  );
  return (rows[0]?.libs ?? '').split(',').some((lib) => lib.trim() === 'pg_stat_statements');
}

/** Adds pg_stat_statements to shared_preload_libraries (takes effect at the next restart). */
export async function preloadStatStatements(db: Queryable): Promise<void> {
  const { rows } = await db.query<{ libs: string }>(
    "SELECT current_setting('shared_preload_libraries') AS libs",
  );
  const libs = (rows[0]?.libs ?? '')
    .split(',')
    .map((lib) => lib.trim())
    .filter((lib) => lib !== '');
  if (!libs.includes('pg_stat_statements')) libs.push('pg_stat_statements');
  await db.query(`ALTER SYSTEM SET shared_preload_libraries = '${libs.join(',')}'`);
}

export async function createStatStatements(db: Queryable): Promise<void> {
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
}

/** SELECTs executed so far against rollup tables (all of Cube's rollup reads). */
export async function rollupReadCalls(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ calls: string }>(
    `SELECT coalesce(sum(calls), 0)::bigint AS calls
       FROM pg_stat_statements
      WHERE query ~* '^\\s*select'
        AND query ILIKE $1`,
    [`%${PRE_AGGREGATIONS_SCHEMA}.%`],
  );
  return Number(rows[0]?.calls ?? 0);
}

/** Time Postgres spent so far on each rollup-building statement (CREATE TABLE … AS, CREATE INDEX, INSERT). */
export async function rollupBuildStatements(
  db: Queryable,
): Promise<Map<string, { table: string; ms: number }>> {
  const { rows } = await db.query<{ id: string; query: string; ms: number }>(
    `SELECT queryid::text AS id, query, total_exec_time AS ms
       FROM pg_stat_statements
      WHERE query ~* '^\\s*(create|insert)' AND query ILIKE $1`,
    [`%${PRE_AGGREGATIONS_SCHEMA}.%`],
  );
  const pattern = new RegExp(`${PRE_AGGREGATIONS_SCHEMA}\\.([A-Za-z0-9_]+)`);
  const byId = new Map<string, { table: string; ms: number }>();
  for (const row of rows) {
    const table = pattern.exec(row.query)?.[1];
    if (table) byId.set(row.id, { table, ms: Number(row.ms) });
  }
  return byId;
}

/**
 * A rollup's name from one of its tables: Cube names them
 * `<cube>_<rollup>[<partition yyyymmdd>]_<content>_<structure>_<built at>` (indexes: the
 * index name instead of the rollup's).
 */
export function rollupOfTable(table: string): string {
  return table.replace(/(_[a-z0-9]+){3}$/, '').replace(/\d{8}$/, '');
}

export type RollupBuildTime = { rollup: string; tables: number; seconds: number };

/** Postgres time per rollup between two snapshots of rollupBuildStatements, slowest first. */
export function buildTimesBetween(
  before: Map<string, { table: string; ms: number }>,
  after: Map<string, { table: string; ms: number }>,
): RollupBuildTime[] {
  const byRollup = new Map<string, { tables: Set<string>; ms: number }>();
  for (const [id, entry] of after) {
    const ms = entry.ms - (before.get(id)?.ms ?? 0);
    if (ms <= 0) continue;
    const rollup = rollupOfTable(entry.table);
    const slot = byRollup.get(rollup) ?? { tables: new Set<string>(), ms: 0 };
    slot.tables.add(entry.table);
    slot.ms += ms;
    byRollup.set(rollup, slot);
  }
  return [...byRollup]
    .map(([rollup, { tables, ms }]) => ({ rollup, tables: tables.size, seconds: ms / 1000 }))
    .sort((a, b) => b.seconds - a.seconds);
}

/** Tables in the rollup schema (all versions of all partitions). */
export async function rollupTableCount(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM pg_tables WHERE schemaname = $1',
    [PRE_AGGREGATIONS_SCHEMA],
  );
  return Number(rows[0]?.n ?? 0);
}
