import { afterAll, expect, inject, it } from 'vitest';
import { migrate } from '../../db/migrate';
import { seed } from '../../db/seed';
import { prepareBareTables } from '../../db/seed/deferred-ddl';
import { count, dropDatabase, freshDatabase, schemaSnapshot } from './helpers';

const pg = inject('pg');
afterAll(async () => {
  await dropDatabase(pg, 'test_seed_interrupted');
  await dropDatabase(pg, 'test_seed_interrupted_reference');
});

it('a load interrupted with the indexes down is repaired by the next seed', async () => {
  const db = await freshDatabase(pg, 'test_seed_interrupted');
  const reference = await freshDatabase(pg, 'test_seed_interrupted_reference');
  await migrate(db);
  await migrate(reference);

  // What a crash right after the bulk-load preparation leaves behind.
  await prepareBareTables(db);
  expect(await count(db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'messages'")).toBe(0);
  expect(await count(db, 'SELECT count(*) FROM seed_deferred_ddl')).toBeGreaterThan(40);

  await seed(db, { scale: 'small', seed: 7, now: new Date('2025-06-15T12:00:00Z'), reset: true });
  expect(await schemaSnapshot(db)).toEqual(await schemaSnapshot(reference));
  expect(await count(db, 'SELECT count(*) FROM seed_deferred_ddl')).toBe(0);
});
