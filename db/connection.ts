import pg from 'pg';

/** Where a PostgreSQL database lives and how to sign in to it. */
export type PgConfig = {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
};

type Env = Record<string, string | undefined>;

const nonEmpty = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim() !== '' ? value.trim() : undefined;

function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`${source} must be a TCP port (1-65535), got "${value}"`);
  }
  return port;
}

/**
 * The user-configured database, or null when none is configured (embedded mode).
 *
 * Reads Cube's standard variables `CUBEJS_DB_HOST`, `CUBEJS_DB_PORT`, `CUBEJS_DB_USER`,
 * `CUBEJS_DB_PASS`, `CUBEJS_DB_NAME`, and `DATABASE_URL`
 * (`postgres://user:password@host:port/database`). `DATABASE_URL` gives the base values and
 * any `CUBEJS_DB_*` variable that is set overrides its part, so Cube and this project always
 * agree on the database. Unset parts default like libpq: localhost, 5432, user `postgres`,
 * database = user.
 */
export function configuredDatabase(env: Env = process.env): PgConfig | null {
  const url = nonEmpty(env.DATABASE_URL);
  const host = nonEmpty(env.CUBEJS_DB_HOST);
  const name = nonEmpty(env.CUBEJS_DB_NAME);
  if (url === undefined && host === undefined && name === undefined) return null;

  let base: Partial<PgConfig> = {};
  if (url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error('DATABASE_URL is not a valid URL (postgres://user:password@host:port/db)');
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
      throw new Error(`DATABASE_URL must start with postgres:// (got ${parsed.protocol}//)`);
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    base = {
      ...(parsed.hostname !== '' && { host: decodeURIComponent(parsed.hostname) }),
      ...(parsed.port !== '' && { port: parsePort(parsed.port, 'DATABASE_URL port') }),
      ...(parsed.username !== '' && { user: decodeURIComponent(parsed.username) }),
      ...(parsed.password !== '' && { password: decodeURIComponent(parsed.password) }),
      ...(database !== '' && { database }),
    };
  }

  const portVar = nonEmpty(env.CUBEJS_DB_PORT);
  const user = nonEmpty(env.CUBEJS_DB_USER) ?? base.user ?? 'postgres';
  return {
    host: host ?? base.host ?? 'localhost',
    port: portVar !== undefined ? parsePort(portVar, 'CUBEJS_DB_PORT') : (base.port ?? 5432),
    user,
    password: env.CUBEJS_DB_PASS ?? base.password ?? '',
    database: name ?? base.database ?? user,
  };
}

/** `postgres://…` URL for a config (for tools that take a connection string). */
export function connectionString(config: PgConfig): string {
  const auth = `${encodeURIComponent(config.user)}:${encodeURIComponent(config.password)}`;
  return `postgres://${auth}@${config.host}:${config.port}/${encodeURIComponent(config.database)}`;
}

/** The same server, another database on it. */
export function withDatabase(config: PgConfig, database: string): PgConfig {
  return { ...config, database };
}

/** A `pg` connection pool for a config. The caller ends it (`await pool.end()`). */
export function createPool(
  config: PgConfig,
  options: { max?: number; applicationName?: string } = {},
): pg.Pool {
  const pool = new pg.Pool({
    ...config,
    max: options.max ?? 4,
    application_name: options.applicationName ?? 'admin-analytics',
    idleTimeoutMillis: 10_000,
  });
  // An idle client that loses its server (e.g. Postgres restarting) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `fn` with one connected client and always closes it. */
export async function withClient<T>(
  config: PgConfig,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ ...config, application_name: 'admin-analytics' });
  // A server that goes away fails the running query; without a listener it would crash.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
