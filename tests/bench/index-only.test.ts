/**
 * The bench keeps its 25 M generated rows across a migration only when the migration adds
 * indexes and nothing else (bench/database.ts); anything else regenerates the data.
 */
import { describe, expect, test } from 'vitest';
import { indexOnly } from '../../bench/database';
import { readMigrations } from '../../db/migrate';

describe('indexOnly', () => {
  test('index statements, with comments, keep the data', () => {
    expect(
      indexOnly(`-- why the index exists
CREATE INDEX messages_user_project_created_at_idx ON messages (project_id, created_at)
  WHERE role = 'user';
/* and a unique one */ CREATE UNIQUE INDEX a_idx ON a (b);`),
    ).toBe(true);
  });

  test('anything else, or nothing, does not', () => {
    expect(indexOnly('CREATE INDEX a_idx ON a (b); ALTER TABLE a ADD COLUMN c int;')).toBe(false);
    expect(indexOnly("UPDATE a SET b = 'CREATE INDEX';")).toBe(false);
    expect(indexOnly('-- nothing\n')).toBe(false);
  });

  test('the first migration (the schema itself) is not index-only', async () => {
    const [first] = await readMigrations();
    expect(first && indexOnly(first.sql)).toBe(false);
  });
});
