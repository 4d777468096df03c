import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectionString } from '../../db/connection';
import { runSeedCli } from './cli';
import { count, dropDatabase, freshDatabase, tableChecksums } from './helpers';

const pg = inject('pg');
afterAll(() => dropDatabase(pg, 'test_seed_cli_empty'));

const tablesIn = (config: typeof pg) =>
  count(config, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");

describe('npm run db:seed', () => {
  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--scale', 'huge'], /Unknown scale "huge"/],
    [['--seed', 'abc'], /--seed must be an integer/],
    [['--now', 'yesterday'], /--now must be an ISO 8601 time/],
    [['--target', 'prod'], /--target must be embedded or configured/],
    [['stray'], /positional/i],
  ])('rejects %j with the usage and exit code 2, writing nothing', async (args, message) => {
    const empty = await freshDatabase(pg, 'test_seed_cli_empty');
    const result = await runSeedCli(['--target', 'configured', ...args], {
      DATABASE_URL: connectionString(empty),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Usage: npm run db:seed');
    expect(await tablesIn(empty)).toBe(0);
  });

  it('prints the usage for --help', async () => {
    const result = await runSeedCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--scale <name>');
  });

  it('never touches a configured database unless --target configured is given', async () => {
    const empty = await freshDatabase(pg, 'test_seed_cli_empty');
    const result = await runSeedCli([], { DATABASE_URL: connectionString(empty) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--target configured');
    expect(await tablesIn(empty)).toBe(0);
  });

  it('refuses a non-empty database without --reset and leaves it unchanged', async () => {
    const before = await tableChecksums(pg);
    const result = await runSeedCli(['--target', 'configured'], {
      DATABASE_URL: connectionString(pg),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--reset');
    expect(await tableChecksums(pg)).toEqual(before);
  });
});
