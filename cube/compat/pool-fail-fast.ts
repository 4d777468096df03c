/**
 * PATCHES the `acquire` of the connection pool (generic-pool) that
 *   `@cubejs-backend/postgres-driver`'s `PostgresDriver` keeps in its `pool` member.
 * GAIN: not speed: a query fails at once with the connection error (a 503 naming it) instead of
 *   hanging 20 s (tests/engine/db-outage.test.ts; docs/scaling-out.md).
 * OFF: `CUBE_COMPAT_OFF=postgres-driver` (Cube's own driver, switches.ts).
 *
 * Cube's connection pool (generic-pool) keeps a query waiting while it fails to open connections:
 * with Postgres down every query waited the pool's whole acquire timeout (20 s) and then failed
 * with "ResourceRequest timed out", a hang that named no cause. Here a query waiting for a
 * connection fails as soon as opening one fails, with that error (connect ECONNREFUSED, "the
 * database system is starting up"), which the gateway answers as a 503 naming it. The pool's own
 * request stays queued: a connection it opens later goes straight back to the pool.
 */

type AcquiringPool<T> = {
  acquire(priority?: number): Promise<T>;
  release(resource: T): Promise<void>;
  on(event: 'factoryCreateError', listener: (error: Error) => void): void;
};

export function failFastWhileUnreachable<T>(pool: AcquiringPool<T>): void {
  const waiting = new Set<(error: Error) => void>();
  pool.on('factoryCreateError', (error) => {
    for (const fail of [...waiting]) fail(error);
  });
  const acquire = pool.acquire.bind(pool);
  pool.acquire = (priority?: number) =>
    new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = () => {
        settled = true;
        waiting.delete(fail);
      };
      const fail = (error: Error) => {
        if (settled) return;
        settle();
        reject(error);
      };
      waiting.add(fail);
      acquire(priority).then(
        (resource) => {
          if (!settled) {
            settle();
            resolve(resource);
          } else void pool.release(resource).catch(() => undefined);
        },
        (error: Error) => fail(error),
      );
    });
}
