/**
 * SQL that BI tools and SQL clients send, replayed against this project's views through the SQL
 * API. Each statement is written the way the tool generates it (quoting, aliases, casts, macro
 * expansions), from the tool's query builder or driver as named in `source`, with this project's
 * view and column names; each comes with a hand-written oracle on the source tables that gives
 * the rows stock Cube's SQL API answers.
 *
 * Measures in the oracles follow model/cubes/*.yml: `exports` counts export rows, `completed_*`
 * and `failed_*` count rows with that status, `calls` counts LLM calls, `total_tokens` adds input
 * and output tokens, `revenue` is purchases' price_cents / 100. A statement without GROUP BY and
 * without aggregates is a Cube "ungrouped" query: one row per source row, and a count measure's
 * value on a row is 1.
 */

/** Dates the statements are written for: the last full month and week before the seed's "now". */
export interface ReplayContext {
  /** First day of the last full month (`YYYY-MM-DD`). */
  readonly monthStart: string;
  /** First day of the month after it (exclusive end). */
  readonly monthEnd: string;
  /** Monday of the last full week, and the Monday after it. */
  readonly weekStart: string;
  readonly weekEnd: string;
}

export function replayContext(seededNow: string): ReplayContext {
  const now = new Date(seededNow);
  const month = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const previous = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const thisMonday = today - ((now.getUTCDay() + 6) % 7) * 86_400_000;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return {
    monthStart: day(previous),
    monthEnd: day(month),
    weekStart: day(thisMonday - 7 * 86_400_000),
    weekEnd: day(thisMonday),
  };
}

/** The day before `day` (`YYYY-MM-DD`), for inclusive ends such as Grafana's `…T23:59:59Z`. */
export function dayBefore(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

export type ReplayClient = 'pg' | 'psql' | 'psycopg2' | 'sqlalchemy';

export interface ReplayStatement {
  readonly id: string;
  readonly tool: string;
  /** What the user did in the tool to produce it. */
  readonly what: string;
  /** Where this shape of SQL comes from (the tool's generator, docs, or Cube's BI fixtures). */
  readonly source: string;
  readonly client: ReplayClient;
  readonly sql: (ctx: ReplayContext) => string;
  /** Plain SQL on the source tables, same column order and names. */
  readonly oracle: (ctx: ReplayContext) => string;
  /**
   * `ordered`: rows in the oracle's order (its ORDER BY keys are unique); `unordered`: as a
   * multiset; `subset`: a LIMIT without ORDER BY, so min(limit, oracle rows) rows, each one of
   * the oracle's, compared on `columns` only.
   */
  readonly compare:
    | 'ordered'
    | 'unordered'
    | { readonly subset: number; readonly columns: readonly string[] };
  /** false when a column has no alias, where stock Cube and Postgres name it differently. */
  readonly checkNames?: boolean;
  /**
   * For SQLAlchemy statements: Python that builds `stmt` (names from sqlalchemy, `datetime` and
   * `MONTH_START`, a `datetime`, are in scope). The test executes `stmt` itself and checks that
   * what psycopg2 sent equals `sql`.
   */
  readonly python?: string;
}

const REVENUE = `coalesce(sum(price_cents) filter (where type = 'purchase'), 0) / 100.0`;
const TOTAL_TOKENS = `coalesce(sum(input_tokens), 0) + coalesce(sum(output_tokens), 0)`;

export const REPLAY_STATEMENTS: readonly ReplayStatement[] = [
  // ---------------------------------------------------------------- Metabase
  {
    id: 'metabase-count-by-column',
    tool: 'Metabase',
    what: 'Question: Count of rows by Format, sorted by Format',
    source:
      'Metabase sql-jdbc query processor (HoneySQL, fully qualified "schema"."table"."column")',
    client: 'pg',
    sql: () => `SELECT "public"."exports_overview"."format" AS "format", count(*) AS "count"
FROM "public"."exports_overview"
GROUP BY "public"."exports_overview"."format"
ORDER BY "public"."exports_overview"."format" ASC`,
    oracle: () => `select format, count(*) as count from exports group by 1 order by 1`,
    compare: 'ordered',
  },
  {
    id: 'metabase-sum-filtered',
    tool: 'Metabase',
    what: 'Question: Sum of Revenue by Package, filtered on Type is purchase',
    source: 'Metabase sql-jdbc query processor',
    client: 'pg',
    sql: () => `SELECT "public"."credits"."package_id" AS "package_id", sum("public"."credits"."revenue") AS "sum"
FROM "public"."credits"
WHERE "public"."credits"."type" = 'purchase'
GROUP BY "public"."credits"."package_id"
ORDER BY "public"."credits"."package_id" ASC`,
    oracle: () => `select package_id, ${REVENUE} as sum from credit_transactions
where type = 'purchase' group by 1 order by 1`,
    compare: 'ordered',
  },
  {
    id: 'metabase-date-binning-month',
    tool: 'Metabase',
    what: 'Question: Count by Created at: Month (temporal binning)',
    source: 'Metabase postgres driver: date_trunc wrapped in CAST(... AS timestamp)',
    client: 'pg',
    sql: () => `SELECT CAST(date_trunc('month', "public"."exports_overview"."created_at") AS timestamp) AS "created_at", count(*) AS "count"
FROM "public"."exports_overview"
GROUP BY CAST(date_trunc('month', "public"."exports_overview"."created_at") AS timestamp)
ORDER BY CAST(date_trunc('month', "public"."exports_overview"."created_at") AS timestamp) ASC`,
    oracle:
      () => `select date_trunc('month', created_at)::timestamp as created_at, count(*) as count
from exports group by 1 order by 1`,
    compare: 'ordered',
  },
  {
    id: 'metabase-count-cast-float',
    tool: 'Metabase',
    what: 'Question: Count of rows where Status is failed (Metabase casts counts to float)',
    source: "Metabase postgres driver; Cube's driver suite 'metabase count cast to float32'",
    client: 'pg',
    sql: () => `SELECT cast(count(*) as float) AS "count"
FROM "public"."exports_overview"
WHERE "public"."exports_overview"."status" = 'failed'`,
    oracle: () => `select count(*)::float8 as count from exports where status = 'failed'`,
    compare: 'ordered',
  },
  {
    id: 'metabase-relative-30-days',
    tool: 'Metabase',
    what: 'Question: Count by Status, Created at: Previous 30 days',
    source: 'Metabase postgres driver relative date filter (now() cast to timestamp and date)',
    client: 'pg',
    sql: () => `SELECT "public"."exports_overview"."status" AS "status", count(*) AS "count"
FROM "public"."exports_overview"
WHERE ("public"."exports_overview"."created_at" >= CAST((CAST(now() AS timestamp) + INTERVAL '-30 day') AS date))
   AND ("public"."exports_overview"."created_at" < CAST(CAST(now() AS timestamp) AS date))
GROUP BY "public"."exports_overview"."status"
ORDER BY "public"."exports_overview"."status" ASC`,
    oracle: () => `select status, count(*) as count from exports
where created_at >= (now()::timestamp + interval '-30 day')::date and created_at < now()::date
group by 1 order by 1`,
    compare: 'ordered',
  },
  {
    id: 'metabase-field-values',
    tool: 'Metabase',
    what: 'Sync: field values of Quality for the filter widget',
    source: 'Metabase field-values scan (GROUP BY the column, LIMIT 1000)',
    client: 'pg',
    sql: () => `SELECT "public"."exports_overview"."quality" AS "quality"
FROM "public"."exports_overview"
GROUP BY "public"."exports_overview"."quality"
ORDER BY "public"."exports_overview"."quality" ASC
LIMIT 1000`,
    oracle: () => `select quality from exports group by 1 order by 1 limit 1000`,
    compare: 'ordered',
  },
  {
    id: 'metabase-nested-numeric-binning',
    tool: 'Metabase',
    what: 'Question on a saved question: Count by Calls, binned by 100 (numeric binning)',
    source: 'Metabase nested query ("source" subquery) with FLOOR binning',
    client: 'pg',
    sql: () => `SELECT (FLOOR((("source"."calls" - 0.0) / 100.0)) * 100.0) AS "calls", count(*) AS "count"
FROM (SELECT "public"."llm_usage"."model" AS "model", MEASURE("public"."llm_usage"."calls") AS "calls"
      FROM "public"."llm_usage" GROUP BY "public"."llm_usage"."model") AS "source"
GROUP BY (FLOOR((("source"."calls" - 0.0) / 100.0)) * 100.0)
ORDER BY (FLOOR((("source"."calls" - 0.0) / 100.0)) * 100.0) ASC`,
    oracle: () => `select floor((calls - 0.0) / 100.0) * 100.0 as calls, count(*) as count
from (select model, count(*) as calls from api_usage_metrics group by 1) source
group by 1 order by 1`,
    compare: 'ordered',
  },
  {
    id: 'metabase-case-bucket-cte',
    tool: 'Metabase',
    what: 'Native question: a CASE bucket over a CTE, compared with the average',
    source: 'Metabase native query editor (hand-written by an analyst)',
    client: 'pg',
    sql: () => `WITH by_combo AS (
  SELECT format, quality, MEASURE(exports) AS exports FROM exports_overview GROUP BY 1, 2
)
SELECT CASE WHEN exports > (SELECT avg(exports) FROM by_combo) THEN 'above average' ELSE 'at most average' END AS "bucket",
       count(*) AS "combos"
FROM by_combo
GROUP BY 1
ORDER BY 1`,
    oracle:
      () => `with by_combo as (select format, quality, count(*) as exports from exports group by 1, 2)
select case when exports > (select avg(exports) from by_combo) then 'above average' else 'at most average' end as bucket,
       count(*) as combos
from by_combo group by 1 order by 1`,
    compare: 'ordered',
  },

  // ---------------------------------------------------------------- Superset
  {
    id: 'superset-table-chart',
    tool: 'Superset',
    what: 'Table chart: Format, metric SUM(exports), sorted by the metric',
    source: 'Superset SqlaTable.get_sqla_query (metric label as the quoted alias)',
    client: 'pg',
    sql: () => `SELECT format AS format, SUM(exports) AS "SUM(exports)"
FROM public.exports_overview
GROUP BY format
ORDER BY "SUM(exports)" DESC
LIMIT 1000`,
    oracle: () => `select format, count(*) as "SUM(exports)" from exports group by 1`,
    compare: 'unordered',
  },
  {
    id: 'superset-time-series',
    tool: 'Superset',
    what: 'Time-series line chart: SUM(calls) per day over last month',
    source: 'Superset postgres engine spec (DATE_TRUNC time grain, TO_TIMESTAMP bounds)',
    client: 'pg',
    sql: (c) => `SELECT DATE_TRUNC('day', created_at) AS created_at, SUM(calls) AS "SUM(calls)"
FROM public.llm_usage
WHERE created_at >= TO_TIMESTAMP('${c.monthStart} 00:00:00.000000', 'YYYY-MM-DD HH24:MI:SS.US')
  AND created_at < TO_TIMESTAMP('${c.monthEnd} 00:00:00.000000', 'YYYY-MM-DD HH24:MI:SS.US')
GROUP BY DATE_TRUNC('day', created_at)
ORDER BY "SUM(calls)" DESC
LIMIT 10000`,
    oracle: (
      c,
    ) => `select date_trunc('day', created_at)::timestamp as created_at, count(*) as "SUM(calls)"
from api_usage_metrics where created_at >= '${c.monthStart}' and created_at < '${c.monthEnd}' group by 1`,
    compare: 'unordered',
  },
  {
    id: 'superset-virtual-dataset',
    tool: 'Superset',
    what: 'Bar chart on a virtual dataset (SQL Lab query saved as a dataset)',
    source: 'Superset virtual dataset: the saved SQL wrapped as "AS virtual_table"',
    client: 'pg',
    sql: () => `SELECT provider AS provider, SUM(total_tokens) AS "SUM(total_tokens)"
FROM (SELECT provider, model, MEASURE(total_tokens) AS total_tokens FROM llm_usage GROUP BY 1, 2) AS virtual_table
GROUP BY provider
LIMIT 1000`,
    oracle: () =>
      `select provider, ${TOTAL_TOKENS} as "SUM(total_tokens)" from api_usage_metrics group by 1`,
    compare: 'unordered',
  },
  {
    id: 'superset-pie',
    tool: 'Superset',
    what: 'Pie chart: SUM(failed_exports) by Status',
    source: 'Superset SqlaTable.get_sqla_query',
    client: 'pg',
    sql: () => `SELECT status AS status, SUM(failed_exports) AS "SUM(failed_exports)"
FROM public.exports_overview
GROUP BY status
ORDER BY "SUM(failed_exports)" DESC
LIMIT 100`,
    oracle: () =>
      `select status, count(*) filter (where status = 'failed') as "SUM(failed_exports)" from exports group by 1`,
    compare: 'unordered',
  },
  {
    id: 'superset-filter-values',
    tool: 'Superset',
    what: 'Native filter: distinct values of Provider',
    source: 'Superset filter values query (SELECT DISTINCT … LIMIT)',
    client: 'pg',
    sql: () => `SELECT DISTINCT provider AS provider FROM public.llm_usage LIMIT 1000`,
    oracle: () => `select distinct provider from api_usage_metrics`,
    compare: 'unordered',
  },
  {
    id: 'superset-percentage-of-total',
    tool: 'Superset',
    what: 'SQL Lab: share of exports per format with a window over the whole result',
    source: 'Superset SQL Lab (analyst SQL; window function over a Cube result)',
    client: 'pg',
    sql: () => `SELECT format, exports, 100.0 * exports / SUM(exports) OVER () AS pct
FROM (SELECT format, MEASURE(exports) AS exports FROM exports_overview GROUP BY 1) AS t
ORDER BY format`,
    oracle: () => `select format, exports, 100.0 * exports / sum(exports) over () as pct
from (select format, count(*) as exports from exports group by 1) t order by format`,
    compare: 'ordered',
  },

  // ---------------------------------------------------------------- Power BI
  {
    id: 'powerbi-min-max-probe',
    tool: 'Power BI',
    what: 'DirectQuery: the min/max probe of a date column for a slicer',
    source:
      'Power BI PostgreSQL connector ("$Table" and "rows" aliases); Cube\'s driver suite \'powerbi min max push down\'',
    client: 'pg',
    sql: () => `select max("rows"."created_at") as "a0", min("rows"."created_at") as "a1"
from (select "created_at" from "public"."exports_overview" "$Table") "rows"`,
    oracle: () =>
      `select date_trunc('milliseconds', max(created_at)) as a0, date_trunc('milliseconds', min(created_at)) as a1 from exports`,
    compare: 'ordered',
  },
  {
    id: 'powerbi-top-n',
    tool: 'Power BI',
    what: 'DirectQuery: Top 5 models by Total tokens (Top N visual filter)',
    source: 'Power BI PostgreSQL connector (outer "_" alias over "rows")',
    client: 'pg',
    sql: () => `select "_"."model", "_"."a0"
from (
  select "rows"."model" as "model", sum("rows"."total_tokens") as "a0"
  from (select "model", "total_tokens" from "public"."llm_usage" "$Table") "rows"
  group by "model"
) "_"
order by "_"."a0" desc, "_"."model"
limit 5`,
    oracle: () => `select model, sum(input_tokens + output_tokens) as a0 from api_usage_metrics
group by 1 order by 2 desc, 1 limit 5`,
    compare: 'ordered',
  },
  {
    id: 'powerbi-row-count',
    tool: 'Power BI',
    what: 'DirectQuery: row count of a table (count(1) over the ungrouped rows)',
    source: 'Power BI PostgreSQL connector',
    client: 'pg',
    sql: () =>
      `select count(1) as "a0" from (select "provider" from "public"."llm_usage" "$Table") "rows"`,
    oracle: () => `select count(*) as a0 from api_usage_metrics`,
    compare: 'ordered',
  },
  {
    id: 'powerbi-filtered-group',
    tool: 'Power BI',
    what: 'DirectQuery: Calls by Tool with a page filter Provider = openai',
    source: 'Power BI PostgreSQL connector',
    client: 'pg',
    sql: () => `select "rows"."tool_name" as "tool_name", sum("rows"."calls") as "a0"
from (select "tool_name", "calls", "provider" from "public"."llm_usage" "$Table") "rows"
where "rows"."provider" = 'openai'
group by "tool_name"`,
    oracle: () =>
      `select tool_name, count(*) as a0 from api_usage_metrics where provider = 'openai' group by 1`,
    compare: 'unordered',
  },

  // ---------------------------------------------------------------- Tableau
  {
    id: 'tableau-cast-text',
    tool: 'Tableau',
    what: 'Worksheet: SUM(Exports) by Format (Tableau casts strings to TEXT, "sum:x:ok" aliases)',
    source: 'Tableau PostgreSQL dialect (TDVT-style generated SQL)',
    client: 'pg',
    sql: () => `SELECT CAST("exports_overview"."format" AS TEXT) AS "format",
  SUM("exports_overview"."exports") AS "sum:exports:ok"
FROM "public"."exports_overview" "exports_overview"
GROUP BY 1`,
    oracle: () => `select format, count(*) as "sum:exports:ok" from exports group by 1`,
    compare: 'unordered',
  },
  {
    id: 'tableau-month-date',
    tool: 'Tableau',
    what: 'Worksheet: SUM(Revenue) by MONTH(Created at) (truncated month as a date)',
    source: 'Tableau PostgreSQL dialect ("tmn:" alias, DATE_TRUNC over CAST AS DATE)',
    client: 'pg',
    sql: () => `SELECT CAST(DATE_TRUNC( 'MONTH', CAST("credits"."created_at" AS DATE) ) AS DATE) AS "tmn:created_at:ok",
  SUM("credits"."revenue") AS "sum:revenue:ok"
FROM "public"."credits" "credits"
GROUP BY 1`,
    oracle:
      () => `select date_trunc('month', created_at::date)::date as "tmn:created_at:ok", ${REVENUE} as "sum:revenue:ok"
from credit_transactions group by 1`,
    compare: 'unordered',
  },
  {
    id: 'tableau-extract-year',
    tool: 'Tableau',
    what: 'Worksheet: SUM(Exports) by YEAR(Created at)',
    source:
      'Tableau PostgreSQL dialect ("yr:" alias, EXTRACT(YEAR FROM …)), as in cubesql\'s Tableau fixtures',
    client: 'pg',
    sql: () => `SELECT EXTRACT(YEAR FROM "exports_overview"."created_at") AS "yr:created_at:ok",
  SUM("exports_overview"."exports") AS "sum:exports:ok"
FROM "public"."exports_overview" "exports_overview"
GROUP BY 1`,
    oracle: () =>
      `select extract(year from created_at) as "yr:created_at:ok", count(*) as "sum:exports:ok" from exports group by 1`,
    compare: 'unordered',
  },
  {
    id: 'tableau-countd',
    tool: 'Tableau',
    what: 'Worksheet: COUNTD(Model)',
    source: 'Tableau PostgreSQL dialect ("ctd:" alias)',
    client: 'pg',
    sql: () => `SELECT COUNT(DISTINCT "llm_usage"."model") AS "ctd:model:ok"
FROM "public"."llm_usage" "llm_usage"`,
    oracle: () => `select count(distinct model) as "ctd:model:ok" from api_usage_metrics`,
    compare: 'ordered',
  },
  {
    id: 'tableau-avg-boolean-filter',
    tool: 'Tableau',
    what: 'Worksheet: AVG(Average response time) by Provider, filter Succeeded = True',
    source: 'Tableau PostgreSQL dialect ("avg:" alias, boolean filter written "= TRUE")',
    client: 'pg',
    sql: () => `SELECT "llm_usage"."provider" AS "provider",
  AVG("llm_usage"."avg_response_ms") AS "avg:avg_response_ms:ok"
FROM "public"."llm_usage" "llm_usage"
WHERE ("llm_usage"."success" = TRUE)
GROUP BY 1`,
    oracle:
      () => `select provider, 1.0 * sum(response_time_ms) / nullif(count(*), 0) as "avg:avg_response_ms:ok"
from api_usage_metrics where success group by 1`,
    compare: 'unordered',
  },
  {
    id: 'tableau-ifnull-dimension',
    tool: 'Tableau',
    what: 'Worksheet: SUM(Calls) by a calculated field IFNULL([Tool], "(none)")',
    source: 'Tableau PostgreSQL dialect (IFNULL as COALESCE)',
    client: 'pg',
    sql: () => `SELECT COALESCE("llm_usage"."tool_name", '(none)') AS "Calculation_tool",
  SUM("llm_usage"."calls") AS "sum:calls:ok"
FROM "public"."llm_usage" "llm_usage"
GROUP BY 1`,
    oracle:
      () => `select coalesce(tool_name, '(none)') as "Calculation_tool", count(*) as "sum:calls:ok"
from api_usage_metrics group by 1`,
    compare: 'unordered',
  },

  // ---------------------------------------------------------------- Grafana
  {
    id: 'grafana-time-group-epoch',
    tool: 'Grafana',
    what: 'Time series panel: $__timeGroupAlias(created_at, 1d) with $__timeFilter(created_at)',
    source:
      'Grafana PostgreSQL data source macros, expanded (floor(extract(epoch …)), BETWEEN RFC 3339)',
    client: 'pg',
    sql: (
      c,
    ) => `SELECT floor(extract(epoch from created_at)/86400)*86400 AS "time", sum(calls) AS calls
FROM llm_usage
WHERE created_at BETWEEN '${c.monthStart}T00:00:00Z' AND '${dayBefore(c.monthEnd)}T23:59:59Z'
GROUP BY 1
ORDER BY 1`,
    oracle: (
      c,
    ) => `select floor(extract(epoch from created_at)/86400)*86400 as "time", count(*) as calls
from api_usage_metrics where created_at between '${c.monthStart}T00:00:00Z' and '${dayBefore(c.monthEnd)}T23:59:59Z'
group by 1 order by 1`,
    compare: 'ordered',
  },
  {
    id: 'grafana-series-by-metric',
    tool: 'Grafana',
    what: 'Time series panel: exports per hour, one series per format (metric column)',
    source: 'Grafana PostgreSQL data source ($__timeFilter expanded to BETWEEN)',
    client: 'pg',
    sql: (
      c,
    ) => `SELECT date_trunc('hour', created_at) AS "time", format AS metric, MEASURE(exports) AS exports
FROM exports_overview
WHERE created_at BETWEEN '${c.weekStart}T00:00:00Z' AND '${dayBefore(c.weekEnd)}T23:59:59Z'
GROUP BY 1, 2
ORDER BY 1, 2`,
    oracle: (
      c,
    ) => `select date_trunc('hour', created_at)::timestamp as "time", format as metric, count(*) as exports
from exports where created_at between '${c.weekStart}T00:00:00Z' and '${dayBefore(c.weekEnd)}T23:59:59Z'
group by 1, 2 order by 1, 2`,
    compare: 'ordered',
  },
  {
    id: 'grafana-table',
    tool: 'Grafana',
    what: 'Table panel: errors and error rate by provider over the dashboard range',
    source: 'Grafana PostgreSQL data source ($__timeFilter expanded to BETWEEN)',
    client: 'pg',
    sql: (c) => `SELECT provider, MEASURE(errors) AS errors, MEASURE(error_rate) AS error_rate
FROM llm_usage
WHERE created_at BETWEEN '${c.monthStart}T00:00:00Z' AND '${dayBefore(c.monthEnd)}T23:59:59Z'
GROUP BY provider
ORDER BY provider`,
    oracle: (c) => `select provider, count(*) filter (where not success) as errors,
  1.0 * count(*) filter (where not success) / nullif(count(*), 0) as error_rate
from api_usage_metrics where created_at between '${c.monthStart}T00:00:00Z' and '${dayBefore(c.monthEnd)}T23:59:59Z'
group by 1 order by 1`,
    compare: 'ordered',
  },

  // ---------------------------------------------------------------- DBeaver and psql
  {
    id: 'dbeaver-select-star',
    tool: 'DBeaver',
    what: 'Data tab of a table (first page of 200 rows)',
    source: 'DBeaver "View data" (SELECT * with the result-set page size as LIMIT)',
    client: 'pg',
    sql: () => `SELECT * FROM public.export_errors LIMIT 200`,
    oracle: () =>
      `select error_message, event, date_trunc('milliseconds', created_at)::timestamp as created_at, 1 as events from export_analytics`,
    compare: { subset: 200, columns: ['error_message', 'event', 'created_at', 'events'] },
  },
  {
    id: 'dbeaver-row-count',
    tool: 'DBeaver',
    what: 'Calculate total row count of a table',
    source: 'DBeaver "Calculate total row count" (SELECT COUNT(*) FROM table)',
    client: 'pg',
    sql: () => `SELECT COUNT(*) FROM public.exports_overview`,
    oracle: () => `select count(*) from exports`,
    compare: 'ordered',
    checkNames: false,
  },
  {
    id: 'dbeaver-distinct-values',
    tool: 'DBeaver',
    what: 'Column filter dialog: distinct values of Status',
    source: 'DBeaver distinct-values query (SELECT DISTINCT with an alias, ORDER BY, LIMIT)',
    client: 'pg',
    sql: () =>
      `SELECT DISTINCT x."status" FROM public.exports_overview x ORDER BY x."status" ASC LIMIT 100`,
    oracle: () => `select distinct status from exports order by 1 limit 100`,
    compare: 'ordered',
  },
  {
    id: 'dbeaver-fetch-first',
    tool: 'DBeaver',
    what: 'SQL editor: ordered query with NULLS FIRST and FETCH FIRST (SQL standard paging)',
    source: 'SQL editor (standard paging as DBeaver and JDBC tools write it)',
    client: 'pg',
    sql: () =>
      `SELECT tool_name, MEASURE(calls) AS calls FROM llm_usage GROUP BY 1 ORDER BY 1 ASC NULLS FIRST FETCH FIRST 3 ROWS ONLY`,
    oracle: () =>
      `select tool_name, count(*) as calls from api_usage_metrics group by 1 order by 1 asc nulls first fetch first 3 rows only`,
    compare: 'ordered',
  },
  {
    id: 'psql-select-star',
    tool: 'psql',
    what: 'A first look at a table',
    source: 'psql (simple query protocol)',
    client: 'psql',
    sql: () => `SELECT * FROM paywall_funnel LIMIT 200`,
    oracle: () =>
      `select trigger, package_id, event_type, date_trunc('milliseconds', created_at)::timestamp as created_at from paywall_events`,
    compare: { subset: 200, columns: ['trigger', 'package_id', 'event_type', 'created_at'] },
  },
  {
    id: 'psql-grouped-round',
    tool: 'psql',
    what: 'Revenue per type, rounded, with schema-qualified and mixed-case names',
    source: 'psql (hand-written, unquoted names in mixed case)',
    client: 'psql',
    sql: () =>
      `SELECT Type, round(SUM(Revenue), 2) AS revenue, MEASURE(Credits_Purchased) AS purchased FROM Public.Credits GROUP BY Type ORDER BY Type`,
    oracle: () => `select type, round(${REVENUE}, 2) as revenue,
  coalesce(sum(amount) filter (where type = 'purchase'), 0) as purchased
from credit_transactions group by 1 order by 1`,
    compare: 'ordered',
  },

  // ---------------------------------------------------------------- pandas and SQLAlchemy
  {
    id: 'pandas-read-sql-grouped',
    tool: 'pandas',
    what: 'pd.read_sql(sql, engine): calls and tokens by provider and model',
    source: 'pandas.read_sql over an SQLAlchemy engine (executes text(sql), fetches all rows)',
    client: 'sqlalchemy',
    sql: () =>
      `SELECT provider, model, MEASURE(calls) AS calls, MEASURE(total_tokens) AS total_tokens FROM llm_usage GROUP BY 1, 2`,
    oracle: () =>
      `select provider, model, count(*) as calls, ${TOTAL_TOKENS} as total_tokens from api_usage_metrics group by 1, 2`,
    compare: 'unordered',
  },
  {
    id: 'pandas-read-sql-window',
    tool: 'pandas',
    what: 'pd.read_sql with psycopg2: running total of daily purchases last month',
    source: 'pandas.read_sql over a psycopg2 connection (cursor.execute, fetchall)',
    client: 'psycopg2',
    sql: (c) => `SELECT day, purchases, SUM(purchases) OVER (ORDER BY day) AS running_purchases
FROM (SELECT date_trunc('day', created_at) AS day, MEASURE(purchases) AS purchases FROM credits
      WHERE created_at >= '${c.monthStart}' AND created_at < '${c.monthEnd}' GROUP BY 1) AS daily
ORDER BY day`,
    oracle: (c) => `select day, purchases, sum(purchases) over (order by day) as running_purchases
from (select date_trunc('day', created_at)::timestamp as day, count(*) filter (where type = 'purchase') as purchases
      from credit_transactions where created_at >= '${c.monthStart}' and created_at < '${c.monthEnd}' group by 1) daily
order by day`,
    compare: 'ordered',
  },
  {
    id: 'sqlalchemy-core-select',
    tool: 'SQLAlchemy',
    what: 'select(t.c.format, func.sum(t.c.exports)).where(t.c.status == "completed").group_by(t.c.format)',
    source:
      'SQLAlchemy 1.4 Core, postgresql+psycopg2 dialect (compiled here; psycopg2 binds %(status_1)s)',
    client: 'sqlalchemy',
    python: `t = table("exports_overview", column("format"), column("status"), column("exports"), schema="public")
stmt = select(t.c.format, func.sum(t.c.exports).label("exports")).where(t.c.status == "completed").group_by(t.c.format).order_by(t.c.format)`,
    sql: () => `SELECT public.exports_overview.format, sum(public.exports_overview.exports) AS exports
FROM public.exports_overview
WHERE public.exports_overview.status = 'completed' GROUP BY public.exports_overview.format ORDER BY public.exports_overview.format`,
    oracle: () =>
      `select format, count(*) as exports from exports where status = 'completed' group by 1 order by 1`,
    compare: 'ordered',
  },
  {
    id: 'sqlalchemy-orm-query',
    tool: 'SQLAlchemy',
    what: 'session.query(Llm.provider, func.avg(Llm.avg_response_ms)).filter(Llm.created_at >= datetime).group_by(Llm.provider)',
    source:
      'SQLAlchemy 1.4 ORM, Query.statement (anonymous label avg_1; psycopg2 renders the datetime as a timestamp literal)',
    client: 'sqlalchemy',
    python: `Base = declarative_base()
class Llm(Base):
    __tablename__ = "llm_usage"
    provider = Column(String, primary_key=True)
    avg_response_ms = Column(Numeric)
    created_at = Column(DateTime)
stmt = Session().query(Llm.provider, func.avg(Llm.avg_response_ms)).filter(Llm.created_at >= MONTH_START).group_by(Llm.provider).order_by(Llm.provider).statement`,
    sql: (c) => `SELECT llm_usage.provider, avg(llm_usage.avg_response_ms) AS avg_1
FROM llm_usage
WHERE llm_usage.created_at >= '${c.monthStart}T00:00:00'::timestamp GROUP BY llm_usage.provider ORDER BY llm_usage.provider`,
    oracle: (c) => `select provider, 1.0 * sum(response_time_ms) / nullif(count(*), 0) as avg_1
from api_usage_metrics where created_at >= '${c.monthStart}T00:00:00Z' group by 1 order by 1`,
    compare: 'ordered',
  },
];
