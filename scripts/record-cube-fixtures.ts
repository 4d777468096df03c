/**
 * `npm run record:fixtures`: records Cube `/load` answers for queries of the tab's registry
 * (web/lib/analytics/registry.ts) into tests/fixtures/cube/*.recorded.json, for the component
 * and contract tests. Deterministic data: a throwaway embedded Postgres seeded with the small
 * demo set (seed 42) ending at RECORD_NOW, and Cube on it with every rollup built; or, with
 * CUBE_API_URL and CUBEJS_API_SECRET set, a Cube that already serves that data.
 *
 * Ports: RECORD_PG_PORT (default 25439) and RECORD_CUBE_PORT (default 4019).
 * Empty fixtures ask for windows before the data starts (EMPTY_NOW).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { signCubeToken } from '../cube/auth';
import { spawnCube } from '../cube/process';
import { buildAllRollups } from '../cube/rollups';
import type { PgConfig } from '../db/connection';
import { embeddedPortFromEnv, startEmbeddedPostgres } from '../db/embedded';
import { migrate } from '../db/migrate';
import { seed } from '../db/seed';
import { CubeClient } from '../lib/cube-client';
import { SERIES_WIDGETS, seriesQueries } from '../web/lib/analytics/allTime';
import {
  phase1Queries,
  sectionQueries,
  type TabQuery,
  wowQueries,
} from '../web/lib/analytics/registry';
import { SECTION_IDS, SECTIONS } from '../web/lib/analytics/sections';
import type { TypedQuery } from '../web/lib/cube/query';
import { DAY_MS, startOfUtcDay, timeframeWindow } from '../web/lib/timeframe';

/** The instant the recorded data ends at (and the `now` of every recorded window). */
export const RECORD_NOW = Date.parse('2026-11-20T14:00:00.000Z');
/** A `now` long before the demo data starts: every window is empty. */
export const EMPTY_NOW = Date.parse('2020-01-06T12:00:00.000Z');
const FIXTURES = path.resolve(import.meta.dirname, '..', 'tests', 'fixtures', 'cube');

type Fixture = { name: string; query: TypedQuery };

function one(list: TabQuery[], widget: string): TypedQuery {
  const found = list.find((q) => q.widget === widget);
  if (!found) throw new Error(`no registry query for ${widget}`);
  return found.query;
}

/** Phase 1's fixtures (names the component tests read), from the registry. */
function phase1Fixtures(firstPurchaseDay: number): Fixture[] {
  const at = (tf: '24h' | '7d' | 'all', now: number) => phase1Queries(tf, now);
  return [
    { name: 'top-templates-24h-empty', query: one(at('24h', EMPTY_NOW), 'top_templates') },
    { name: 'top-templates-7d', query: one(at('7d', RECORD_NOW), 'top_templates') },
    { name: 'top-templates-all', query: one(at('all', RECORD_NOW), 'top_templates') },
    { name: 'trend-exports-24h', query: one(at('24h', RECORD_NOW), 'trend.exports') },
    { name: 'trend-exports-7d', query: one(at('7d', RECORD_NOW), 'trend.exports') },
    { name: 'trend-exports-7d-engine', query: one(at('7d', RECORD_NOW), 'trend.exports') },
    { name: 'trend-exports-all', query: one(at('all', RECORD_NOW), 'trend.exports') },
    { name: 'trend-prompts-7d', query: one(at('7d', RECORD_NOW), 'trend.prompts') },
    { name: 'trend-paywall-7d', query: one(at('7d', RECORD_NOW), 'trend.paywall') },
    { name: 'trend-paywall-7d-empty', query: one(at('7d', EMPTY_NOW), 'trend.paywall') },
    { name: 'wow-export-success-1w', query: one(wowQueries(1, RECORD_NOW), 'wow.export_success') },
    {
      name: 'wow-export-success-1w-empty',
      query: one(wowQueries(1, EMPTY_NOW), 'wow.export_success'),
    },
    { name: 'wow-paying-users-1w', query: one(wowQueries(1, RECORD_NOW), 'wow.paying_users') },
    {
      name: 'wow-paying-users-1w-engine',
      query: one(wowQueries(1, RECORD_NOW), 'wow.paying_users'),
    },
    {
      // The current week holds the first purchases, the week before holds none.
      name: 'wow-paying-users-1w-no-previous',
      query: one(wowQueries(1, firstPurchaseDay + 12 * 3_600_000), 'wow.paying_users'),
    },
  ];
}

/**
 * The query of every series over time at `all` (`all-time-<widget id>`): the tab reads the page's
 * first all-time week from their answers (web/lib/analytics/allTime.ts).
 */
function allTimeFixtures(): Fixture[] {
  const queries = seriesQueries(timeframeWindow('all', RECORD_NOW));
  return SERIES_WIDGETS.map((w, i) => {
    const query = queries[i];
    if (!query) throw new Error(`no series query for ${w.id}`);
    return { name: `all-time-${w.id.replace('.', '-')}`, query };
  });
}

/** Every widget of every section at its default timeframe, with data and empty. */
function sectionFixtures(): Fixture[] {
  const list: Fixture[] = [];
  for (const id of SECTION_IDS) {
    const tf = SECTIONS[id].defaultTimeframe;
    for (const [now, suffix] of [
      [RECORD_NOW, ''],
      [EMPTY_NOW, '-empty'],
    ] as const) {
      for (const q of sectionQueries(id, tf, now)) {
        const [, widget = ''] = q.widget.split('.');
        const part = q.name.includes('#') ? `-${q.name.split('#')[1]}` : '';
        list.push({ name: `section-${id}-${widget}-${tf}${part}${suffix}`, query: q.query });
      }
    }
  }
  return list;
}

/** The `/load` answer exactly as Cube sent it (checked to be data, not an error). */
async function load(cube: CubeClient, query: TypedQuery): Promise<unknown> {
  return JSON.parse((await cube.load(query)).text);
}

async function withStack<T>(
  run: (apiUrl: string, token: string, db: PgConfig | null) => Promise<T>,
) {
  if (process.env.CUBE_API_URL && process.env.CUBEJS_API_SECRET) {
    const token = signCubeToken(process.env.CUBEJS_API_SECRET, { sub: 'record', role: 'admin' });
    return run(process.env.CUBE_API_URL, token, null);
  }
  const postgres = await startEmbeddedPostgres({
    dataDir: '.data/record-pg',
    port: embeddedPortFromEnv(process.env, 'RECORD_PG_PORT', 25439),
    portEnvVar: 'RECORD_PG_PORT',
    fresh: true,
    durable: false,
  });
  try {
    await migrate(postgres.config);
    await seed(postgres.config, { scale: 'small', seed: 42, now: new Date(RECORD_NOW) });
    const apiSecret = randomBytes(24).toString('hex');
    const cube = await spawnCube({
      db: postgres.config,
      port: embeddedPortFromEnv(process.env, 'RECORD_CUBE_PORT', 4019),
      apiSecret,
      quiet: true,
      env: { CUBE_REFRESH_SECONDS: '0', CUBEJS_PRE_AGGREGATIONS_BUILDER: 'true' },
      readyTimeoutMs: 90_000,
    });
    try {
      const token = signCubeToken(apiSecret, { sub: 'record', role: 'admin' }, 3600);
      await buildAllRollups(cube.apiUrl, token);
      return await run(cube.apiUrl, token, postgres.config);
    } finally {
      await cube.stop();
    }
  } finally {
    await postgres.stop();
  }
}

await withStack(async (apiUrl, token) => {
  const cube = new CubeClient({ apiUrl, token, timeoutMs: 120_000 });
  // The first purchase day, read through Cube (the same answer with or without our own stack).
  const first = (await load(cube, {
    measures: ['credits.purchases'],
    segments: ['credits.purchase_transactions'],
    timeDimensions: [{ dimension: 'credits.created_at', granularity: 'day' }],
    order: [['credits.created_at', 'asc']],
    limit: 1,
    timezone: 'UTC',
  })) as { results: { data: Record<string, string>[] }[] };
  const day = first.results[0]?.data[0]?.['credits.created_at.day'];
  if (!day) throw new Error('no purchases in the recorded data');
  const firstPurchaseDay = startOfUtcDay(Date.parse(`${day}Z`));
  if (firstPurchaseDay > RECORD_NOW - 14 * DAY_MS) throw new Error('purchases start too late');

  const fixtures = [
    ...phase1Fixtures(firstPurchaseDay),
    ...allTimeFixtures(),
    ...sectionFixtures(),
  ];
  await fs.mkdir(FIXTURES, { recursive: true });
  for (const f of fixtures) {
    const body = await load(cube, f.query);
    await fs.writeFile(
      path.join(FIXTURES, `${f.name}.recorded.json`),
      `${JSON.stringify(body, null, 2)}\n`,
    );
  }
  console.log(
    `Recorded ${fixtures.length} /load answers into ${path.relative(process.cwd(), FIXTURES)}.`,
  );
});
