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
