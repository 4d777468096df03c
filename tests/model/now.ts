/**
 * The instant the model tests treat as "now". The demo data ends at the seed's `now`; that is the
 * wall clock when the suite seeds its own database, but a database seeded earlier ends in the
 * past, and windows relative to the wall clock would be empty. So: the wall clock, unless the
 * newest row is more than a day older, then just after the newest row.
 */
import type { Oracle } from '../support/oracle';

export async function dataNow(oracle: Oracle): Promise<number> {
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
