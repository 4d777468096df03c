/**
 * What Cube's refresh scheduler rebuilds in the hour after new rows land, read from the model's
 * refresh keys: a partitioned rollup rebuilds every partition still inside its update window
 * (Cube's incremental key is `CASE WHEN NOW() < <partition end> + <update_window> THEN <every>
 * END`, so it changes every cycle until the window has passed the partition's end): the
 * partition holding the new rows, and the previous one while the window still reaches back into
 * it (a month's first day, a week's Monday for weekly partitions). An unpartitioned rollup whose
 * key changes at least hourly (`every: 10 minute`, `1 hour`) is rebuilt whole; one with a longer
 * period (`every: 1 day`) is rebuilt whole once per period, not in a typical hour. The bench asks
 * Cube's jobs API for exactly the first two, so its "incremental refresh" is what one hour costs.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { MODEL_DIR } from '../cube/options';

const rollupSchema = z
  .object({
    name: z.string(),
    partition_granularity: z.enum(['hour', 'day', 'week', 'month', 'quarter', 'year']).optional(),
    refresh_key: z
      .object({
        every: z.string().optional(),
        incremental: z.boolean().optional(),
        update_window: z.string().optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
const fileSchema = z.object({
  cubes: z
    .array(
      z.object({ name: z.string(), pre_aggregations: z.array(rollupSchema).optional() }).loose(),
    )
    .optional(),
});

export type RefreshPlan = {
  /** Rebuilt in every hour with new rows (`cube.rollup` ids): partitioned, or keyed ≤ 1 hour. */
  hourly: string[];
  /** The partitioned ones among `hourly`: their update window (s; Cube's default 0). */
  updateWindowSeconds: Record<string, number>;
  /** Rebuilt whole once per their refresh period (> 1 hour), with that period. */
  slower: { id: string; every: string }[];
};

const UNIT_SECONDS: Record<string, number> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
  week: 604_800,
};

function durationSeconds(what: string, duration: string): number {
  const match = /^(\d+)\s*(second|minute|hour|day|week)s?$/.exec(duration.trim());
  if (!match) throw new Error(`refresh_key.${what} not understood: ${duration}`);
  return Number(match[1]) * (UNIT_SECONDS[match[2] ?? ''] ?? Number.NaN);
}

/** Seconds of an `every` such as `10 minute` or `1 day` (Cube's default, when absent: 1 hour). */
export function everySeconds(every: string | undefined): number {
  return every === undefined ? 3600 : durationSeconds('every', every);
}

/**
 * The jobs-API requests that rebuild what one scheduler cycle would once the data reaches `now`
 * (epoch ms): per update window, the range it reaches back to (at least the last hour, which
 * holds the new rows). A partition is rebuilt when it meets its request's range; unpartitioned
 * rollups ride along with the first request and are rebuilt whole.
 */
export function refreshRequests(
  plan: RefreshPlan,
  now: number,
): { from: number; to: number; preAggregations: string[] }[] {
  const byWindow = new Map<number, string[]>();
  const whole: string[] = [];
  for (const id of plan.hourly) {
    const window = plan.updateWindowSeconds[id];
    if (window === undefined) whole.push(id);
    else byWindow.set(window, [...(byWindow.get(window) ?? []), id]);
  }
  const requests = [...byWindow]
    .sort(([a], [b]) => a - b)
    .map(([window, ids]) => ({
      from: now - Math.max(window * 1000, 3_600_000),
      to: now - 1,
      preAggregations: ids,
    }));
  const first = requests[0];
  if (first) first.preAggregations.push(...whole);
  else if (whole.length > 0)
    requests.push({ from: now - 3_600_000, to: now - 1, preAggregations: whole });
  return requests;
}

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.yml'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

export async function refreshPlan(modelDir = MODEL_DIR): Promise<RefreshPlan> {
  const plan: RefreshPlan = { hourly: [], updateWindowSeconds: {}, slower: [] };
  for (const file of await yamlFiles(path.join(modelDir, 'cubes'))) {
    const { cubes = [] } = fileSchema.parse(parse(await fs.readFile(file, 'utf8')));
    for (const cube of cubes) {
      for (const rollup of cube.pre_aggregations ?? []) {
        const id = `${cube.name}.${rollup.name}`;
        const every = rollup.refresh_key?.every;
        const partitioned = rollup.partition_granularity !== undefined;
        if (partitioned && rollup.refresh_key?.incremental !== true) {
          // Every partition would be rebuilt whenever the key changes: not what this plan models.
          throw new Error(`${id}: a partitioned rollup without an incremental refresh key`);
        }
        if (partitioned) {
          const window = rollup.refresh_key?.update_window;
          plan.updateWindowSeconds[id] =
            window === undefined ? 0 : durationSeconds('update_window', window);
        }
        if (partitioned || everySeconds(every) <= 3600) {
          plan.hourly.push(id);
        } else {
          plan.slower.push({ id, every: every ?? '1 hour' });
        }
      }
    }
  }
  return plan;
}
