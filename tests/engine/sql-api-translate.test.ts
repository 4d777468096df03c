/**
 * SQL → Cube query translation of the SQL API, on Postgres's own parse trees (libpg-query):
 * the filters must keep SQL's meaning (NULL handling, half-open ranges), and anything outside
 * the subset is refused.
 */
import { loadModule } from 'libpg-query';
import { beforeAll, describe, expect, test } from 'vitest';
import { canSwitchSqlUser, sqlApiAuth } from '../../cube/auth';
import { compose } from '../../cube/sql-api/compose';
import { SqlApiError } from '../../cube/sql-api/errors';
import { parseStatements, planStatement } from '../../cube/sql-api/statements';
import { translateSelect } from '../../cube/sql-api/translate';
import type { ViewTable } from '../../cube/sql-api/views';

const view: ViewTable = {
  name: 'orders',
  columns: [
    {
      name: 'status',
      member: 'orders.status',
      kind: 'dimension',
      pgType: 'text',
      cubeType: 'string',
    },
    {
      name: 'amount',
      member: 'orders.amount',
      kind: 'dimension',
      pgType: 'numeric',
      cubeType: 'number',
    },
    {
      name: 'created_at',
      member: 'orders.created_at',
      kind: 'dimension',
      pgType: 'timestamp',
      cubeType: 'time',
    },
    { name: 'count', member: 'orders.count', kind: 'measure', pgType: 'int8', cubeType: 'count' },
    {
      name: 'revenue',
      member: 'orders.revenue',
      kind: 'measure',
      pgType: 'numeric',
      cubeType: 'sum',
    },
    { name: 'paid', member: 'orders.paid', kind: 'segment', pgType: 'bool', cubeType: 'segment' },
  ],
};
const views = new Map([[view.name, view]]);

beforeAll(() => loadModule());

function translate(sql: string, params: string[] = []) {
  const [statement] = parseStatements(sql);
  if (!statement) throw new Error('no statement');
  const plan = planStatement(statement, views);
  if (plan.kind !== 'cube' || !plan.view) throw new Error(`not a plain Cube query: ${plan.kind}`);
  return translateSelect(plan.select, plan.view, params, 'UTC');
}

function refusal(sql: string): string {
  try {
    translate(sql);
  } catch (error) {
    if (error instanceof SqlApiError) return error.code;
    throw error;
  }
  throw new Error(`accepted: ${sql}`);
}

describe('translation', () => {
  test('a join of Cube tables is no plain Cube query: it is composed around its Cube parts', () => {
    const [statement] = parseStatements(
      'SELECT MEASURE(count) FROM orders o JOIN orders p ON true',
    );
    if (!statement) throw new Error('no statement');
    const plan = planStatement(statement, views);
    expect([plan.kind, plan.kind === 'cube' && plan.view]).toEqual(['cube', undefined]);
  });

  test('measures, grouped dimensions, granularity, order and limit', () => {
    const { query, columns } = translate(
      "SELECT status, date_trunc('month', created_at) AS m, COUNT(*), SUM(revenue) FROM orders GROUP BY 1, 2 ORDER BY m DESC LIMIT 5 OFFSET 10",
    );
    expect(query).toMatchObject({
      measures: ['orders.count', 'orders.revenue'],
      dimensions: ['orders.status'],
      timeDimensions: [{ dimension: 'orders.created_at', granularity: 'month' }],
      order: [['orders.created_at', 'desc']],
      limit: 5,
      offset: 10,
    });
    expect(columns.map((c) => [c.name, c.pgType, c.key])).toEqual([
      ['status', 'text', 'orders.status'],
      ['m', 'timestamp', 'orders.created_at.month'],
      ['count', 'int8', 'orders.count'],
      ['sum', 'numeric', 'orders.revenue'],
    ]);
  });

  test("negative filters keep SQL's NULL semantics (Cube's own keep NULL rows)", () => {
    const { query } = translate(
      "SELECT MEASURE(count) FROM orders WHERE status <> 'x' AND status NOT IN ('a', 'b') AND status NOT ILIKE '%z%'",
    );
    const set = { member: 'orders.status', operator: 'set' };
    expect(query.filters).toEqual([
      { member: 'orders.status', operator: 'notEquals', values: ['x'] },
      set,
      { member: 'orders.status', operator: 'notEquals', values: ['a', 'b'] },
      set,
      { member: 'orders.status', operator: 'notContains', values: ['z'] },
      set,
    ]);
  });

  test('a half-open time range becomes an inclusive date range; parameters fill values', () => {
    const { query } = translate(
      'SELECT MEASURE(count) FROM orders WHERE created_at >= $1 AND created_at < $2 AND paid AND (amount > 10 OR status IS NULL)',
      ['2026-01-01', '2026-02-01'],
    );
    expect(query.timeDimensions).toEqual([
      {
        dimension: 'orders.created_at',
        dateRange: ['2026-01-01T00:00:00.000', '2026-01-31T23:59:59.999'],
      },
    ]);
    expect(query.segments).toEqual(['orders.paid']);
    expect(query.filters).toEqual([
      {
        or: [
          { member: 'orders.amount', operator: 'gt', values: ['10'] },
          { member: 'orders.status', operator: 'notSet' },
        ],
      },
    ]);
  });

  test("__user = '…' in WHERE names the user to run as and is no filter", () => {
    const { query, changeUser } = translate(
      "SELECT status, MEASURE(count) FROM orders WHERE __user = 'bob' AND status = 'paid' GROUP BY 1",
    );
    expect(changeUser).toBe('bob');
    expect(query.filters).toEqual([
      { member: 'orders.status', operator: 'equals', values: ['paid'] },
    ]);
    const reversed = translate('SELECT MEASURE(count) FROM orders WHERE $1 = orders.__user', [
      'amy',
    ]);
    expect(reversed.changeUser).toBe('amy');
    expect(translate('SELECT MEASURE(count) FROM orders').changeUser).toBeUndefined();
  });

  test.each([
    "SELECT MEASURE(count) FROM orders WHERE __user <> 'bob'",
    "SELECT MEASURE(count) FROM orders WHERE __user = 'bob' OR status = 'paid'",
    "SELECT MEASURE(count) FROM orders WHERE __user IN ('bob')",
    "SELECT MEASURE(count) FROM orders WHERE __user = 'bob' AND __user = 'amy'",
    'SELECT MEASURE(count) FROM orders WHERE __user = NULL',
    'SELECT __user, MEASURE(count) FROM orders GROUP BY 1',
  ])('%s: __user used otherwise is refused with 0A000', (sql) => {
    expect(refusal(sql)).toBe('0A000');
  });

  test('HAVING becomes a measure filter', () => {
    const { query } = translate(
      'SELECT status, MEASURE(count) FROM orders GROUP BY 1 HAVING MEASURE(count) >= 3',
    );
    expect(query.filters).toEqual([{ member: 'orders.count', operator: 'gte', values: ['3'] }]);
  });

  test.each([
    ['SELECT * FROM orders', '0A000'],
    ['SELECT status FROM orders', '42803'],
    ['SELECT status, MEASURE(count) FROM orders', '42803'],
    ['SELECT AVG(revenue) FROM orders', '42803'],
    ['SELECT MEASURE(status) FROM orders', '0A000'],
    ["SELECT MEASURE(count) FROM orders WHERE status LIKE 'a%'", '0A000'],
    ["SELECT MEASURE(count) FROM orders WHERE status ILIKE 'a%b%'", '0A000'],
    ["SELECT MEASURE(count) FROM orders WHERE status > 'a'", '0A000'],
    ['SELECT MEASURE(count) FROM orders WHERE status = NULL', '0A000'],
    ["SELECT MEASURE(count) FROM orders WHERE created_at > 'yesterday'", '22007'],
    ['SELECT MEASURE(count) FROM orders WHERE paid OR amount > 1', '0A000'],
    ['SELECT nope FROM orders GROUP BY 1', '42703'],
    ['SELECT MEASURE(count) FROM orders ORDER BY status', '0A000'],
  ])('%s is refused with %s', (sql, code) => {
    expect(refusal(sql)).toBe(code);
  });
});

describe('composition', () => {
  const filtersOf = (sql: string) => {
    const [statement] = parseStatements(sql);
    if (!statement) throw new Error('no statement');
    const { scans, sql: outer } = compose(statement.node, views, [], 'UTC', 0, statement.source);
    return { query: scans[0]?.query, outer };
  };

  test.each([
    ['<', 'beforeDate', '2021-01-01'],
    ['>=', 'afterOrOnDate', '2021-01-01'],
    ['<=', 'beforeDate', '2021-01-02'],
    ['>', 'afterOrOnDate', '2021-01-02'],
  ])("date_trunc('day', t) %s a day's start goes to Cube as %s %s on t", (op, operator, day) => {
    const { query, outer } = filtersOf(
      `SELECT LOWER(status), MEASURE(count) FROM orders WHERE date_trunc('day', created_at) ${op} '2021-01-01T00:00:00.000' GROUP BY 1`,
    );
    expect(query?.filters).toEqual([
      { member: 'orders.created_at', operator, values: [`${day}T00:00:00.000`] },
    ]);
    expect(outer).not.toMatch(/WHERE/i);
  });

  test("date_trunc('month', t) < a day inside a month stays for Postgres (not a bucket start)", () => {
    const { outer } = filtersOf(
      "SELECT LOWER(status), MEASURE(count) FROM orders WHERE date_trunc('month', created_at) < '2021-01-15' GROUP BY 1",
    );
    expect(outer).toMatch(/date_trunc/i);
  });
});

describe('composition on mixed-case names', () => {
  const events: ViewTable = {
    name: 'Events',
    columns: [
      {
        name: 'rowId',
        member: 'Events.rowId',
        kind: 'dimension',
        pgType: 'int8',
        cubeType: 'number',
      },
      {
        name: 'eventType',
        member: 'Events.eventType',
        kind: 'dimension',
        pgType: 'text',
        cubeType: 'string',
      },
      { name: 'count', member: 'Events.count', kind: 'measure', pgType: 'int8', cubeType: 'count' },
      {
        name: 'countPrior',
        member: 'Events.countPrior',
        kind: 'measure',
        pgType: 'int8',
        cubeType: 'number',
        multiStage: true,
      },
    ],
  };
  const composed = (sql: string) => {
    const [statement] = parseStatements(sql);
    if (!statement) throw new Error('no statement');
    return compose(statement.node, new Map([['Events', events]]), [], 'UTC', 0, statement.source);
  };

  test.each([
    ['SELECT * of a Cube table', 'select rowid from (select * from "Events") a'],
    ['a qualified name', 'select a.ROWID from (select * from "Events") a'],
    ['a nested block', 'select rowid from (select rowid from "Events") a'],
    ['a CTE', 'with e as (select * from "Events") select rowid from e'],
    ['text before it that is not ASCII', `select 'é€', rowid from (select * from "Events") a`],
  ])('an unquoted name finds the one Cube column it names case-insensitively: %s', (_, sql) => {
    expect(composed(sql).sql).toMatch(/(^|\n)SELECT\s[^(]*"rowId"/);
  });

  test.each([
    ['quoted', 'select "rowid" from (select * from "Events") a'],
    ['two candidates', 'select rowid from (select "rowId", "rowId" as "RowId" from "Events") a'],
    ['an exact match', 'select rowid from (select "rowId" as rowid, * from "Events") a'],
    ['a relation of unknown columns', 'select rowid from (select * from "Events") a, pg_class'],
  ])('a name stays as written when %s', (_, sql) => {
    expect(composed(sql).sql).not.toMatch(/(^|\n)SELECT\s[^(]*"rowId"/);
  });

  test('a multi_stage measure with another: one Cube query each, full-joined on the dimensions', () => {
    const { scans, sql } = composed(
      'select eventType, measure(count), measure(countPrior) from "Events" group by 1',
    );
    expect(scans.map((s) => s.query.measures)).toEqual([['Events.count'], ['Events.countPrior']]);
    expect(scans.map((s) => s.query.dimensions)).toEqual([
      ['Events.eventType'],
      ['Events.eventType'],
    ]);
    expect(scans.map((s) => s.columns.map((c) => c.name))).toEqual([
      ['eventType', 'count'],
      ['eventType', 'countPrior'],
    ]);
    expect(sql).toMatch(/FULL JOIN/);
  });
});

describe('who may switch users with __user', () => {
  const logins = { user: 'analyst', password: 'unused-here', superUser: 'cube_admin' };
  test('the super-user may run as anyone; others only as themselves', () => {
    expect(canSwitchSqlUser(logins, 'cube_admin', 'bob')).toBe(true);
    expect(canSwitchSqlUser(logins, 'analyst', 'analyst')).toBe(true);
    expect(canSwitchSqlUser(logins, 'analyst', 'bob')).toBe(false);
    expect(canSwitchSqlUser(logins, 'analyst', 'cube_admin')).toBe(false);
    expect(canSwitchSqlUser({ ...logins, superUser: undefined }, 'cube_admin', 'bob')).toBe(false);
  });

  test("Cube's checkSqlAuth: known logins, or the switched-to user's context when Cube asks without a password", async () => {
    const auth = sqlApiAuth(logins);
    expect((await auth(null, 'cube_admin', 'typed')).securityContext.sub).toBe('sql:cube_admin');
    await expect(auth(null, 'bob', 'typed')).rejects.toThrow(/Unknown SQL API user/);
    const switched = await auth(null, 'bob', null);
    expect(switched.securityContext).toMatchObject({ sub: 'sql:bob', role: 'admin' });
    expect(switched.password).toBe(logins.password);
  });
});
