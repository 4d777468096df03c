/**
 * One refresh worker per database. Two would build the same partitions twice and drop each
 * other's fresh tables; the worker therefore holds a Postgres advisory lock on its own session for
 * its whole life. A second worker finds it taken and exits naming the first. A worker whose
 * database goes away (a Postgres restart) loses the session and with it the lock: it says so and
 * takes the lock again as soon as the database answers, so an outage costs no process restart; if
 * another worker took the lock meanwhile, this one exits naming it.
 */
import pg from 'pg';
import type { PgConfig } from '../db/connection';

/** A fixed key of this project's own (advisory locks share one namespace per database). */
export const REFRESH_LOCK_KEY = '7310302662412395634';
const APPLICATION = 'cube refresh worker';
/** How often a worker that lost its database tries to take the lock again. */
export const RETAKE_EVERY_MS = 1000;
const CONNECT_TIMEOUT_MS = 5000;

export class SecondRefreshWorkerError extends Error {
  override name = 'SecondRefreshWorkerError';
}

export type RefreshLock = { release(): Promise<void> };

export type RefreshLockEvents = {
  /** The lock's session broke; it is taken again every RETAKE_EVERY_MS until the database answers. */
  onLost(reason: string): void;
  onRetaken(): void;
  /** Another worker took the lock while this one had lost it: this one must stop. */
  onTakenByOther(error: SecondRefreshWorkerError): void;
};

/** Connects and takes the lock; throws SecondRefreshWorkerError when another session holds it. */
async function takeLock(db: PgConfig, label: string): Promise<pg.Client> {
  const client = new pg.Client({
    ...db,
    application_name: `${APPLICATION} (${label})`,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // Until the caller watches it, an error on this connection must not crash the process.
  const ignore = () => undefined;
  client.on('error', ignore);
  try {
    await client.connect();
    const { rows } = await client.query<{ locked: boolean }>(
      'select pg_try_advisory_lock($1::bigint) as locked',
      [REFRESH_LOCK_KEY],
    );
    if (rows[0]?.locked) {
      client.off('error', ignore);
      return client;
    }
    const holder = await client.query<{ application_name: string; since: string }>(
      `select a.application_name, a.backend_start::text as since
         from pg_locks l join pg_stat_activity a using (pid)
        where l.locktype = 'advisory' and l.granted
          and ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint`,
      [REFRESH_LOCK_KEY],
    );
    const who = holder.rows[0];
    throw new SecondRefreshWorkerError(
      `Another refresh worker already refreshes ${db.host}:${db.port}/${db.database}` +
        `${who ? ` (${who.application_name}, connected since ${who.since})` : ''}; ` +
        'run one per database. Exiting.',
    );
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/**
 * Takes the lock (throws SecondRefreshWorkerError when another worker holds it) and keeps it:
 * after a lost session, `events` hear of the loss and of the lock taken again.
 */
export async function holdRefreshLock(
  db: PgConfig,
  events: RefreshLockEvents,
  label = `pid ${process.pid}`,
): Promise<RefreshLock> {
  let releasing = false;
  let client = await takeLock(db, label);
  let wait: NodeJS.Timeout | undefined;

  const retake = async () => {
    while (!releasing) {
      await new Promise((resolve) => {
        wait = setTimeout(resolve, RETAKE_EVERY_MS);
      });
      if (releasing) return;
      try {
        const next = await takeLock(db, label);
        if (releasing) {
          await next.end().catch(() => undefined);
          return;
        }
        client = next;
        watch(next);
        events.onRetaken();
        return;
      } catch (error) {
        if (error instanceof SecondRefreshWorkerError) {
          events.onTakenByOther(error);
          return;
        }
        // Still down or starting up: try again.
      }
    }
  };

  function watch(watched: pg.Client) {
    let lost = false;
    const onLost = (reason: string) => {
      if (releasing || lost) return;
      lost = true;
      void watched.end().catch(() => undefined);
      events.onLost(reason);
      void retake();
    };
    watched.on('error', (error) => onLost(error.message));
    watched.on('end', () => onLost('connection closed'));
  }
  watch(client);

  return {
    async release() {
      releasing = true;
      clearTimeout(wait);
      await client.end().catch(() => undefined);
    },
  };
}
