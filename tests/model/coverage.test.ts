/**
 * Every query the Analytics tab sends (web/lib/analytics/registry.ts: Phase 1 and 2, every
 * timeframe and week-over-week span) is answered from a rollup — `usedPreAggregations` non-empty
 * for every result — except the few recorded as deliberately raw, which must still answer (and
 * are timed, for model/README.md).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { tabQueries } from '../../web/lib/analytics/registry';
import { cubeFromTestStack } from '../support/cube';
import { oracleFromTestStack } from '../support/oracle';
import { dataNow } from './now';

const cube = cubeFromTestStack();
const oracle = oracleFromTestStack();
const now = await dataNow(oracle);
await oracle.end();

const queries = tabQueries(now);
const rawTimings: string[] = [];
afterAll(() => {
  if (rawTimings.length > 0)
    console.info(`deliberately raw tab queries:\n${rawTimings.join('\n')}`);
});

test('the tab query list names each query once and covers Phase 1 and 2', () => {
  const names = queries.map((q) => q.name);
  expect(new Set(names).size).toBe(names.length);
  expect(new Set(queries.map((q) => q.phase))).toEqual(new Set([1, 2]));
});

describe.each(queries.filter((q) => !q.deliberatelyRaw))('$name', (tabQuery) => {
  test('is answered from a rollup', async () => {
    const answer = await cube.load(tabQuery.query);
    for (const result of answer.response.results) {
      expect(
        Object.keys(result.usedPreAggregations ?? {}),
        JSON.stringify(tabQuery.query),
      ).not.toEqual([]);
    }
  });
});

describe.each(queries.filter((q) => q.deliberatelyRaw))('$name (deliberately raw)', (tabQuery) => {
  test('answers from the source tables without failing', async () => {
    const answer = await cube.load(tabQuery.query);
    // One result per compared window, else one (the schema alone only asks for at least one).
    const windows = tabQuery.query.timeDimensions?.[0]?.compareDateRange?.length ?? 1;
    expect(answer.response.results).toHaveLength(windows);
    for (const result of answer.response.results)
      expect(result.usedPreAggregations ?? {}).toEqual({});
    rawTimings.push(`${tabQuery.name}: ${answer.ms.toFixed(0)} ms (${answer.rows.length} rows)`);
  });
});

test('no rollup table or index name was cut at Postgres’ 63-byte identifier limit', async () => {
  // A cut name loses the version suffix Cube appends, so the next rebuild collides with it
  // ("relation … already exists"). Keep cube sql_alias + rollup + index names short.
  const db = oracleFromTestStack();
  try {
    const rows = await db.sql(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'analytics_pre_aggregations' AND octet_length(c.relname) >= 63`,
    );
    expect(rows.map((r) => r.relname)).toEqual([]);
  } finally {
    await db.end();
  }
});
