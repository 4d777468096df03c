import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { withClient } from '../../db/connection';
import { migrate, readMigrations, sqlWithoutComments } from '../../db/migrate';
import { count, dropDatabase, freshDatabase, query, schemaSnapshot } from './helpers';

const pg = inject('pg');
const created: string[] = [];
async function database(name: string) {
  created.push(name);
  return freshDatabase(pg, name);
}
afterAll(async () => {
  for (const name of created) await dropDatabase(pg, name);
});

// The contract with the host product: every table, column, type and nullability.
const T = 'timestamp with time zone';
const CONTRACT: Record<string, Record<string, [type: string, nullable: boolean]>> = {
  users: { id: ['text', false], email: ['text', false], created_at: [T, false] },
  projects: {
    id: ['text', false],
    user_id: ['text', false],
    name: ['text', false],
    created_at: [T, false],
  },
  templates: {
    id: ['text', false],
    name: ['text', false],
    category: ['text', false],
    thumbnail_url: ['text', true],
    usage_count: ['integer', false],
    is_active: ['boolean', false],
    created_at: [T, false],
  },
  template_usage: {
    id: ['bigint', false],
    template_id: ['text', false],
    user_id: ['text', false],
    project_id: ['text', false],
    created_at: [T, false],
  },
  exports: {
    id: ['text', false],
    user_id: ['text', false],
    project_id: ['text', false],
    format: ['text', false],
    quality: ['text', false],
    status: ['text', false],
    render_duration_ms: ['integer', true],
    video_duration_ms: ['integer', false],
    file_size_bytes: ['bigint', true],
    error_message: ['text', true],
    created_at: [T, false],
    completed_at: [T, true],
  },
  export_analytics: {
    id: ['bigint', false],
    export_id: ['text', false],
    user_id: ['text', false],
    event: ['text', false],
    error_message: ['text', true],
    duration_ms: ['integer', true],
    created_at: [T, false],
  },
  messages: {
    id: ['text', false],
    project_id: ['text', false],
    user_id: ['text', false],
    role: ['text', false],
    content_length: ['integer', false],
    created_at: [T, false],
  },
  scenes: {
    id: ['text', false],
    project_id: ['text', false],
    user_id: ['text', false],
    name: ['text', false],
    created_at: [T, false],
  },
  scene_iterations: {
    id: ['text', false],
    scene_id: ['text', false],
    project_id: ['text', false],
    user_id: ['text', false],
    message_id: ['text', true],
    operation_type: ['text', false],
    edit_complexity: ['text', true],
    outcome: ['text', false],
    generation_ms: ['integer', false],
    created_at: [T, false],
  },
  paywall_events: {
    id: ['bigint', false],
    user_id: ['text', false],
    event_type: ['text', false],
    package_id: ['text', true],
    trigger: ['text', false],
    created_at: [T, false],
  },
  paywall_analytics: {
    date: ['date', false],
    unique_viewers: ['integer', false],
    unique_clickers: ['integer', false],
    checkouts: ['integer', false],
    conversions: ['integer', false],
    revenue_cents: ['bigint', false],
  },
  credit_transactions: {
    id: ['bigint', false],
    user_id: ['text', false],
    type: ['text', false],
    amount: ['integer', false],
    price_cents: ['integer', true],
    package_id: ['text', true],
    created_at: [T, false],
  },
  user_credits: {
    user_id: ['text', false],
    balance: ['integer', false],
    lifetime_purchased: ['integer', false],
    lifetime_used: ['integer', false],
    updated_at: [T, false],
  },
  api_usage_metrics: {
    id: ['bigint', false],
    user_id: ['text', false],
    project_id: ['text', true],
    provider: ['text', false],
    model: ['text', false],
    tool_name: ['text', true],
    input_tokens: ['integer', false],
    output_tokens: ['integer', false],
    response_time_ms: ['integer', false],
    success: ['boolean', false],
    error_type: ['text', true],
    created_at: [T, false],
  },
  changelog_entries: {
    id: ['text', false],
    title: ['text', false],
    version: ['text', false],
    status: ['text', false],
    published_at: [T, true],
    view_count: ['integer', false],
    video_url: ['text', true],
    thumbnail_url: ['text', true],
    created_at: [T, false],
  },
  project_memory: {
    id: ['text', false],
    project_id: ['text', false],
    user_id: ['text', false],
    memory_type: ['text', false],
    memory_key: ['text', false],
    memory_value: ['jsonb', false],
    created_at: [T, false],
  },
};

// Value sets (the contract) that CHECK constraints must enforce: [table, column, allowed].
const VALUE_SETS: [string, string, string[]][] = [
  ['exports', 'format', ['mp4', 'webm', 'gif']],
  ['exports', 'quality', ['720p', '1080p', '4k']],
  ['exports', 'status', ['pending', 'rendering', 'completed', 'failed']],
  [
    'export_analytics',
    'event',
    ['started', 'progress', 'finalizing', 'completed', 'failed', 'downloaded'],
  ],
  ['messages', 'role', ['user', 'assistant', 'system']],
  ['scene_iterations', 'operation_type', ['create', 'edit', 'delete']],
  ['scene_iterations', 'edit_complexity', ['structural', 'creative', 'surgical']],
  ['scene_iterations', 'outcome', ['success', 'error', 'reverted']],
  [
    'paywall_events',
    'event_type',
    ['viewed', 'clicked_package', 'initiated_checkout', 'completed_purchase'],
  ],
  ['paywall_events', 'trigger', ['credits_exhausted', 'export_limit', 'manual']],
  ['credit_transactions', 'type', ['purchase', 'usage', 'bonus', 'refund']],
  ['api_usage_metrics', 'provider', ['openai', 'anthropic', 'google']],
  ['changelog_entries', 'status', ['draft', 'published']],
  ['project_memory', 'memory_type', ['uploaded_asset', 'preference', 'context']],
];

// Indexes dashboards rely on: [table, leading key columns].
const REQUIRED_INDEXES: [string, string[]][] = [
  ...Object.entries(CONTRACT)
    .filter(([, columns]) => 'created_at' in columns)
    .map(([table]): [string, string[]] => [table, ['created_at']]),
  ['template_usage', ['template_id']],
  ['paywall_events', ['event_type', 'created_at']],
  ['credit_transactions', ['type', 'created_at']],
  ['messages', ['role', 'created_at']],
  ['export_analytics', ['event', 'created_at']],
  ['export_analytics', ['export_id']],
  ['exports', ['status', 'created_at']],
  ['scene_iterations', ['scene_id']],
  ['changelog_entries', ['published_at']],
  ['project_memory', ['memory_type', 'created_at']],
  ['paywall_analytics', ['date']],
];

describe('migrations', () => {
  it('apply every file once; a second run changes nothing', async () => {
    const db = await database('test_migrate_twice');
    const files = (await readMigrations()).map((m) => m.file);
    expect((await migrate(db)).applied).toEqual(files);
    const before = await schemaSnapshot(db);
    expect((await migrate(db)).applied).toEqual([]);
    expect(await schemaSnapshot(db)).toEqual(before);
    expect(await count(db, 'SELECT count(*) FROM schema_migrations')).toBe(files.length);
  });

  it('two processes migrating at once apply each file exactly once', async () => {
    const db = await database('test_migrate_concurrent');
    const [a, b] = await Promise.all([migrate(db), migrate(db)]);
    const files = (await readMigrations()).map((m) => m.file);
    expect([...a.applied, ...b.applied].sort()).toEqual(files);
  });

  it('a failing file leaves nothing behind, and an edited applied file is refused', async () => {
    const db = await database('test_migrate_failures');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'migrations-'));
    try {
      await fs.writeFile(path.join(dir, '001_first.sql'), 'CREATE TABLE first_table (x int);');
      await fs.writeFile(
        path.join(dir, '002_broken.sql'),
        'CREATE TABLE second_table (x int); SELECT 1 / 0;',
      );
      await expect(migrate(db, { dir })).rejects.toThrow(/002_broken\.sql failed/);
      expect(
        await count(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'second_table'"),
      ).toBe(0);
      expect(await count(db, 'SELECT count(*) FROM schema_migrations')).toBe(1);

      await fs.rm(path.join(dir, '002_broken.sql'));
      await fs.writeFile(path.join(dir, '001_first.sql'), 'CREATE TABLE first_table (y int);');
      await expect(migrate(db, { dir })).rejects.toThrow(/changed after it was applied/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('checksums ignore comments and layout, never a literal', () => {
    const sum = (sql: string) => sqlWithoutComments(sql);
    expect(sum('-- why\nCREATE TABLE t (x int); /* a /* nested */ note */\n')).toBe(
      sum('CREATE TABLE t (x int);'),
    );
    expect(sum('SELECT \'--not a comment\', "a  b", $f$ -- kept $f$, $1')).toBe(
      'SELECT \'--not a comment\', "a  b", $f$ -- kept $f$, $1',
    );
    expect(sum("SELECT 'a -- b'")).not.toBe(sum("SELECT 'a'"));
  });

  it('a comment-only edit of an applied file is accepted; whole-file checksums recorded before are upgraded', async () => {
    const db = await database('test_migrate_comments');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'migrations-'));
    const recorded = () =>
      query<{ checksum: string }>(db, 'SELECT checksum FROM schema_migrations ORDER BY version');
    try {
      const file = path.join(dir, '001_first.sql');
      await fs.writeFile(file, '-- see the old notes\nCREATE TABLE first_table (x int);\n');
      await migrate(db, { dir });
      await fs.writeFile(file, '-- Why: the first table.\nCREATE TABLE first_table (x int);\n');
      expect((await migrate(db, { dir })).applied).toEqual([]);
      // A database migrated when the checksum covered the whole file.
      const [migration] = await readMigrations(dir);
      if (!migration) throw new Error('no migration read');
      await withClient(db, (client) =>
        client.query('UPDATE schema_migrations SET checksum = $1', [migration.fileChecksum]),
      );
      expect((await migrate(db, { dir })).applied).toEqual([]);
      expect(await recorded()).toEqual([{ checksum: migration.checksum }]);
      await fs.writeFile(file, '-- Why: the first table.\nCREATE TABLE first_table (y int);\n');
      await expect(migrate(db, { dir })).rejects.toThrow(/changed after it was applied/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("001's checksum recorded before its first comment changed is still accepted", async () => {
    const db = await database('test_migrate_earlier_001');
    await migrate(db);
    const before = '4a16c860f9c744fcb097f18325e3c7d516b51bacbf0ea1c86fcaad262fa1bdc8';
    await withClient(db, (client) =>
      client.query("UPDATE schema_migrations SET checksum = $1 WHERE version = '001'", [before]),
    );
    expect((await migrate(db)).applied).toEqual([]);
    const [first] = await readMigrations();
    expect(
      await query<{ checksum: string }>(
        db,
        "SELECT checksum FROM schema_migrations WHERE version = '001'",
      ),
    ).toEqual([{ checksum: first?.checksum }]);
    expect(first?.sql).not.toContain('/work/');
  });

  it('create every table and column of the contract with its type and nullability', async () => {
    const rows = await query<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
    }>(
      pg,
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = ANY($1)`,
      [Object.keys(CONTRACT)],
    );
    const actual: Record<string, Record<string, [string, boolean]>> = {};
    for (const row of rows) {
      actual[row.table_name] ??= {};
      (actual[row.table_name] ?? {})[row.column_name] = [row.data_type, row.is_nullable === 'YES'];
    }
    expect(actual).toEqual(CONTRACT);
  });

  it.each(VALUE_SETS)('%s.%s accepts only its value set', async (table, column, allowed) => {
    const used = await query<{ value: string }>(
      pg,
      `SELECT DISTINCT ${column} AS value FROM ${table} WHERE ${column} IS NOT NULL`,
    );
    for (const { value } of used) expect(allowed).toContain(value);
    await withClient(pg, async (client) => {
      await client.query('BEGIN');
      try {
        await expect(
          client.query(
            `UPDATE ${table} SET ${column} = 'not-in-the-set' WHERE ctid = (SELECT ctid FROM ${table} WHERE ${column} IS NOT NULL LIMIT 1)`,
          ),
        ).rejects.toMatchObject({ code: '23514' }); // check_violation
      } finally {
        await client.query('ROLLBACK');
      }
    });
  });

  it.each(REQUIRED_INDEXES)('%s has an index on (%s)', async (table, columns) => {
    const indexes = await query<{ columns: string[] }>(
      pg,
      `SELECT array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
                     ORDER BY k.ord)::text[] AS columns
         FROM pg_index ix WHERE ix.indrelid = $1::regclass`,
      [table],
    );
    expect(indexes.map((i) => i.columns.slice(0, columns.length))).toContainEqual(columns);
  });

  it('foreign keys follow the contract arrows', async () => {
    const fks = await query<{ fk: string }>(
      pg,
      `SELECT conrelid::regclass || '.' || (SELECT attname FROM pg_attribute WHERE attrelid = conrelid AND attnum = conkey[1])
              || ' -> ' || confrelid::regclass AS fk
         FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY 1`,
    );
    expect(fks.map((r) => r.fk)).toEqual([
      'export_analytics.export_id -> exports',
      'projects.user_id -> users',
      'scene_iterations.scene_id -> scenes',
      'template_usage.template_id -> templates',
    ]);
  });

  it('the seeded database has exactly the migrated schema (the bulk load restored every index and constraint)', async () => {
    const db = await database('test_migrate_reference');
    await migrate(db);
    expect(await schemaSnapshot(pg)).toEqual(await schemaSnapshot(db));
    expect(await count(pg, 'SELECT count(*) FROM seed_deferred_ddl')).toBe(0);
  });
});
