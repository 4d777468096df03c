import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectionString } from '../../db/connection';
import { migrate } from '../../db/migrate';
import { DatabaseNotEmptyError, seed } from '../../db/seed';
import { runSeedCli } from './cli';
import { count, dropDatabase, freshDatabase, tableChecksums } from './helpers';

const pg = inject('pg');
const now = new Date('2025-06-15T12:00:00Z');
const names = ['test_seed_a', 'test_seed_b'];
afterAll(async () => {
  for (const name of names) await dropDatabase(pg, name);
});

describe('demo data', () => {
  it('is byte-identical for the same seed and now (through the API and through the CLI)', async () => {
    const [a, b] = await Promise.all(names.map((name) => freshDatabase(pg, name)));
    if (a === undefined || b === undefined) throw new Error('no databases');
    await migrate(a);
    const result = await seed(a, { scale: 'small', seed: 42, now });

    const cli = await runSeedCli(
      ['--target', 'configured', '--scale', 'small', '--seed', '42', '--now', now.toISOString()],
      { DATABASE_URL: connectionString(b) },
    );
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);

    const sumsA = await tableChecksums(a);
    expect(await tableChecksums(b)).toEqual(sumsA);

    // The reported counts are the rows in the tables, and small is ~100-200k rows.
    for (const [table, rows] of Object.entries(result.rows)) {
      expect(await count(a, `SELECT count(*) FROM ${table}`), table).toBe(rows);
      expect(rows, table).toBeGreaterThan(0);
    }
    expect(result.totalRows).toBeGreaterThan(100_000);
    expect(result.totalRows).toBeLessThan(250_000);

    // A different seed gives different data everywhere.
    await seed(b, { scale: 'small', seed: 43, now, reset: true });
    const sumsOther = await tableChecksums(b);
    for (const [table, sum] of Object.entries(sumsOther)) expect(sum, table).not.toBe(sumsA[table]);

    // A non-empty database is refused without reset, and a reset reproduces the same rows.
    await expect(seed(a, { scale: 'small', seed: 42, now })).rejects.toBeInstanceOf(
      DatabaseNotEmptyError,
    );
    await seed(b, { scale: 'small', seed: 42, now, reset: true });
    expect(await tableChecksums(b)).toEqual(sumsA);
  });
});
