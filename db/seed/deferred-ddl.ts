import pg from 'pg';
import type { PgConfig } from '../connection';
import { TABLES, type TableName } from './tables';

// Bulk loads are much faster into bare tables: building an index once from sorted data beats
// maintaining it row by row, and foreign keys are checked once by a join instead of one lookup
// per row. So before loading we take the contract tables' primary/unique keys, secondary
// indexes and foreign keys down, and afterwards recreate them from their own definitions
// (pg_indexes / pg_constraint: the migrations stay the single source). The definitions are
// parked in `seed_deferred_ddl` until rebuilt, so an interrupted load is repaired next time.

type Phase = 'key' | 'index' | 'foreign_key';
type Deferred = { table: TableName; phase: Phase; statement: string };

const PHASE_ORDER: Phase[] = ['key', 'index', 'foreign_key'];

async function readDefinitions(
  client: pg.Client,
): Promise<{ drop: string[]; restore: Deferred[] }> {
  const constraints = await client.query<{
    name: string;
    table: TableName;
    type: 'p' | 'u' | 'f';
    definition: string;
  }>(
    `SELECT c.conname AS name, t.relname AS table, c.contype AS type,
            pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
      WHERE t.relnamespace = current_schema()::regnamespace
        AND t.relname = ANY($1) AND c.contype IN ('p', 'u', 'f')
      ORDER BY t.relname, c.conname`,
    [TABLES],
  );
  const indexes = await client.query<{ name: string; table: TableName; definition: string }>(
    `SELECT i.indexname AS name, i.tablename AS table, i.indexdef AS definition
       FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
        AND NOT EXISTS (
          SELECT 1 FROM pg_constraint c
           WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass
             AND c.contype IN ('p', 'u', 'x'))
      ORDER BY i.tablename, i.indexname`,
    [TABLES],
  );
  const ident = (name: string) => client.escapeIdentifier(name);
  const foreign = constraints.rows.filter((c) => c.type === 'f');
  const keys = constraints.rows.filter((c) => c.type !== 'f');
  const drop = [
    ...foreign.map((c) => `ALTER TABLE ${ident(c.table)} DROP CONSTRAINT ${ident(c.name)}`),
    ...keys.map((c) => `ALTER TABLE ${ident(c.table)} DROP CONSTRAINT ${ident(c.name)}`),
    ...indexes.rows.map((i) => `DROP INDEX ${ident(i.name)}`),
  ];
  const restore: Deferred[] = [
    ...keys.map((c) => ({
      table: c.table,
      phase: 'key' as const,
      statement: `ALTER TABLE ${ident(c.table)} ADD CONSTRAINT ${ident(c.name)} ${c.definition}`,
    })),
    ...indexes.rows.map((i) => ({
      table: i.table,
      phase: 'index' as const,
      statement: i.definition,
    })),
    ...foreign.map((c) => ({
      table: c.table,
      phase: 'foreign_key' as const,
      statement: `ALTER TABLE ${ident(c.table)} ADD CONSTRAINT ${ident(c.name)} ${c.definition}`,
    })),
  ];
  return { drop, restore };
}

/**
 * Empties every contract table, repairs definitions left over by an interrupted load, then
 * parks and drops the keys, indexes and foreign keys. One transaction.
 */
export async function prepareBareTables(config: PgConfig): Promise<void> {
  const client = new pg.Client(config);
  client.on('error', () => undefined); // a lost connection fails the running query instead
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY`);
    const leftover = await client.query<{ statement: string }>(
      'SELECT statement FROM seed_deferred_ddl ORDER BY position',
    );
    for (const { statement } of leftover.rows) await client.query(statement);
    await client.query('DELETE FROM seed_deferred_ddl');
    const { drop, restore } = await readDefinitions(client);
    let position = 0;
    for (const item of restore) {
      await client.query(
        'INSERT INTO seed_deferred_ddl (position, table_name, phase, statement) VALUES ($1, $2, $3, $4)',
        [position++, item.table, item.phase, item.statement],
      );
    }
    for (const statement of drop) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * Rebuilds the parked definitions: keys and indexes on `parallel` connections (biggest tables
 * first), then the foreign keys (which need the referenced keys). Each statement commits with
 * the removal of its parked row.
 */
export async function restoreDefinitions(
  config: PgConfig,
  options: {
    parallel?: number;
    rowCounts?: Partial<Record<TableName, number>>;
    /** Called after each rebuilt definition. */
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<void> {
  const clients: pg.Client[] = [];
  try {
    for (let i = 0; i < (options.parallel ?? 2); i++) {
      const client = new pg.Client({ ...config, application_name: 'seed:indexes' });
      client.on('error', () => undefined);
      await client.connect();
      // Index builds sort in memory; commits need not wait for the WAL flush (the loader
      // re-runs from scratch after a crash anyway).
      await client.query("SET maintenance_work_mem = '1GB'");
      await client.query('SET synchronous_commit = off');
      clients.push(client);
    }
    const first = clients[0];
    if (first === undefined) throw new Error('parallel must be at least 1');
    const parked = await first.query<{
      position: number;
      table_name: TableName;
      phase: Phase;
      statement: string;
    }>('SELECT position, table_name, phase, statement FROM seed_deferred_ddl ORDER BY position');
    const rows = options.rowCounts ?? {};
    const total = parked.rows.length;
    let done = 0;
    for (const phase of PHASE_ORDER) {
      const queue = parked.rows
        .filter((item) => item.phase === phase)
        .sort((a, b) => (rows[b.table_name] ?? 0) - (rows[a.table_name] ?? 0));
      const worker = async (client: pg.Client) => {
        for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
          await client.query('BEGIN');
          try {
            await client.query(item.statement);
            await client.query('DELETE FROM seed_deferred_ddl WHERE position = $1', [
              item.position,
            ]);
            await client.query('COMMIT');
            options.onProgress?.(++done, total);
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          }
        }
      };
      await Promise.all((phase === 'foreign_key' ? [first] : clients).map(worker));
    }
  } finally {
    await Promise.allSettled(clients.map((client) => client.end()));
  }
}
