/**
 * Conformance of the engine with stock Cube 1.7.43 on Cube's own driver-test dataset and models
 * (tests/fixtures/driver-test-data, tests/engine/conformance/model): the kinds of REST queries the
 * driver suite runs, with every value checked against a hand-written SQL oracle and the response
 * shape against the rules of Cube's result transform (`query_result_transform.rs`) and gateway.
 *
 * Cell types: stock Cube passes the Postgres driver's values through (the Rust keeps JSON numbers
 * as numbers), so an int4 column is a JSON number, while bigint (counts, sums of ints), numeric
 * (sums, averages, decimal columns) and text are strings; times are `YYYY-MM-DDTHH:mm:ss.SSS`.
 * The oracles run through `pg` with its default parsers, which type values exactly that way.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { signCubeToken } from '../../cube/auth';
import { buildAllRollups } from '../../cube/rollups';
import { type RunningCube, startCube } from '../../cube/server';
import { embeddedPortFromEnv } from '../../db/embedded';
import { CubeClient } from '../../lib/cube-client';
import {
  CONFORMANCE_MODEL_DIR,
  DRIVER_TEST_SCHEMA,
  loadDriverTestDataset,
} from './conformance/dataset';
import { describeDriverSqlCases } from './conformance/sql-api-suite';

const db = inject('pg');
const pool = new pg.Pool({ ...db, max: 2 });
const apiSecret = randomBytes(24).toString('hex');
const token = () => signCubeToken(apiSecret, { sub: 'conformance', role: 'admin' });
let cube: RunningCube;
const sqlLogin = {
  port: embeddedPortFromEnv(process.env, 'TEST_CONFORMANCE_SQL_PORT', 15434),
  user: 'conformance',
  password: randomBytes(12).toString('hex'),
};

beforeAll(async () => {
  await loadDriverTestDataset(db);
  // Partitions not built up front are built by the API instance itself, like the product's tests.
  process.env.CUBEJS_PRE_AGGREGATIONS_BUILDER = 'true';
  cube = await startCube({
    db,
    apiSecret,
    port: embeddedPortFromEnv(process.env, 'TEST_CONFORMANCE_CUBE_PORT', 4011),
    refreshEverySeconds: false,
    modelDir: CONFORMANCE_MODEL_DIR,
    sqlApi: sqlLogin,
  });
  await buildAllRollups(cube.apiUrl, token);
});

afterAll(async () => {
  await cube?.stop();
  await pool.end();
});

type Body = Record<string, unknown>;
type Row = Record<string, unknown>;

/** `GET /load` of a query on the conformance model (its own cubes), whatever the status. */
async function load(query: unknown, params: Record<string, string> = {}) {
  const client = new CubeClient({ apiUrl: cube.apiUrl, token });
  const search = new URLSearchParams({ query: JSON.stringify(query), ...params });
  const { status, body } = await client.request(`load?${search}`);
  return { status, body: body as Body };
}

/** A successful `/load`: its rows. */
async function rows(query: unknown): Promise<Row[]> {
  const { status, body } = await load(query);
  expect(body.error, JSON.stringify(body.error)).toBeUndefined();
  expect(status).toBe(200);
  return body.data as Row[];
}

async function oracle(sql: string, params: unknown[] = []): Promise<Row[]> {
  return (await pool.query(sql, params)).rows;
}

const T = DRIVER_TEST_SCHEMA;
/** Cube's time format: local (UTC here) wall time with milliseconds and no zone. */
const CUBE_TIME = `'YYYY-MM-DD"T"HH24:MI:SS.MS'`;
const CUBE_TIME_PATTERN = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/;

describe('response shape (stock 1.7.43 rules)', () => {
  test('a raw query: top-level keys in order, each cell typed as Postgres and Cube type it', async () => {
    const { status, body } = await load({
      measures: [
        'ECommerce.count',
        'ECommerce.totalQuantity',
        'ECommerce.totalSales',
        'ECommerce.avgDiscount',
      ],
      dimensions: ['ECommerce.rowId', 'ECommerce.quantity', 'ECommerce.sales', 'ECommerce.city'],
      timeDimensions: [{ dimension: 'ECommerce.orderDate', granularity: 'day' }],
      order: { 'ECommerce.rowId': 'asc' },
      limit: 3,
    });
    expect(status).toBe(200);
    // RequestResultData field order; `usedPreAggregations` only when a rollup answered, and
    // `refreshKeyValues`/`transformedQuery`/`requestId` only in dev mode.
    expect(Object.keys(body)).toEqual([
      'query',
      'lastRefreshTime',
      'annotation',
      'dataSource',
      'dbType',
      'external',
      'slowQuery',
      'data',
    ]);
    expect(body).toMatchObject({
      dataSource: 'default',
      dbType: 'postgres',
      external: false,
      slowQuery: false,
    });
    expect(Date.parse(String(body.lastRefreshTime))).not.toBeNaN();
    // The normalized query: defaults filled in (limit → rowLimit, timezone, empty filters).
    expect(body.query).toMatchObject({ limit: 3, rowLimit: 3, timezone: 'UTC', filters: [] });

    const expected = await oracle(
      `select row_id as "ECommerce.rowId", quantity as "ECommerce.quantity", sales as "ECommerce.sales",
              city as "ECommerce.city", to_char(order_date::timestamp, ${CUBE_TIME}) as "ECommerce.orderDate.day",
              count(*) as "ECommerce.count", sum(quantity) as "ECommerce.totalQuantity",
              sum(sales) as "ECommerce.totalSales", avg(discount) as "ECommerce.avgDiscount",
              to_char(order_date::timestamp, ${CUBE_TIME}) as "ECommerce.orderDate"
         from ${T}.ecommerce group by row_id, quantity, sales, city, order_date order by row_id limit 3`,
    );
    const data = body.data as Row[];
    // Key order too: dimensions, time dimensions, measures, then the bare time dimension.
    expect(data.map((row) => Object.entries(row))).toEqual(
      expected.map((row) => Object.entries(row)),
    );
    const [first] = data;
    expect(typeof first?.['ECommerce.rowId']).toBe('number'); // int4
    expect(typeof first?.['ECommerce.quantity']).toBe('number'); // int4
    expect(first?.['ECommerce.sales']).toMatch(/^\d+\.\d{5}$/); // numeric keeps its scale
    expect(typeof first?.['ECommerce.count']).toBe('string'); // bigint
    expect(typeof first?.['ECommerce.totalQuantity']).toBe('string'); // sum(int4) is bigint
    expect(first?.['ECommerce.orderDate.day']).toMatch(CUBE_TIME_PATTERN);
  });

  test('annotation: sections, member fields, meta, and the granularity of a custom one', async () => {
    const { body } = await load({
      measures: ['ECommerce.count'],
      dimensions: ['ECommerce.city'],
      timeDimensions: [{ dimension: 'ECommerce.orderDate', granularity: 'half_year_by_1st_april' }],
    });
    const annotation = body.annotation as Record<string, Record<string, unknown>>;
    expect(Object.keys(annotation)).toEqual([
      'measures',
      'dimensions',
      'segments',
      'timeDimensions',
    ]);
    expect(annotation.measures?.['ECommerce.count']).toEqual({
      title: 'E Commerce Count',
      shortTitle: 'Count',
      type: 'number',
      meta: { foo: 'bar' },
      drillMembers: [],
      drillMembersGrouped: { measures: [], dimensions: [] },
    });
    expect(annotation.dimensions?.['ECommerce.city']).toEqual({
      title: 'E Commerce City',
      shortTitle: 'City',
      type: 'string',
    });
    expect(annotation.segments).toEqual({});
    expect(annotation.timeDimensions).toEqual({
      'ECommerce.orderDate.half_year_by_1st_april': {
        title: 'E Commerce Order Date',
        shortTitle: 'Order Date',
        type: 'time',
        granularity: {
          name: 'half_year_by_1st_april',
          // Cube's own titleizing of the name.
          title: 'Half Year By1 St April',
          interval: '6 months',
          offset: '3 months',
        },
      },
      'ECommerce.orderDate': {
        title: 'E Commerce Order Date',
        shortTitle: 'Order Date',
        type: 'time',
      },
    });
  });

  test('total: the row count without limit, only when asked for', async () => {
    const query = {
      measures: ['ECommerce.count'],
      dimensions: ['ECommerce.city'],
      order: { 'ECommerce.city': 'asc' },
      limit: 2,
    };
    const [{ n }] = (await oracle(`select count(distinct city)::int as n from ${T}.ecommerce`)) as [
      { n: number },
    ];
    const withTotal = await load({ ...query, total: true });
    expect(withTotal.body.total).toBe(n);
    expect((withTotal.body.data as Row[]).length).toBe(2);
    expect(Object.keys(withTotal.body).slice(-2)).toEqual(['total', 'data']);
    expect((await load(query)).body).not.toHaveProperty('total');
  });

  test('compact response format: members and a dataset of arrays', async () => {
    const { body } = await load({
      measures: ['ECommerce.count'],
      timeDimensions: [{ dimension: 'ECommerce.orderDate', granularity: 'quarter' }],
      order: { 'ECommerce.orderDate': 'asc' },
      responseFormat: 'compact',
    });
    const expected = await oracle(
      `select to_char(date_trunc('quarter', order_date::timestamp), ${CUBE_TIME}) as q, count(*) as n
         from ${T}.ecommerce group by 1 order by 1`,
    );
    expect(body.data).toEqual({
      members: ['ECommerce.orderDate.quarter', 'ECommerce.count', 'ECommerce.orderDate'],
      dataset: expected.map((r) => [r.q, r.n, r.q]),
    });
  });

  test('an empty answer has data [] and still its annotation', async () => {
    const { body } = await load({
      measures: ['ECommerce.count'],
      dimensions: ['ECommerce.city'],
      filters: [{ member: 'ECommerce.city', operator: 'equals', values: ['Atlantis'] }],
    });
    expect(body.data).toEqual([]);
    expect(Object.keys((body.annotation as Body).measures as Body)).toEqual(['ECommerce.count']);
  });

  test('compareDateRange (multi): one result per range, the range on every row, pivotQuery', async () => {
    const ranges = [
      ['2020-01-01', '2020-03-31'],
      ['2020-04-01', '2020-06-30'],
    ];
    const { status, body } = await load(
      {
        measures: ['ECommerce.count'],
        timeDimensions: [
          { dimension: 'ECommerce.orderDate', granularity: 'month', compareDateRange: ranges },
        ],
        order: { 'ECommerce.orderDate': 'asc' },
      },
      { queryType: 'multi' },
    );
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['queryType', 'results', 'pivotQuery', 'slowQuery']);
    expect(body.queryType).toBe('compareDateRangeQuery');
    expect(body.pivotQuery).toMatchObject({
      dimensions: ['compareDateRange'],
      queryType: 'compareDateRangeQuery',
    });
    const results = body.results as Body[];
    expect(results).toHaveLength(2);
    for (const [index, [from, to]] of ranges.entries()) {
      const label = `${from}T00:00:00.000 - ${to}T23:59:59.999`;
      const expected = await oracle(
        `select to_char(date_trunc('month', order_date::timestamp), ${CUBE_TIME}) as "ECommerce.orderDate.month",
                count(*) as "ECommerce.count",
                to_char(date_trunc('month', order_date::timestamp), ${CUBE_TIME}) as "ECommerce.orderDate",
                $3::text as "compareDateRange"
           from ${T}.ecommerce where order_date between $1 and $2 group by 1 order by 1`,
        [from, to, label],
      );
      const data = results[index]?.data as Row[];
      expect(data.map((row) => Object.entries(row))).toEqual(
        expected.map((row) => Object.entries(row)),
      );
    }
  });

  test('hidden members are refused with Cube’s message (a public: false cube, a public: false measure)', async () => {
    for (const member of ['HiddenECommerce.count', 'ECommerce.hiddenSum']) {
      const { status, body } = await load({ measures: [member] });
      // Refused before any SQL by the query guard (cube/hardening), in Cube's own words.
      expect(status).toBe(400);
      expect(String(body.error)).toContain(`You requested hidden member: '${member}'`);
    }
  });
});

describe('values against SQL oracles', () => {
  test('dimensions with order, limit and offset', async () => {
    const data = await rows({
      measures: ['ECommerce.count', 'ECommerce.totalProfit'],
      dimensions: ['ECommerce.city'],
      order: [
        ['ECommerce.count', 'desc'],
        ['ECommerce.city', 'asc'],
      ],
      limit: 5,
      offset: 2,
    });
    expect(data).toEqual(
      await oracle(
        `select city as "ECommerce.city", count(*) as "ECommerce.count", sum(profit) as "ECommerce.totalProfit"
           from ${T}.ecommerce group by city order by 2 desc, 1 asc limit 5 offset 2`,
      ),
    );
  });

  test('a dimension of a joined cube', async () => {
    const data = await rows({
      measures: ['ECommerce.count'],
      dimensions: ['ECommerce.customerName'],
      order: { 'ECommerce.customerName': 'asc' },
    });
    expect(data).toEqual(
      await oracle(
        `select c.customer_name as "ECommerce.customerName", count(*) as "ECommerce.count"
           from ${T}.ecommerce e left join ${T}.customers c on e.customer_id = c.customer_id
          group by 1 order by 1 asc`,
      ),
    );
  });

  const filterCases: [string, unknown, string][] = [
    [
      'equals',
      { member: 'ECommerce.city', operator: 'equals', values: ['Columbus', 'Detroit'] },
      `city in ('Columbus', 'Detroit')`,
    ],
    [
      'notEquals',
      { member: 'ECommerce.city', operator: 'notEquals', values: ['Columbus'] },
      `city <> 'Columbus'`,
    ],
    [
      'contains',
      { member: 'ECommerce.city', operator: 'contains', values: ['york', 'LAND'] },
      `city ilike '%york%' or city ilike '%land%'`,
    ],
    [
      'notContains',
      { member: 'ECommerce.city', operator: 'notContains', values: ['o'] },
      `city not ilike '%o%'`,
    ],
    [
      'startsWith',
      { member: 'ECommerce.city', operator: 'startsWith', values: ['new'] },
      `city ilike 'new%'`,
    ],
    [
      'notStartsWith',
      { member: 'ECommerce.city', operator: 'notStartsWith', values: ['C'] },
      `city not ilike 'c%'`,
    ],
    [
      'endsWith',
      { member: 'ECommerce.city', operator: 'endsWith', values: ['ton'] },
      `city ilike '%ton'`,
    ],
    [
      'notEndsWith',
      { member: 'ECommerce.city', operator: 'notEndsWith', values: ['s'] },
      `city not ilike '%s'`,
    ],
    ['gt', { member: 'ECommerce.quantity', operator: 'gt', values: ['3'] }, 'quantity > 3'],
    ['gte', { member: 'ECommerce.quantity', operator: 'gte', values: ['3'] }, 'quantity >= 3'],
    ['lt', { member: 'ECommerce.sales', operator: 'lt', values: ['20.5'] }, 'sales < 20.5'],
    ['lte', { member: 'ECommerce.sales', operator: 'lte', values: ['14.03'] }, 'sales <= 14.03'],
    ['set', { member: 'ECommerce.city', operator: 'set' }, 'city is not null'],
    ['notSet', { member: 'ECommerce.city', operator: 'notSet' }, 'city is null'],
    [
      'inDateRange',
      {
        member: 'ECommerce.orderDate',
        operator: 'inDateRange',
        values: ['2020-03-01', '2020-05-31'],
      },
      `order_date between '2020-03-01' and '2020-05-31'`,
    ],
    [
      'notInDateRange',
      {
        member: 'ECommerce.orderDate',
        operator: 'notInDateRange',
        values: ['2020-03-01', '2020-05-31'],
      },
      `order_date not between '2020-03-01' and '2020-05-31'`,
    ],
    [
      'beforeDate',
      { member: 'ECommerce.orderDate', operator: 'beforeDate', values: ['2020-06-17'] },
      `order_date < '2020-06-17'`,
    ],
    [
      'beforeOrOnDate',
      { member: 'ECommerce.orderDate', operator: 'beforeOrOnDate', values: ['2020-06-17'] },
      `order_date <= '2020-06-17'`,
    ],
    [
      'afterDate',
      { member: 'ECommerce.orderDate', operator: 'afterDate', values: ['2020-06-17'] },
      `order_date > '2020-06-17'`,
    ],
    [
      'afterOrOnDate',
      { member: 'ECommerce.orderDate', operator: 'afterOrOnDate', values: ['2020-06-17'] },
      `order_date >= '2020-06-17'`,
    ],
    [
      'or / and',
      {
        or: [
          { member: 'ECommerce.city', operator: 'equals', values: ['Columbus'] },
          {
            and: [
              { member: 'ECommerce.category', operator: 'equals', values: ['Furniture'] },
              { member: 'ECommerce.quantity', operator: 'gte', values: ['3'] },
            ],
          },
        ],
      },
      `city = 'Columbus' or (category = 'Furniture' and quantity >= 3)`,
    ],
  ];

  test.each(filterCases)('filter %s', async (_name, filter, where) => {
    const data = await rows({
      measures: ['ECommerce.count', 'ECommerce.totalSales'],
      dimensions: ['ECommerce.category'],
      filters: [filter],
      order: { 'ECommerce.category': 'asc' },
    });
    const expected = await oracle(
      `select category as "ECommerce.category", count(*) as "ECommerce.count", sum(sales) as "ECommerce.totalSales"
         from ${T}.ecommerce where ${where} group by 1 order by 1`,
    );
    expect(data).toEqual(expected);
  });

  test('a measure filter (HAVING)', async () => {
    const data = await rows({
      measures: ['ECommerce.count'],
      dimensions: ['ECommerce.city'],
      filters: [{ member: 'ECommerce.count', operator: 'gt', values: ['1'] }],
      order: { 'ECommerce.city': 'asc' },
    });
    expect(data).toEqual(
      await oracle(
        `select city as "ECommerce.city", count(*) as "ECommerce.count" from ${T}.ecommerce
          group by 1 having count(*) > 1 order by 1`,
      ),
    );
  });

  test.each(['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'])(
    'granularity %s',
    async (granularity) => {
      const data = await rows({
        measures: ['ECommerce.count', 'ECommerce.totalProfit'],
        timeDimensions: [
          {
            dimension: 'ECommerce.orderDate',
            granularity,
            dateRange: ['2020-02-01', '2020-11-30'],
          },
        ],
        order: { 'ECommerce.orderDate': 'asc' },
      });
      const expected = await oracle(
        `select to_char(date_trunc($1, order_date::timestamp), ${CUBE_TIME}) as "ECommerce.orderDate.${granularity}",
                count(*) as "ECommerce.count", sum(profit) as "ECommerce.totalProfit",
                to_char(date_trunc($1, order_date::timestamp), ${CUBE_TIME}) as "ECommerce.orderDate"
           from ${T}.ecommerce where order_date between '2020-02-01' and '2020-11-30' group by 1 order by 1`,
        [granularity],
      );
      expect(data).toEqual(expected);
    },
  );

  /**
   * Custom granularities: buckets are [origin + k·interval, origin + (k+1)·interval), listed here
   * by stepping the interval from an origin of the same alignment (all origins are on days ≤ 28,
   * where stepping and multiplying agree), and rows are counted in the half-open buckets.
   */
  const customCases: [string, string, string, boolean][] = [
    // name, origin, interval, answered from the monthly partitioned rollup
    ['half_year', '2000-01-01', '6 months', true],
    ['half_year_by_1st_april', '2000-04-01', '6 months', true],
    ['three_months_by_march', '2020-03-15', '3 months', false],
    ['two_mo_by_feb', '2020-02-01 10:00:00', '2 months', false],
    ['two_weeks_by_friday', '2020-01-03', '2 weeks', false],
  ];

  test.each(customCases)(
    'custom granularity %s (origin %s, every %s) buckets exactly',
    async (granularity, origin, interval, fromRollup) => {
      const { status, body } = await load({
        measures: ['ECommerce.totalQuantity', 'ECommerce.count'],
        timeDimensions: [
          {
            dimension: 'ECommerce.orderDate',
            granularity,
            dateRange: ['2020-01-01', '2020-12-31'],
          },
        ],
        order: { 'ECommerce.orderDate': 'asc' },
      });
      expect(status).toBe(200);
      const expected = await oracle(
        `with buckets as (
           select b as start, b + $2::interval as stop
             from generate_series($1::timestamp - 500 * $2::interval, $1::timestamp + 500 * $2::interval, $2::interval) b)
         select to_char(start, ${CUBE_TIME}) as "ECommerce.orderDate.${granularity}",
                sum(quantity) as "ECommerce.totalQuantity", count(*) as "ECommerce.count",
                to_char(start, ${CUBE_TIME}) as "ECommerce.orderDate"
           from ${T}.ecommerce join buckets on order_date >= start and order_date < stop
          where order_date between '2020-01-01' and '2020-12-31'
          group by start order by start`,
        [origin, interval],
      );
      expect(body.data).toEqual(expected);
      const used = Object.keys((body.usedPreAggregations as Body | undefined) ?? {});
      expect(used).toEqual(fromRollup ? ['analytics_pre_aggregations.e_commerce_by_month'] : []);
    },
  );

  test('defect: half_year over the monthly rollup gives whole half-years (Cube’s SQL stepped 180 days)', async () => {
    const data = await rows({
      measures: ['ECommerce.totalQuantity'],
      timeDimensions: [
        {
          dimension: 'ECommerce.orderDate',
          granularity: 'half_year',
          dateRange: ['2020-01-01', '2020-12-31'],
        },
      ],
      order: { 'ECommerce.orderDate': 'asc' },
    });
    expect(data.map((row) => row['ECommerce.orderDate.half_year'])).toEqual([
      '2020-01-01T00:00:00.000',
      '2020-07-01T00:00:00.000',
    ]);
  });

  test('a custom granularity mixing months and days is refused with a 400 naming it', async () => {
    const { status, body } = await load({
      measures: ['ECommerce.count'],
      timeDimensions: [{ dimension: 'ECommerce.orderDate', granularity: 'month_and_a_half' }],
    });
    expect(status).toBe(400);
    expect(String(body.error)).toMatch(/interval '1 month 15 days' mixes months with days/);
  });

  test('rolling windows: trailing 2 months and unbounded, nulls where the window is empty', async () => {
    const data = await rows({
      measures: ['ECommerce.rollingQuantityTwoMonths', 'ECommerce.runningCount'],
      timeDimensions: [
        {
          dimension: 'ECommerce.orderDate',
          granularity: 'month',
          dateRange: ['2020-01-01', '2020-12-31'],
        },
      ],
      order: { 'ECommerce.orderDate': 'asc' },
    });
    const expected = await oracle(
      `select to_char(m, ${CUBE_TIME}) as "ECommerce.orderDate.month",
              (select sum(quantity) from ${T}.ecommerce
                where order_date >= m - interval '1 month' and order_date < m + interval '1 month')
                as "ECommerce.rollingQuantityTwoMonths",
              (select count(*) from ${T}.ecommerce where order_date < m + interval '1 month')
                as "ECommerce.runningCount",
              to_char(m, ${CUBE_TIME}) as "ECommerce.orderDate"
         from generate_series('2020-01-01'::timestamp, '2020-12-01', '1 month') m order by m`,
    );
    expect(data).toEqual(expected);
    expect(data.some((row) => row['ECommerce.rollingQuantityTwoMonths'] === null)).toBe(true);
  });

  test('rollups: the unpartitioned and the monthly partitioned one answer, equal to the source', async () => {
    const byProduct = await load({
      measures: ['ECommerce.totalQuantity', 'ECommerce.totalSales'],
      dimensions: ['ECommerce.productName'],
      order: { 'ECommerce.productName': 'asc' },
    });
    expect(Object.keys(byProduct.body.usedPreAggregations as Body)).toEqual([
      'analytics_pre_aggregations.e_commerce_product_analysis',
    ]);
    expect(byProduct.body.data).toEqual(
      await oracle(
        `select product_name as "ECommerce.productName", sum(quantity) as "ECommerce.totalQuantity",
                sum(sales) as "ECommerce.totalSales" from ${T}.ecommerce group by 1 order by 1`,
      ),
    );

    const byMonth = await load({
      measures: ['ECommerce.totalProfit', 'ECommerce.count'],
      dimensions: ['ECommerce.productName'],
      timeDimensions: [
        {
          dimension: 'ECommerce.orderDate',
          granularity: 'month',
          dateRange: ['2020-03-01', '2020-08-31'],
        },
      ],
      order: [
        ['ECommerce.orderDate', 'asc'],
        ['ECommerce.productName', 'asc'],
      ],
    });
    expect(Object.keys(byMonth.body.usedPreAggregations as Body)).toEqual([
      'analytics_pre_aggregations.e_commerce_by_month',
    ]);
    expect(byMonth.body.data).toEqual(
      await oracle(
        `select product_name as "ECommerce.productName",
                to_char(date_trunc('month', order_date::timestamp), ${CUBE_TIME}) as "ECommerce.orderDate.month",
                sum(profit) as "ECommerce.totalProfit", count(*) as "ECommerce.count",
                to_char(date_trunc('month', order_date::timestamp), ${CUBE_TIME}) as "ECommerce.orderDate"
           from ${T}.ecommerce where order_date between '2020-03-01' and '2020-08-31'
          group by 1, 2 order by 2, 1`,
      ),
    );
  });

  test('defect: a multi_stage year-ago measure on a query the partitioned rollup matches answers from the source', async () => {
    // The JS planner read the rollup without its partition suffix ("relation … does not exist").
    const { status, body } = await load({
      measures: ['ECommerce.totalQuantityYearAgo'],
      dimensions: ['ECommerce.productName'],
      timeDimensions: [
        {
          dimension: 'ECommerce.orderDate',
          granularity: 'month',
          dateRange: ['2021-01-01', '2021-06-30'],
        },
      ],
      order: [
        ['ECommerce.orderDate', 'asc'],
        ['ECommerce.productName', 'asc'],
      ],
    });
    expect(body.error, String(body.error)).toBeUndefined();
    expect(status).toBe(200);
    expect(body).not.toHaveProperty('usedPreAggregations');
    const expected = await oracle(
      `select product_name as "ECommerce.productName",
              to_char(date_trunc('month', order_date + interval '1 year'), ${CUBE_TIME}) as "ECommerce.orderDate.month",
              sum(quantity) as "ECommerce.totalQuantityYearAgo",
              to_char(date_trunc('month', order_date + interval '1 year'), ${CUBE_TIME}) as "ECommerce.orderDate"
         from ${T}.ecommerce where order_date + interval '1 year' between '2021-01-01' and '2021-06-30 23:59:59.999'
        group by 1, 2 order by 2, 1`,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(body.data).toEqual(expected);
  });

  test('a multi_stage measure queried with a plain one is refused with a 400 naming both', async () => {
    const { status, body } = await load({
      measures: ['ECommerce.totalQuantityYearAgo', 'ECommerce.totalQuantity'],
      timeDimensions: [
        {
          dimension: 'ECommerce.orderDate',
          granularity: 'month',
          dateRange: ['2020-01-01', '2021-12-31'],
        },
      ],
    });
    expect(status).toBe(400);
    expect(String(body.error)).toContain(
      'multi_stage measures (ECommerce.totalQuantityYearAgo) queried together with other measures (ECommerce.totalQuantity)',
    );
  });
});

describe('SQL API on the mixed-case model', () => {
  /** One statement through the conformance Cube's SQL API: its rows and column names. */
  async function sqlApi(sql: string): Promise<{ rows: Row[]; names: string[] }> {
    const client = new pg.Client({
      host: '127.0.0.1',
      port: sqlLogin.port,
      user: sqlLogin.user,
      password: sqlLogin.password,
      database: 'cube',
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const result = await client.query(sql);
      return { rows: result.rows, names: result.fields.map((f) => f.name) };
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const numbers = (rows: Row[]) =>
    rows.map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [
          k,
          typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v,
        ]),
      ),
    );

  test('unquoted names find mixed-case Cube columns through SELECT * and nested blocks, as Cube resolves them', async () => {
    const star = await sqlApi(
      `select rowid, a.orderid, sum(quantity) as q from (select * from "ECommerce") a
        where city = 'Columbus' group by rowId, ORDERID order by 1 limit 5`,
    );
    expect(star.names).toEqual(['rowId', 'orderId', 'q']);
    const starOracle = await oracle(
      `select row_id as "rowId", order_id as "orderId", sum(quantity)::int as q from ${T}.ecommerce
        where city = 'Columbus' group by 1, 2 order by 1 limit 5`,
    );
    expect(starOracle.length).toBe(5);
    expect(numbers(star.rows)).toEqual(starOracle);

    // A nested block names a Cube column as the model does (as the outermost one does), and the
    // unquoted name outside finds it.
    const nested = await sqlApi(
      `select customerId, sum(cnt) as n from (
         select customerid, sum(count) as cnt from "ECommerce" group by 1) c
        group by 1 order by 2 desc, 1 limit 3`,
    );
    expect(nested.names).toEqual(['customerId', 'n']);
    const byCustomer = await oracle(
      `select customer_id as "customerId", count(*)::int as n from ${T}.ecommerce
        group by 1 order by 2 desc, 1 limit 3`,
    );
    expect(numbers(nested.rows)).toEqual(byCustomer);
    // So a tool that wraps a query it described quotes the names it was shown.
    const wrapped = await sqlApi(
      `select "customerId", n from (select customerid, measure(count) as n from "ECommerce" group by 1) c
        order by 2 desc, 1 limit 3`,
    );
    expect(numbers(wrapped.rows)).toEqual(byCustomer);
    // An alias folded to lower case is a column of its own, found exactly.
    const aliased = await sqlApi(
      `select orderDate, sum(cnt) as n from (
         select date_trunc('month', orderDate) as orderDate, measure(count) as cnt
           from "ECommerce" group by 1) m
        group by orderdate order by 1`,
    );
    expect(aliased.names).toEqual(['orderdate', 'n']);
    expect(numbers(aliased.rows)).toEqual(
      await oracle(
        `select date_trunc('month', order_date) as orderdate, count(*)::int as n
           from ${T}.ecommerce group by 1 order by 1`,
      ),
    );
  });

  test('a quoted name stays exact, as in Postgres and Cube: "rowid" is no column of SELECT *', async () => {
    await expect(sqlApi(`select "rowid" from (select * from "ECommerce") a`)).rejects.toMatchObject(
      { code: '42703' },
    );
    // A column named rowid exactly is that column, not "rowId".
    const { rows } = await sqlApi(
      `select rowid from (select "rowId" * 10 as rowid, * from "ECommerce") a order by 1 limit 1`,
    );
    expect(numbers(rows)).toEqual(
      await oracle(`select min(row_id) * 10 as rowid from ${T}.ecommerce`),
    );
  });

  test('a multi_stage measure with another: one Cube query each, full-joined (no month dropped)', async () => {
    const { rows, names } = await sqlApi(
      `SELECT DATE_TRUNC('month', orderDate) AS "orderDate", MEASURE(totalQuantity) AS "totalQuantity",
              MEASURE(totalQuantityPriorMonth) AS "totalQuantityPriorMonth"
         FROM "ECommerce"
        WHERE orderDate >= CAST('2020-01-01' AS DATE) AND orderDate < CAST('2021-01-01' AS DATE)
        GROUP BY 1 ORDER BY 1`,
    );
    expect(names).toEqual(['orderDate', 'totalQuantity', 'totalQuantityPriorMonth']);
    const expected = await oracle(
      `with months as (
         select date_trunc('month', order_date) as m, sum(quantity)::int as q from ${T}.ecommerce group by 1)
       select coalesce(cur.m, prev.m + interval '1 month') as "orderDate",
              cur.q as "totalQuantity", prev.q as "totalQuantityPriorMonth"
         from (select * from months where m >= '2020-01-01' and m < '2021-01-01') cur
         full join (select * from months
                     where m + interval '1 month' >= '2020-01-01' and m + interval '1 month' < '2021-01-01') prev
           on prev.m + interval '1 month' = cur.m
        order by 1`,
    );
    // Months with only one of the two: what an inner join would have dropped.
    expect(expected.some((r) => r.totalQuantity === null)).toBe(true);
    expect(expected.some((r) => r.totalQuantityPriorMonth === null)).toBe(true);
    expect(numbers(rows)).toEqual(expected);
  });
});

describeDriverSqlCases(() => ({
  host: '127.0.0.1',
  port: sqlLogin.port,
  user: sqlLogin.user,
  password: sqlLogin.password,
  database: 'cube',
}));
