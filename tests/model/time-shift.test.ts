/**
 * Prior-period measures (`multi_stage` + `time_shift`, one week back) live in the model for
 * analysts. Cube 1.7's JS planner compiles a model that has them, and answers the shifted plain
 * and distinct counts; a shifted measure with `filters` (success_rate_prior_week) needs Tesseract
 * and answers a 400 on the JS planner without disturbing anything else.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { probeNativeModule } from '../../cube/engine/native-module';
import { CubeRequestError, num, uncheckedQuery, usedPreAggregations } from '../../lib/cube-client';
import { ratio, sqlWindow } from '../../oracles/sql';
import { DAY_MS, parseCubeTimestamp, toCubeTimestamp } from '../../web/lib/timeframe';
import { expectMembers, timeframeRange } from '../support/compare';
import { cubeFromTestStack } from '../support/cube';
import { oracleFromTestStack } from '../support/oracle';
import { dataNow } from './now';

const cube = cubeFromTestStack();
const oracle = oracleFromTestStack();
afterAll(() => oracle.end());

let now: number;
beforeAll(async () => {
  now = await dataNow(oracle);
});

const WEEK_MS = 7 * DAY_MS;
const shifted = (range: readonly [string, string]) =>
  sqlWindow([
    toCubeTimestamp(parseCubeTimestamp(range[0]) - WEEK_MS),
    toCubeTimestamp(parseCubeTimestamp(range[1]) - WEEK_MS),
  ]);

describe('prior-week measures (time_shift)', () => {
  test('exports one week earlier, per day of the 7d window', async () => {
    const range = timeframeRange('7d', now);
    const answer = await cube.load({
      measures: ['exports_overview.exports_prior_week'],
      timeDimensions: [
        { dimension: 'exports_overview.created_at', granularity: 'day', dateRange: range },
      ],
      timezone: 'UTC',
    });
    const w = shifted(range);
    const rows = await oracle.sql(
      `SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC') + interval '7 days', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS day,
              count(*) AS n
         FROM exports WHERE created_at >= $1 AND created_at < $2 GROUP BY 1 ORDER BY 1`,
      [w.from, w.to],
    );
    expect(
      answer.rows.map((r) => [
        r['exports_overview.created_at.day'],
        num(r, 'exports_overview.exports_prior_week'),
      ]),
    ).toEqual(rows.map((r) => [r.day, Number(r.n)]));
  });

  test('exports and paying users one week earlier, over the 30d window', async () => {
    const range = timeframeRange('30d', now);
    const w = shifted(range);
    const exportsAnswer = await cube.load({
      measures: ['exports_overview.exports_prior_week'],
      timeDimensions: [{ dimension: 'exports_overview.created_at', dateRange: range }],
      timezone: 'UTC',
    });
    const payersAnswer = await cube.load({
      measures: ['credits.paying_users_prior_week'],
      timeDimensions: [{ dimension: 'credits.created_at', dateRange: range }],
      timezone: 'UTC',
    });
    const e = await oracle.one(
      'SELECT count(*) AS n FROM exports WHERE created_at >= $1 AND created_at < $2',
      [w.from, w.to],
    );
    const p = await oracle.one(
      `SELECT count(DISTINCT user_id) AS n FROM credit_transactions
        WHERE type = 'purchase' AND created_at >= $1 AND created_at < $2`,
      [w.from, w.to],
    );
    expectMembers(exportsAnswer.rows[0], { 'exports_overview.exports_prior_week': Number(e.n) });
    expectMembers(payersAnswer.rows[0], { 'credits.paying_users_prior_week': Number(p.n) });
  });

  // The test process and the Cube it queries run on the same machine and node_modules.
  const tesseract = probeNativeModule().loads && process.env.CUBE_ENGINE !== 'native-free';

  test.runIf(tesseract)('success rate one week earlier equals SQL (Tesseract)', async () => {
    const range = timeframeRange('30d', now);
    const w = shifted(range);
    const answer = await cube.load({
      measures: ['exports_overview.success_rate_prior_week'],
      timeDimensions: [{ dimension: 'exports_overview.created_at', dateRange: range }],
      timezone: 'UTC',
    });
    const e = await oracle.one(
      `SELECT count(*) AS n, count(*) FILTER (WHERE status = 'completed') AS ok
         FROM exports WHERE created_at >= $1 AND created_at < $2`,
      [w.from, w.to],
    );
    expectMembers(answer.rows[0], {
      'exports_overview.success_rate_prior_week': ratio(Number(e.ok), Number(e.n)),
    });
  });

  test.runIf(!tesseract)(
    'success rate one week earlier answers 400 on the JS planner, and nothing else breaks',
    async () => {
      const range = timeframeRange('30d', now);
      const query = {
        measures: ['exports_overview.success_rate_prior_week'],
        timeDimensions: [{ dimension: 'exports_overview.created_at', dateRange: range }],
        timezone: 'UTC',
      };
      await expect(cube.load(uncheckedQuery(query))).rejects.toSatisfy(
        (error) => error instanceof CubeRequestError && error.status === 400,
      );
      const after = await cube.load(
        uncheckedQuery({ ...query, measures: ['exports_overview.success_rate'] }),
      );
      expect(usedPreAggregations(after.response)).not.toEqual([]);
    },
  );
});
