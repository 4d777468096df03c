/**
 * One refresh worker per database. Two would build the same partitions twice and drop each
 * other's fresh tables; the worker therefore holds a Postgres advisory lock on its own session for
 * its whole life. A second worker finds it taken and exits naming the first; a worker whose
 * database goes away loses the session, says so, and exits (its supervisor restarts it).
 */
import pg from 'pg';
import type { PgConfig } from '../db/connection';

/** A fixed key of this project's own (advisory locks share one namespace per database). */
const LOCK_KEY = '7310302662412395634';
const APPLICATION = 'cube refresh worker';

export class SecondRefreshWorkerError extends Error {
  override name = 'SecondRefreshWorkerError';
}

export type RefreshLock = { release(): Promise<void> };

export async function holdRefreshLock(
  db: PgConfig,
  onLost: (reason: string) => void,
  label = `pid ${process.pid}`,
): Promise<RefreshLock> {
  const client = new pg.Client({ ...db, application_name: `${APPLICATION} (${label})` });
  let releasing = false;
  client.on('error', (error) => {
    if (!releasing) onLost(error.message);
  });
  client.on('end', () => {
    if (!releasing) onLost('connection closed');
  });
  await client.connect();
  const { rows } = await client.query<{ locked: boolean }>(
    'select pg_try_advisory_lock($1::bigint) as locked',
    [LOCK_KEY],
  );
  if (!rows[0]?.locked) {
    const holder = await client.query<{ application_name: string; since: string }>(
      `select a.application_name, a.backend_start::text as since
         from pg_locks l join pg_stat_activity a using (pid)
        where l.locktype = 'advisory' and l.granted
          and ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint`,
      [LOCK_KEY],
    );
    releasing = true;
    await client.end();
    const who = holder.rows[0];
    throw new SecondRefreshWorkerError(
      `Another refresh worker already refreshes ${db.host}:${db.port}/${db.database}` +
        `${who ? ` (${who.application_name}, connected since ${who.since})` : ''}; ` +
        'run one per database. Exiting.',
    );
  }
  return {
    async release() {
      releasing = true;
      await client.end().catch(() => undefined);
    },
  };
}
