/**
 * The SQL API cases of Cube's driver suite (`executePg` in
 * `packages/cubejs-testing-drivers/src/tests/testQueries.ts`), each with the statement it sends.
 * Their expected rows are stock Cube's answers on Postgres (`stock-snapshots.json`, extracted from
 * the suite's jest snapshot by `extract-stock-snapshots.ts`), keyed by the same test name.
 */
export interface DriverSqlCase {
  readonly name: string;
  readonly sql: string;
  /** Why the case is skipped everywhere (stock's non-Tesseract run skips it too). */
  readonly skip?: string;
}

export const DRIVER_SQL_CASES: readonly DriverSqlCase[] = [
  {
    name: 'SQL API: powerbi min max push down',
    sql: `select max("rows"."orderDate") as "a0", min("rows"."orderDate") as "a1"
            from (select "orderDate" from "public"."ECommerce" "$Table") "rows"`,
  },
  {
    name: 'SQL API: powerbi min max ungrouped flag',
    sql: `select count(distinct("rows"."totalSales")) + max(case when "rows"."totalSales" is null then 1 else 0 end) as "a0",
                 min("rows"."totalSales") as "a1", max("rows"."totalSales") as "a2"
            from (select "totalSales" from "public"."ECommerce" "$Table") "rows"`,
  },
  {
    name: 'SQL API: ungrouped pre-agg',
    sql: `select "productName", "totalSales" from "public"."BigECommerce" "$Table" order by 2 desc, 1 asc`,
  },
  {
    name: 'SQL API: post-aggregate percentage of total',
    sql: `select sum("BigECommerce"."percentageOfTotalForStatus") from "public"."BigECommerce" "BigECommerce"`,
  },
  {
    name: 'SQL API: reuse params',
    sql: `select date_trunc('year', "orderDate") as "c0", round(sum("ECommerce"."totalSales")) as "m0"
            from "ECommerce" as "ECommerce"
           where date_trunc('year', "orderDate") in (
                   CAST('2019-01-01 00:00:00.0' AS timestamp), CAST('2020-01-01 00:00:00.0' AS timestamp),
                   CAST('2021-01-01 00:00:00.0' AS timestamp), CAST('2022-01-01 00:00:00.0' AS timestamp),
                   CAST('2023-01-01 00:00:00.0' AS timestamp))
           group by date_trunc('year', "orderDate")`,
  },
  {
    name: 'SQL API: Simple Rollup',
    sql: `select rowId, orderId, orderDate, sum(count) from "ECommerce" as "ECommerce"
           group by ROLLUP(1, 2, 3) order by 1, 2, 3`,
  },
  {
    name: 'SQL API: Complex Rollup',
    sql: `select rowId, orderId, orderDate, city, sum(count) from "ECommerce" as "ECommerce"
           group by ROLLUP(1, 2), 3, ROLLUP(4) order by 1, 2, 3, 4`,
  },
  {
    name: 'SQL API: Rollup with aliases',
    sql: `select rowId as "row", orderId as "order", orderDate as "orderData", city as "city", sum(count)
            from "ECommerce" as "ECommerce"
           group by ROLLUP(rowId, 2), 3, ROLLUP(4) order by 1, 2, 3, 4`,
  },
  {
    name: 'SQL API: Rollup over exprs',
    sql: `select rowId + sales * 2 as "order", orderDate as "orderData", city as "city", sum(count)
            from "ECommerce" as "ECommerce"
           group by ROLLUP(1, 2, 3) order by 1, 2, 3`,
  },
  {
    name: 'SQL API: Nested Rollup',
    sql: `select rowId, orderId, orderDate, sum(cnt)
            from (select rowId, orderId, orderDate, sum(count) as cnt from "ECommerce" as "ECommerce" group by 1, 2, 3) a
           group by ROLLUP(1, 2, 3) order by 1, 2, 3`,
  },
  {
    name: 'SQL API: Nested Rollup with aliases',
    sql: `select rowId as "row", orderId as "order", orderDate as "date", sum(cnt)
            from (select rowId, orderId, orderDate, sum(count) as cnt from "ECommerce" as "ECommerce" group by 1, 2, 3) a
           group by ROLLUP(1, 2, 3) order by 1, 2, 3`,
  },
  {
    name: 'SQL API: Nested Rollup over asterisk',
    sql: `select rowId as "row", orderId as "order", orderDate as "date", sum(count)
            from (select * from "ECommerce" as "ECommerce") a
           group by ROLLUP(1, 2, 3) order by 1, 2, 3`,
  },
  {
    name: 'SQL API: Extended nested Rollup over asterisk',
    sql: `select * from (
            select * from (
              select rowId as "row", orderId as "order", sum(count)
                from (select * from "ECommerce" as "ECommerce") a
               group by ROLLUP(row, order)
               ORDER BY "rowId" ASC NULLS FIRST, "orderId" ASC NULLS FIRST OFFSET 0 ROWS FETCH FIRST 100 ROWS ONLY
            ) q1
          ) q2 ORDER BY q2.order, q2.row DESC limit 100`,
  },
  {
    name: 'SQL API: metabase count cast to float32 from push down',
    sql: `select cast(count(*) as float) as "a0" from "Customers"`,
  },
  {
    name: 'SQL API: NULLS FIRST/LAST SQL push down',
    sql: `SELECT CASE WHEN "category" > 'G' THEN "category" ELSE NULL END AS "category"
            FROM "Products" WHERE LOWER("category") != 'invalid'
           GROUP BY 1 ORDER BY 1 ASC NULLS FIRST LIMIT 100`,
  },
  {
    name: 'SQL API: Timeshift measure from cube',
    sql: `SELECT DATE_TRUNC('month', orderDate) AS "orderDate",
                 MEASURE(totalQuantity) AS "totalQuantity",
                 MEASURE(totalQuantityPriorMonth) AS "totalQuantityPriorMonth"
            FROM "ECommerce"
           WHERE orderDate >= CAST('2020-01-01' AS DATE) AND orderDate < CAST('2021-01-01' AS DATE)
           GROUP BY 1 ORDER BY 1 ASC NULLS FIRST`,
  },
  {
    name: 'Tesseract: SQL API: Timeshift measure from cube',
    sql: `SELECT DATE_TRUNC('month', orderDate) AS "orderDate",
                 MEASURE(totalQuantity) AS "totalQuantity",
                 MEASURE(totalQuantityPriorMonth) AS "totalQuantityPriorMonth"
            FROM "ECommerce"
           WHERE orderDate >= CAST('2020-01-01' AS DATE) AND orderDate < CAST('2021-01-01' AS DATE)
           GROUP BY 1 ORDER BY 1 ASC NULLS FIRST`,
    // Stock runs it only with CUBEJS_TESSERACT_SQL_PLANNER. This engine has no Tesseract, but it
    // answers a multi_stage measure with another as Tesseract does (each its own Cube query,
    // full-joined), so the case runs here against Tesseract's answer.
  },
  {
    name: 'SQL API: Rolling Window YTD (year + month + day + date_trunc equal)',
    sql: `SELECT DATE_TRUNC('year', orderDate) AS "orderDateY", DATE_TRUNC('month', orderDate) AS "orderDateM",
                 DATE_TRUNC('day', orderDate) AS "orderDateD", MEASURE(rollingCountYTD) AS "rollingCountYTD"
            FROM "BigECommerce"
           WHERE DATE_TRUNC('year', orderDate) = CAST('2020-01-01' AS DATE)
           GROUP BY 1, 2, 3 ORDER BY 3 ASC NULLS FIRST`,
  },
  {
    name: 'SQL API: Rolling Window YTD (year + month + day + date_trunc IN)',
    sql: `SELECT DATE_TRUNC('year', orderDate) AS "orderDateY", DATE_TRUNC('month', orderDate) AS "orderDateM",
                 DATE_TRUNC('day', orderDate) AS "orderDateD", MEASURE(rollingCountYTD) AS "rollingCountYTD"
            FROM "BigECommerce"
           WHERE DATE_TRUNC('year', orderDate) IN (CAST('2020-01-01' AS DATE))
           GROUP BY 1, 2, 3 ORDER BY 3 ASC NULLS FIRST`,
  },
  {
    name: 'SQL API: SQL push down push to cube quoted alias',
    sql: `SELECT (NOT ("t0"."$temp1_output" IS NULL)) AS "result"
            FROM "public"."ECommerce" "ECommerce"
            LEFT JOIN (
              SELECT CAST("ECommerce"."customerName" AS TEXT) AS "customerName", 1 AS "$temp1_output",
                     MEASURE("ECommerce"."totalQuantity") AS "$__alias__0"
                FROM "public"."ECommerce" "ECommerce"
               GROUP BY 1 ORDER BY 3 DESC NULLS LAST, 1 ASC NULLS FIRST LIMIT 3
            ) "t0" ON (CAST("ECommerce"."customerName" AS TEXT) IS NOT DISTINCT FROM "t0"."customerName")
           GROUP BY 1`,
  },
  {
    name: 'SQL API: Date/time comparison with SQL push down',
    sql: `SELECT MEASURE(BigECommerce.rollingCountBy2Day) FROM BigECommerce
           WHERE BigECommerce.orderDate < CAST('2021-01-01' AS TIMESTAMP) AND LOWER("city") = 'columbus'`,
  },
  {
    name: 'SQL API: Date/time comparison with date_trunc with SQL push down',
    sql: `SELECT MEASURE(BigECommerce.rollingCountBy2Week) FROM BigECommerce
           WHERE date_trunc('day', BigECommerce.orderDate) < CAST('2021-01-01' AS TIMESTAMP) AND LOWER("city") = 'columbus'`,
  },
];
