import type pg from 'pg';
import type { PgConfig } from '../../db/connection';
import { withClient, withDatabase } from '../../db/connection';
import { TABLES } from '../../db/seed/tables';

/** Rows of one query on a fresh connection. */
export async function query<T extends pg.QueryResultRow = Record<string, unknown>>(
  config: PgConfig,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return withClient(config, async (client) => (await client.query<T>(sql, params)).rows);
}

/** A single number from a query's first column. */
export async function count(
  config: PgConfig,
  sql: string,
  params: unknown[] = [],
): Promise<number> {
  const rows = await query(config, sql, params);
  const value = rows[0] === undefined ? undefined : Object.values(rows[0])[0];
  return Number(value);
}

/** (Re)creates an empty database on the test server and returns its config. */
export async function freshDatabase(config: PgConfig, name: string): Promise<PgConfig> {
  await withClient(withDatabase(config, 'postgres'), async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  });
  return withDatabase(config, name);
}

export async function dropDatabase(config: PgConfig, name: string): Promise<void> {
  await withClient(withDatabase(config, 'postgres'), (client) =>
    client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
  );
}

/** md5 of every contract table's rows in primary-key order (all columns, as text). */
export async function tableChecksums(config: PgConfig): Promise<Record<string, string>> {
  return withClient(config, async (client) => {
    await client.query("SET TimeZone = 'UTC'");
    const sums: Record<string, string> = {};
    for (const table of TABLES) {
      const key =
        table === 'paywall_analytics' ? 'date' : table === 'user_credits' ? 'user_id' : 'id';
      const result = await client.query<{ sum: string }>(
        `SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t.${key}), '')) AS sum FROM ${table} t`,
      );
      sums[table] = result.rows[0]?.sum ?? '';
    }
    return sums;
  });
}

/** Everything that defines the schema: columns, constraints and indexes. */
export async function schemaSnapshot(config: PgConfig): Promise<string[]> {
  const rows = await query<{ line: string }>(
    config,
    `SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable
              || ' identity=' || is_identity || ' default=' || coalesce(column_default, '') AS line
       FROM information_schema.columns WHERE table_schema = 'public'
     UNION ALL
     SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace
     UNION ALL
     SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
     ORDER BY 1`,
  );
  return rows.map((r) => r.line);
}
