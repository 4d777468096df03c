import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgConfig } from './connection';
import { withClient } from './connection';

// Migrations are ordered plain-SQL files, `db/migrations/NNN_name.sql`, recorded in a
// `schema_migrations` table. Why not a migration library: zero dependencies, and the schema
// stays plain SQL that a DBA can read, review and apply by hand (`psql -f`).
//
// Each file runs in its own transaction, so a failing file leaves nothing half-applied.
// That transaction first takes a transaction-scoped advisory lock, so two processes starting
// at once (`npm start` and a test run, or several app replicas) apply every file exactly once:
// the second waits for the lock, then sees the file recorded and skips it.

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Arbitrary but fixed: "analytics migrations" as a 32-bit advisory-lock key. */
const LOCK_KEY = 0x616d6967;
const FILE_PATTERN = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

export type Migration = {
  version: string;
  name: string;
  file: string;
  sql: string;
  /** SHA-256 of the SQL without its comments (a comment edit is not a change). */
  checksum: string;
  /** SHA-256 of the whole file: what databases migrated before comments were ignored recorded. */
  fileChecksum: string;
};

/**
 * Whole-file checksums a file had before a comment-only edit, recorded by databases migrated
 * before checksums ignored comments. 001: its first comment named a document outside the repository.
 */
const EARLIER_FILE_CHECKSUMS: Readonly<Record<string, readonly string[]>> = {
  '001_source_schema.sql': ['4a16c860f9c744fcb097f18325e3c7d516b51bacbf0ea1c86fcaad262fa1bdc8'],
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The SQL with its comments (`-- …`, nested `/* … *\/`) removed and each run of whitespace outside
 * literals as one space: what the file does, not how it is annotated. Quoted strings, quoted
 * identifiers and dollar-quoted bodies are kept exactly.
 */
export function sqlWithoutComments(sql: string): string {
  let out = '';
  let i = 0;
  const space = () => {
    if (out !== '' && !out.endsWith(' ')) out += ' ';
  };
  while (i < sql.length) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      space();
    } else if (ch === '/' && next === '*') {
      let depth = 0;
      do {
        if (sql.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (sql.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else i++;
      } while (depth > 0 && i < sql.length);
      space();
    } else if (/\s/.test(ch)) {
      while (i < sql.length && /\s/.test(sql[i] as string)) i++;
      space();
    } else if (ch === "'" || ch === '"') {
      // A doubled quote inside is an escaped one: the scan simply continues past it.
      const end = sql.indexOf(ch, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '$') {
      const tag = /^\$(?:[A-Za-z_]\w*)?\$/.exec(sql.slice(i))?.[0];
      const end = tag ? sql.indexOf(tag, i + tag.length) : -1;
      const stop = tag ? (end === -1 ? sql.length : end + tag.length) : i + 1;
      out += sql.slice(i, stop);
      i = stop;
    } else {
      out += ch;
      i++;
    }
  }
  return out.trim();
}

/** The migration files in apply order. */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await fs.readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (match === null) throw new Error(`Migration file name must be NNN_name.sql: ${file}`);
    const [, version = '', name = ''] = match;
    if (migrations.some((m) => m.version === version)) {
      throw new Error(`Two migrations share version ${version}`);
    }
    const sql = await fs.readFile(path.join(dir, file), 'utf8');
    const checksum = sha256(sqlWithoutComments(sql));
    migrations.push({ version, name, file, sql, checksum, fileChecksum: sha256(sql) });
  }
  return migrations;
}

/** Applies the migrations not yet recorded; returns the files it applied (in order). */
export async function migrate(
  config: PgConfig,
  options: { dir?: string } = {},
): Promise<{ applied: string[] }> {
  const migrations = await readMigrations(options.dir);
  return withClient(config, async (client) => {
    await client.query('SET client_min_messages = warning');
    const inTransaction = async <T>(fn: () => Promise<T>): Promise<T> => {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
        const result = await fn();
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    };

    await inTransaction(() =>
      client.query(`
        CREATE TABLE IF NOT EXISTS schema_migrations (
          version    text PRIMARY KEY,
          name       text NOT NULL,
          checksum   text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`),
    );

    const applied: string[] = [];
    for (const migration of migrations) {
      const done = await inTransaction(async () => {
        const recorded = await client.query<{ checksum: string }>(
          'SELECT checksum FROM schema_migrations WHERE version = $1',
          [migration.version],
        );
        const row = recorded.rows[0];
        if (row !== undefined) {
          if (row.checksum === migration.checksum) return true;
          const earlier = [
            migration.fileChecksum,
            ...(EARLIER_FILE_CHECKSUMS[migration.file] ?? []),
          ];
          if (!earlier.includes(row.checksum)) {
            throw new Error(
              `Migration ${migration.file} changed after it was applied; add a new migration instead`,
            );
          }
          // Recorded by the whole-file scheme: from now on a comment edit is not a change.
          await client.query('UPDATE schema_migrations SET checksum = $2 WHERE version = $1', [
            migration.version,
            migration.checksum,
          ]);
          return true;
        }
        try {
          await client.query(migration.sql);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          throw new Error(`Migration ${migration.file} failed: ${message}`, { cause: error });
        }
        await client.query(
          'INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
          [migration.version, migration.name, migration.checksum],
        );
        return false;
      });
      if (!done) applied.push(migration.file);
    }
    return { applied };
  });
}
