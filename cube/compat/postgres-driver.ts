/**
 * PATCHES `@cubejs-backend/postgres-driver` PostgresDriver.js
 *   `PostgresDriver.prototype.prepareConnection` (a protected member, overridden in a subclass),
 *   and the driver's pool through pool-fail-fast.ts.
 * GAIN: 6.9 % of an uncached request's time; 4.1 statements per `/load` → 1.4
 *   (bench/results/history.md, "The uncached path: what Cube does around reading a rollup");
 *   BENCHMARKS.md's "Whole tab uncached vs raw SQL" rows.
 * OFF: `CUBE_COMPAT_OFF=postgres-driver` (switches.ts: Cube's own driver, which also drops
 *   pool-fail-fast.ts). Guard: tests/compat/cube-compat.test.ts.
 *
 * Cube's Postgres driver, minus two round trips per query. Before every query it runs
 * `SET TIME ZONE 'UTC'` and `SET statement_timeout TO …` on the pooled connection it took
 * (PostgresDriver.prepareConnection), so an uncached `/load` of one rollup cost three statements
 * and three round trips (pg_stat_statements, bench/cpu-per-query.ts). Both are session settings
 * with the same values on every call (the driver passes no per-query options), and nothing Cube
 * sends resets them, so once per connection is the same connection state: here the first query on
 * each pooled connection prepares it, later ones reuse it. A connection Cube replaces (dropped,
 * Postgres restarted) is a new object and is prepared again.
 */
import { PostgresDriver } from '@cubejs-backend/postgres-driver';
import { failFastWhileUnreachable } from './pool-fail-fast';

type Connection = Parameters<PostgresDriver['prepareConnection']>[0];
type PrepareOptions = Parameters<PostgresDriver['prepareConnection']>[1];

export class SessionPreparedPostgresDriver extends PostgresDriver {
  readonly #prepared = new WeakSet<Connection>();

  constructor(...args: ConstructorParameters<typeof PostgresDriver>) {
    super(...args);
    failFastWhileUnreachable(this.pool);
  }

  protected override async prepareConnection(
    connection: Connection,
    options?: PrepareOptions,
  ): Promise<void> {
    // Per-query options would change the session; Cube passes none, but keep its behaviour if so.
    if (options !== undefined) return super.prepareConnection(connection, options);
    if (this.#prepared.has(connection)) return;
    await super.prepareConnection(connection);
    this.#prepared.add(connection);
  }
}
