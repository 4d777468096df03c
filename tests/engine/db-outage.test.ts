/**
 * Postgres going away under a running Cube: /load answers a 503 naming the cause (not a hang, not a
 * crash), and once Postgres is back the next /load succeeds without restarting Cube.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { signCubeToken } from '../../cube/auth';
import { withClient } from '../../db/connection';
import { type RunningPostgres, startEmbeddedPostgres } from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { CubeClient } from '../../lib/cube-client';
import { startTestCube } from '../setup/test-cube';

const dataDir = '.data/test-outage-pg';
const port = Number(process.env.TEST_OUTAGE_PG_PORT ?? 25436);
let pg: RunningPostgres;
let cube: Awaited<ReturnType<typeof startTestCube>>;

beforeAll(async () => {
  pg = await startEmbeddedPostgres({ dataDir, port, fresh: true, durable: false });
  await migrate(pg.config);
  await withClient(pg.config, (client) =>
    client.query(
      `insert into users (id, email, created_at) values ('u1', 'u1@example.com', now())`,
    ),
  );
  cube = await startTestCube(pg.config, Number(process.env.TEST_OUTAGE_CUBE_PORT ?? 4012));
});

afterAll(async () => {
  await cube?.process.stop();
  await pg?.stop();
});

/** Each call asks for another day, so Cube's result cache cannot answer for Postgres. */
let day = 0;
async function loadFreshQuery() {
  day += 1;
  const date = new Date(Date.UTC(2020, 0, day)).toISOString().slice(0, 10);
  const query = {
    measures: ['exports_overview.exports'],
    timeDimensions: [{ dimension: 'exports_overview.created_at', dateRange: [date, date] }],
  };
  const token = signCubeToken(cube.cube.apiSecret, { sub: 't', role: 'admin' });
  // Like @cubejs-client/core: "Continue wait" means "ask again", until an answer or an error.
  const client = new CubeClient({ apiUrl: cube.cube.apiUrl, token, timeoutMs: 90_000 });
  const { status, body } = await client.request(
    `load?${new URLSearchParams({ query: JSON.stringify(query) })}`,
  );
  return { status, body: body as Record<string, unknown> };
}

test('Cube reports the outage as an error and recovers when Postgres is back', async () => {
  const before = await loadFreshQuery();
  expect(before.status).toBe(200);

  await pg.stop();
  const during = await loadFreshQuery();
  expect(during.status).toBe(503);
  expect(String(during.body.error)).toMatch(
    /^The database is unavailable \(.*(ECONNREFUSED|connect|timed out).*\); try again shortly\.$/i,
  );

  pg = await startEmbeddedPostgres({ dataDir, port, durable: false });
  const after = await loadFreshQuery();
  expect(after.status).toBe(200);
  expect(after.body.data).toEqual([{ 'exports_overview.exports': '0' }]);
});
