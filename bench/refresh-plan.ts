/**
 * What Cube's refresh scheduler rebuilds in the hour after new rows land, read from the model's
 * refresh keys: a partitioned rollup rebuilds the partitions holding the new rows (its
 * incremental key changes every cycle inside the update window); an unpartitioned rollup whose
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
    partition_granularity: z.string().optional(),
    refresh_key: z
      .object({ every: z.string().optional(), incremental: z.boolean().optional() })
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

/** Seconds of an `every` such as `10 minute` or `1 day` (Cube's default, when absent: 1 hour). */
export function everySeconds(every: string | undefined): number {
  if (every === undefined) return 3600;
  const match = /^(\d+)\s*(second|minute|hour|day|week)s?$/.exec(every.trim());
  if (!match) throw new Error(`refresh_key.every not understood: ${every}`);
  return Number(match[1]) * (UNIT_SECONDS[match[2] ?? ''] ?? Number.NaN);
}

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.yml'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

export async function refreshPlan(modelDir = MODEL_DIR): Promise<RefreshPlan> {
  const plan: RefreshPlan = { hourly: [], slower: [] };
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
