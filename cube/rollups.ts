/**
 * Builds every pre-aggregation through Cube's jobs API (`/v1/pre-aggregations/jobs`) and waits for
 * them: the same builds the refresh scheduler makes, but on demand and awaited, so the tests and
 * the bench start from fully built rollups and can time the build.
 */
import { z } from 'zod';

const jobStatusSchema = z.record(
  z.string(),
  z.object({ status: z.string(), table: z.string().optional() }).loose(),
);

export type RollupBuild = { partitions: number; seconds: number };

async function jobsRequest(apiUrl: string, token: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${apiUrl}/pre-aggregations/jobs`, {
    method: 'POST',
    headers: { Authorization: token, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json: unknown = await response.json();
  if (!response.ok)
    throw new Error(`pre-aggregation jobs: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

export async function buildAllRollups(
  apiUrl: string,
  token: string,
  { timeoutMs = 600_000, timezones = ['UTC'] }: { timeoutMs?: number; timezones?: string[] } = {},
): Promise<RollupBuild> {
  const started = performance.now();
  const tokens = z.array(z.string()).parse(
    await jobsRequest(apiUrl, token, {
      action: 'post',
      selector: { contexts: [{ securityContext: {} }], timezones },
    }),
  );
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const statuses = jobStatusSchema.parse(
      await jobsRequest(apiUrl, token, { action: 'get', resType: 'object', tokens }),
    );
    const values = Object.values(statuses);
    const failed = values.filter((job) => job.status.startsWith('failure'));
    if (failed.length > 0) {
      throw new Error(
        `pre-aggregation build failed: ${failed.map((j) => `${j.table}: ${j.status}`).join('; ')}`,
      );
    }
    if (values.length === tokens.length && values.every((job) => job.status.startsWith('done'))) {
      return { partitions: tokens.length, seconds: (performance.now() - started) / 1000 };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`pre-aggregations were not built within ${Math.round(timeoutMs / 1000)} s`);
}
