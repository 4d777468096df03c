/**
 * A rollup table replaced while Cube still holds the old listing: what an API instance of the split
 * topology meets when the refresh worker swaps a partition's version and drops the old table. Here
 * Cube keeps its listing for its default hour, and every rollup table is swapped for a newer
 * version (renamed, as a build's new table replaces the old one) behind its back. The next query
 * must be answered from the new tables, with the same numbers as the source, not a 400
 * `relation "analytics_pre_aggregations.…" does not exist`.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { z } from 'zod';
import { signCubeToken } from '../../cube/auth';
import { PRE_AGGREGATIONS_SCHEMA } from '../../cube/options';
import { buildAllRollups } from '../../cube/rollups';
import { withClient } from '../../db/connection';
import {
  embeddedPortFromEnv,
  type RunningPostgres,
  startEmbeddedPostgres,
} from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { seed } from '../../db/seed';
import { CubeClient, uncheckedQuery } from '../../lib/cube-client';
import { startTestCube } from '../setup/test-cube';

const pgPort = embeddedPortFromEnv(process.env, 'TEST_DROPPED_PG_PORT', 25438);
const cubePort = embeddedPortFromEnv(process.env, 'TEST_DROPPED_CUBE_PORT', 4015);
let pg: RunningPostgres;
let cube: Awaited<ReturnType<typeof startTestCube>>;
const now = new Date();

beforeAll(async () => {
  pg = await startEmbeddedPostgres({
    dataDir: '.data/test-dropped-rollup-pg',
    port: pgPort,
    portEnvVar: 'TEST_DROPPED_PG_PORT',
    fresh: true,
    durable: false,
  });
  await migrate(pg.config);
  await seed(pg.config, { scale: 'small', seed: 7, now });
  cube = await startTestCube(pg.config, cubePort);
  const token = signCubeToken(cube.cube.apiSecret, { sub: 't', role: 'admin' });
  // The partitions the queries below read (and a margin): all of them would take longer.
  const from = new Date(now.getTime() - 10 * 86_400_000).toISOString().slice(0, 10);
  await buildAllRollups(cube.cube.apiUrl, token, {
    dateRange: [from, now.toISOString().slice(0, 10)],
  });
}, 300_000);

afterAll(async () => {
  await cube?.process.stop();
  await pg?.stop();
});

/** What the test reads of one batch entry (an error, or rows with the rollups that served them). */
const entrySchema = z.object({
  error: z.string().optional(),
  results: z
    .array(
      z.object({
        data: z.array(z.record(z.string(), z.unknown())),
        usedPreAggregations: z
          .record(z.string(), z.object({ lastUpdatedAt: z.number() }).loose())
          .optional(),
      }),
    )
    .optional(),
});

/**
 * Exports per day over the last `days` days, through Cube. Each call asks for another range, so no
 * cached result answers it: Cube reads the rollup tables its listing names.
 */
async function exportsPerDay(days: number) {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const query = {
    measures: ['exports_overview.exports'],
    timeDimensions: [
      { dimension: 'exports_overview.created_at', granularity: 'day', dateRange: [from, to] },
    ],
    timezone: 'UTC',
  };
  const token = signCubeToken(cube.cube.apiSecret, { sub: 't', role: 'admin' });
  const client = new CubeClient({ apiUrl: cube.cube.apiUrl, token });
  const [entry] = await client.loadBatchEntries([uncheckedQuery(query)]);
  const body = entrySchema.parse(entry?.body);
  const result = body.results?.[0];
  const { rows } = await withClient(pg.config, (client) =>
    client.query<{ n: number }>(
      `select count(*)::int as n from exports where created_at >= $1::date and created_at < $2::date + 1`,
      [from, to],
    ),
  );
  return {
    status: entry?.status,
    error: body.error,
    total: (result?.data ?? []).reduce(
      (sum, row) => sum + Number(row['exports_overview.exports']),
      0,
    ),
    source: rows[0]?.n,
    /** Each rollup read, with the build time of the version read. */
    rollups: Object.entries(result?.usedPreAggregations ?? {}).map(
      ([name, used]) => `${name} ${used.lastUpdatedAt}`,
    ),
  };
}

test('a query naming a rollup table that was replaced meanwhile is answered from the new version', async () => {
  const before = await exportsPerDay(7);
  expect(before).toMatchObject({ status: 200, error: undefined });
  expect(before.total).toBe(before.source);
  expect(before.rollups.length).toBeGreaterThan(0);

  // Each table becomes a newer version of itself, in one transaction: its name's last part, the
  // build time (Cube writes its seconds in base 32), moves a second on, and the old name is gone
  // the moment the new one exists.
  const renamed = await withClient(pg.config, async (client) => {
    const { rows } = await client.query<{ name: string }>(
      `select tablename as name from pg_tables where schemaname = $1`,
      [PRE_AGGREGATIONS_SCHEMA],
    );
    await client.query('begin');
    let count = 0;
    for (const { name } of rows) {
      const match = /^(.+_)([0-9a-v]+)$/.exec(name);
      if (!match?.[1] || !match[2]) continue;
      const newer = `${match[1]}${(Number.parseInt(match[2], 32) + 1).toString(32)}`;
      await client.query(`alter table "${PRE_AGGREGATIONS_SCHEMA}"."${name}" rename to "${newer}"`);
      count++;
    }
    await client.query('commit');
    return count;
  });
  expect(renamed).toBeGreaterThan(0);

  const after = await exportsPerDay(6);
  expect(after).toMatchObject({ status: 200, error: undefined });
  expect(after.total).toBe(after.source);
  // Read from the new versions: a second newer each.
  expect(after.rollups).toEqual(
    before.rollups.map((rollup) => rollup.replace(/\d+$/, (ms) => String(Number(ms) + 1000))),
  );
});
