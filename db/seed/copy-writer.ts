import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { PgConfig } from '../connection';
import { BinaryRowWriter } from './row-writer';
import { TABLE_COLUMNS, TABLES, type TableName } from './tables';

// One COPY … FROM STDIN (binary) stream per table, all open at once, fed by the generator as
// it walks through time; nothing is held in memory beyond a few chunks per table. Each table
// loads in its own transaction that first TRUNCATEs it: that lets COPY use FREEZE (rows are
// written already frozen, so the first queries do not rewrite every page to set hint bits)
// and, on a server with wal_level = minimal (the embedded one), skip the WAL entirely.

const HIGH_WATER_BYTES = 1024 * 1024;

class TableStream {
  readonly writer: BinaryRowWriter;
  /** Set while the stream is over its high-water mark; resolves on 'drain'. */
  private full: Promise<void> | null = null;
  private failure: unknown = null;

  constructor(
    readonly table: TableName,
    private readonly stream: Writable,
  ) {
    stream.on('error', (error: unknown) => {
      this.failure ??= error;
    });
    this.writer = new BinaryRowWriter(TABLE_COLUMNS[table].length, (bytes) => {
      if (!this.stream.write(bytes) && this.full === null) {
        // Listen now: the 'drain' may come while we wait for another table.
        this.full = once(this.stream, 'drain').then(
          () => {
            this.full = null;
          },
          (error: unknown) => {
            this.failure ??= error;
            this.full = null;
          },
        );
      }
    });
  }

  /** Waits until Postgres has caught up with this table (backpressure). */
  async drain(): Promise<void> {
    if (this.full !== null) await this.full;
    if (this.failure !== null) throw this.failure;
  }

  async end(): Promise<void> {
    if (this.failure !== null) throw this.failure;
    this.writer.finish();
    this.stream.end();
    await finished(this.stream);
  }

  abort(error: Error): void {
    this.stream.destroy(error);
  }
}

export type CopyLoad = {
  writers: Record<TableName, BinaryRowWriter>;
  /** Waits for every table whose stream is full. */
  drain(): Promise<void>;
  /** Ends every stream and commits every table. */
  commit(): Promise<void>;
  /** Cancels every COPY and rolls back. */
  abort(error: Error): Promise<void>;
};

export async function openCopyLoad(config: PgConfig): Promise<CopyLoad> {
  const clients: pg.Client[] = [];
  const streams: TableStream[] = [];
  try {
    for (const table of TABLES) {
      const client = new pg.Client({ ...config, application_name: `seed:${table}` });
      client.on('error', () => undefined);
      await client.connect();
      clients.push(client);
      await client.query('SET synchronous_commit = off');
      await client.query('BEGIN');
      await client.query(`TRUNCATE ${table} RESTART IDENTITY`);
      const columns = TABLE_COLUMNS[table].join(', ');
      const sql = `COPY ${table} (${columns}) FROM STDIN WITH (FORMAT binary, FREEZE)`;
      streams.push(
        new TableStream(table, client.query(copyFrom(sql, { highWaterMark: HIGH_WATER_BYTES }))),
      );
    }
  } catch (error) {
    await Promise.allSettled(clients.map((client) => client.end()));
    throw error;
  }
  return {
    writers: Object.fromEntries(streams.map((s) => [s.table, s.writer])) as Record<
      TableName,
      BinaryRowWriter
    >,
    async drain() {
      for (const stream of streams) await stream.drain();
    },
    async commit() {
      try {
        await Promise.all(streams.map((stream) => stream.end()));
        await Promise.all(clients.map((client) => client.query('COMMIT')));
      } finally {
        await Promise.allSettled(clients.map((client) => client.end()));
      }
    },
    async abort(error) {
      for (const stream of streams) stream.abort(error);
      await Promise.allSettled(clients.map((client) => client.query('ROLLBACK')));
      await Promise.allSettled(clients.map((client) => client.end()));
    },
  };
}
