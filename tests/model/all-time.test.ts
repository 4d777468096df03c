/**
 * The page's first all-time week, read through Cube from every series' own weekly query
 * (web/lib/analytics/allTime.ts), equals the hand-written SQL's (`allTimeStartOracle`), and the
 * queries it is read from are answered from rollups.
 */
import { afterAll, expect, test } from 'vitest';
import { usedPreAggregations } from '../../lib/cube-client';
import { allTimeStartOracle } from '../../oracles/pages';
import { resolveWindow, SERIES_WIDGETS } from '../../web/lib/analytics/allTime';
import { timeframeWindow } from '../../web/lib/timeframe';
import { cubeFromTestStack } from '../support/cube';
import { oracleFromTestStack } from '../support/oracle';
import { dataNow } from './now';

const cube = cubeFromTestStack();
const oracle = oracleFromTestStack();
const now = await dataNow(oracle);
afterAll(() => oracle.end());

test("the page's first all-time week is the earliest week any series has data in (SQL)", async () => {
  const window = timeframeWindow('all', now);
  const { window: resolved, responses } = await resolveWindow(window, {
    load: async (query) => (await cube.load(query)).response,
  });
  expect(resolved.allTimeStart).toBe(await allTimeStartOracle(oracle, now));
  expect(responses).toHaveLength(SERIES_WIDGETS.length);
  for (const response of responses) expect(usedPreAggregations(response)).not.toEqual([]);
  // The seeded series start on different weeks, so one start for all of them is not a given.
  const firsts = SERIES_WIDGETS.map((w, i) => {
    const response = responses[i];
    return response ? Math.min(...w.series.dataBuckets(response, window)) : null;
  });
  expect(new Set(firsts).size).toBeGreaterThan(1);
  expect(Math.min(...firsts.map(Number))).toBe(resolved.allTimeStart);
});
