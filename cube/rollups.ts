/**
 * Builds pre-aggregations through Cube's jobs API (`/v1/pre-aggregations/jobs`) and waits for
 * them: the same builds the refresh scheduler makes, but on demand and awaited, so `npm start`,
 * the tests and the bench start from fully built rollups and can time the build.
 */
import { z } from 'zod';
import { type PgConfig, withClient } from '../db/connection';
import { PRE_AGGREGATIONS_SCHEMA } from './options';

/** How many rollup tables the database holds (0: none built yet, e.g. a first start). */
export async function rollupTableCount(db: PgConfig): Promise<number> {
  const { rows } = await withClient(db, (client) =>
    client.query<{ n: number }>(
      'select count(*)::int as n from information_schema.tables where table_schema = $1',
      [PRE_AGGREGATIONS_SCHEMA],
    ),
  );
  return rows[0]?.n ?? 0;
}

const jobStatusSchema = z.record(
  z.string(),
  z.object({ status: z.string(), table: z.string().optional() }).loose(),
);

export type RollupBuild = { partitions: number; seconds: number; tables: string[] };

export type RollupBuildOptions = {
  timeoutMs?: number;
  timezones?: string[];
  /** Only the partitions that intersect this UTC range (plus unpartitioned rollups, always). */
  dateRange?: [string, string];
  /** Only these rollups (`cube.rollup` ids); all of them when absent. */
  preAggregations?: string[];
};

/** A fixed token, or a function for builds that may outlive one. */
type TokenSource = string | (() => string);

const continueWaitSchema = z.object({ error: z.literal('Continue wait') });

async function jobsRequest(
  apiUrl: string,
  token: TokenSource,
  body: unknown,
  deadline: number,
): Promise<unknown> {
  // Cube answers 200 `{ "error": "Continue wait" }` when its answer takes longer than its wait
  // (a busy machine): ask again, as its clients poll `/load`.
  while (Date.now() < deadline) {
    const response = await fetch(`${apiUrl}/pre-aggregations/jobs`, {
      method: 'POST',
      headers: {
        Authorization: typeof token === 'string' ? token : token(),
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    const json: unknown = await response.json();
    if (!response.ok)
      throw new Error(`pre-aggregation jobs: ${response.status} ${JSON.stringify(json)}`);
    if (!continueWaitSchema.safeParse(json).success) return json;
  }
  throw new Error('pre-aggregation jobs: Cube kept answering "Continue wait" until the deadline');
}

export async function buildAllRollups(
  apiUrl: string,
  token: TokenSource,
  { timeoutMs = 600_000, timezones = ['UTC'], dateRange, preAggregations }: RollupBuildOptions = {},
): Promise<RollupBuild> {
  const started = performance.now();
  const deadline = Date.now() + timeoutMs;
  const tokens = z.array(z.string()).parse(
    await jobsRequest(
      apiUrl,
      token,
      {
        action: 'post',
        selector: {
          contexts: [{ securityContext: {} }],
          timezones,
          ...(dateRange ? { dateRange } : {}),
          ...(preAggregations ? { preAggregations } : {}),
        },
      },
      deadline,
    ),
  );
  while (Date.now() < deadline) {
    const statuses = jobStatusSchema.parse(
      await jobsRequest(apiUrl, token, { action: 'get', resType: 'object', tokens }, deadline),
    );
    const values = Object.values(statuses);
    const failed = values.filter((job) => job.status.startsWith('failure'));
    if (failed.length > 0) {
      throw new Error(
        `pre-aggregation build failed: ${failed.map((j) => `${j.table}: ${j.status}`).join('; ')}`,
      );
    }
    if (values.length === tokens.length && values.every((job) => job.status.startsWith('done'))) {
      return {
        partitions: tokens.length,
        seconds: (performance.now() - started) / 1000,
        tables: values.map((job) => job.table ?? '?').sort(),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`pre-aggregations were not built within ${Math.round(timeoutMs / 1000)} s`);
}
