/**
 * The instant the model tests treat as "now": the seed's `now` when the test stack provides it
 * (`seededAt`). Otherwise (a database seeded earlier) the wall clock, unless the newest row is more
 * than a day older, then just after the newest row.
 */
import { inject } from 'vitest';
import type { Oracle } from '../../oracles/sql';

export async function dataNow(oracle: Oracle): Promise<number> {
  // The test stack says when its data ends; a database seeded elsewhere is dated by its newest
  // rows. (Looked up by name: the stack has called it `seededAt` and `seededNow`.)
  const provided = inject as unknown as (key: string) => unknown;
  const seeded = provided('seededNow') ?? provided('seededAt');
  if (typeof seeded === 'string') return Date.parse(seeded);
  const row = await oracle.one(
    `SELECT extract(epoch FROM greatest(
        (SELECT max(created_at) FROM exports),
        (SELECT max(created_at) FROM messages),
        (SELECT max(created_at) FROM template_usage))) * 1000 AS newest`,
  );
  const wall = Date.now();
  const newest = row.newest === null ? wall : Number(row.newest);
  return wall - newest > 86_400_000 ? newest + 1 : wall;
}
