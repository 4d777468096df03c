import fs from 'node:fs/promises';
import net from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { withClient } from '../../db/connection';
import { EmbeddedPostgresInUseError, startEmbeddedPostgres } from '../../db/embedded';
import { query } from './helpers';

const dataDir = `.data/test-embedded-${process.pid}`;
afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

async function listen(port = 0): Promise<net.Server> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}
const portOf = (server: net.Server) => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
};
async function freePort(): Promise<number> {
  const server = await listen();
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Postgres processes whose command line names this data folder. */
async function postgresProcesses(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('postgres') && cmdline.includes(dataDir.slice(1)))
      pids.push(Number(entry));
  }
  return pids;
}

describe('startEmbeddedPostgres', () => {
  it('names the port and the variable to change when the port is taken', async () => {
    const blocker = await listen();
    try {
      const port = portOf(blocker);
      const start = startEmbeddedPostgres({ dataDir, port, portEnvVar: 'PG_EMBEDDED_PORT' });
      await expect(start).rejects.toBeInstanceOf(EmbeddedPostgresInUseError);
      await expect(start).rejects.toThrow(
        new RegExp(`Port ${port} is already in use.*PG_EMBEDDED_PORT=<port>`),
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('keeps its data across restarts, survives a stale postmaster.pid and leaves no process behind', async () => {
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir, port, durable: false });
    expect((await postgresProcesses()).length).toBeGreaterThan(0);
    await withClient(first.config, (c) =>
      c.query('CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)'),
    );
    await first.stop();
    expect(await postgresProcesses()).toEqual([]);

    // A crash leaves postmaster.pid behind, and its pid now belongs to another live postgres
    // process (Postgres itself would refuse to start: "Is another postmaster running?").
    const [other] = await query<{ pid: number }>(
      inject('pg'),
      "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'",
    );
    await fs.writeFile(`${dataDir}/postmaster.pid`, `${other?.pid}\n${dataDir}\n0\n${port}\n`);
    const second = await startEmbeddedPostgres({ dataDir, port, durable: false });
    expect(second.reused).toBe(false);
    const rows = await withClient(second.config, (c) => c.query('SELECT x FROM kept'));
    expect(rows.rows).toEqual([{ x: 7 }]);
    await second.stop();
    await second.stop(); // idempotent
    expect(await postgresProcesses()).toEqual([]);
  });
});
