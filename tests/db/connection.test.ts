import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configuredDatabase, connectionString } from '../../db/connection';
import { localSecret } from '../../db/local-secrets';

describe('configuredDatabase', () => {
  it.each([
    ['nothing set → embedded mode', {}, null],
    ['blank values count as unset', { DATABASE_URL: ' ', CUBEJS_DB_HOST: '' }, null],
    [
      "Cube's variables",
      {
        CUBEJS_DB_HOST: 'db.internal',
        CUBEJS_DB_PORT: '6543',
        CUBEJS_DB_USER: 'analyst',
        CUBEJS_DB_PASS: 's3cret',
        CUBEJS_DB_NAME: 'product',
      },
      { host: 'db.internal', port: 6543, user: 'analyst', password: 's3cret', database: 'product' },
    ],
    [
      'libpq-like defaults for the parts not given',
      { CUBEJS_DB_NAME: 'product' },
      { host: 'localhost', port: 5432, user: 'postgres', password: '', database: 'product' },
    ],
    [
      'DATABASE_URL, percent-decoded',
      { DATABASE_URL: 'postgres://me:p%40ss@pg.example.com:5433/app%20db' },
      { host: 'pg.example.com', port: 5433, user: 'me', password: 'p@ss', database: 'app db' },
    ],
    [
      'CUBEJS_DB_* override the parts of DATABASE_URL they name',
      { DATABASE_URL: 'postgresql://me:pw@a:1/x', CUBEJS_DB_NAME: 'y', CUBEJS_DB_PORT: '2' },
      { host: 'a', port: 2, user: 'me', password: 'pw', database: 'y' },
    ],
  ])('%s', (_name, env, expected) => {
    expect(configuredDatabase(env)).toEqual(expected);
  });

  it.each([
    [{ DATABASE_URL: 'mysql://a/b' }, /postgres:\/\//],
    [{ DATABASE_URL: 'not a url' }, /not a valid URL/],
    [{ CUBEJS_DB_HOST: 'h', CUBEJS_DB_PORT: 'abc' }, /CUBEJS_DB_PORT must be a TCP port/],
  ])('rejects %j', (env, message) => {
    expect(() => configuredDatabase(env)).toThrow(message);
  });

  it('round-trips through connectionString', () => {
    const config = { host: 'h', port: 1, user: 'u@x', password: 'p/w', database: 'd b' };
    expect(configuredDatabase({ DATABASE_URL: connectionString(config) })).toEqual(config);
  });
});

describe('localSecret', () => {
  let dir = '';
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is generated once, kept in secrets.json (mode 600) and stable afterwards', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    const first = localSecret('api_secret', dir);
    expect(first).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(localSecret('api_secret', dir)).toBe(first);
    expect(localSecret('other', dir)).not.toBe(first);
    expect(localSecret('api_secret', dir)).toBe(first);
    const file = path.join(dir, 'secrets.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      api_secret: first,
      other: localSecret('other', dir),
    });
  });

  it('refuses a corrupt secrets file instead of silently replacing it', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    fs.writeFileSync(path.join(dir, 'secrets.json'), '{ nope');
    expect(() => localSecret('api_secret', dir)).toThrow(/not valid JSON/);
  });
});
