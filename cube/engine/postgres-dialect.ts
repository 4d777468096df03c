/**
 * The Postgres SQL dialect of Cube's JS planner, with the two places where it answers wrongly
 * fixed for the native-free engine (which has no Tesseract to fall back on):
 *
 * - **Custom granularities over calendar intervals.** Cube 1.7.43's `PostgresQuery.dateBin`
 *   divides epoch seconds by `EXTRACT(EPOCH FROM INTERVAL '6 months')`, i.e. by 180 days, so a
 *   `half_year` bucket drifts off the half-year boundaries (2019-07-01, 2020-01-01, 2020-07-01 for
 *   the year 2020). Here any interval with a month part is stepped in whole intervals from the
 *   origin: an estimate from the average Gregorian month, corrected by one step either way, which
 *   is exact because the estimate errs by less than four days and a month is at least 28 days
 *   long. Fixed-length intervals (weeks, days, hours…) keep Cube's formula, which is exact for
 *   them; intervals mixing both are refused with a 400 (their buckets are ambiguous).
 * - **multi_stage members.** The JS planner renders a multi-stage query over a matched rollup
 *   without partition table names and without the time shift (`relation "…" does not exist`, or
 *   unshifted sums): a query with a multi-stage member, and each of its stages, is planned on the
 *   source tables, where the JS planner shifts correctly. Multi-stage measures queried together
 *   with plain ones are inner-joined to them (periods where one side has no rows vanish): that
 *   gets a 400 saying so.
 */
import type { BaseQuery as BaseQueryType } from '@cubejs-backend/schema-compiler';
import { PostgresQuery, PreAggregations, CompilerUserError as UserError } from './cube-modules';

const SECONDS: Record<string, number> = {
  week: 7 * 86_400,
  day: 86_400,
  hour: 3_600,
  minute: 60,
  second: 1,
};
const MONTHS: Record<string, number> = { year: 12, quarter: 3, month: 1 };
/** The average Gregorian month (365.2425 days / 12), in seconds. */
const AVERAGE_MONTH_SECONDS = (365.2425 * 86_400) / 12;

/** `'6 months'`, `'1 month 15 days'`, `'2 weeks'` → whole months and the seconds besides them. */
export function splitInterval(interval: string): { months: number; seconds: number } {
  let months = 0;
  let seconds = 0;
  for (const [, amount, unit = ''] of interval.matchAll(
    /(-?\d+)\s*(year|quarter|month|week|day|hour|minute|second)s?/gi,
  )) {
    const n = Number(amount);
    const key = unit.toLowerCase();
    months += n * (MONTHS[key] ?? 0);
    seconds += n * (SECONDS[key] ?? 0);
  }
  return { months, seconds };
}

/** Member path → whether it is multi_stage, for every member the query uses or references. */
function multiStageMap(query: BaseQueryType): Record<string, boolean> {
  return query.collectAllMultiStageMembers(query.collectAllMemberChildren(undefined));
}

/** Set on the sub-queries (stages) of a multi-stage query: they read source tables too. */
const SOURCE_TABLES_ONLY = 'nativeFreeSourceTablesOnly';

type PreAggregationsCtorArgs = ConstructorParameters<typeof PreAggregations>;
type Tail<T extends unknown[]> = T extends [unknown, ...infer R] ? R : never;
type PreAggregationForQuery = ReturnType<
  InstanceType<typeof PreAggregations>['findPreAggregationForQuery']
>;

/** Cube's rollup matching, skipped for multi-stage queries and their stages. */
class RollupMatcher extends PreAggregations {
  readonly #query: NativeFreePostgresQuery;

  constructor(query: NativeFreePostgresQuery, ...rest: Tail<PreAggregationsCtorArgs>) {
    super(query, ...rest);
    this.#query = query;
  }

  override findPreAggregationForQuery(): PreAggregationForQuery {
    return this.#query.plansOnSourceTables() ? undefined : super.findPreAggregationForQuery();
  }
}

export class NativeFreePostgresQuery extends PostgresQuery {
  #sourceTablesOnly: boolean | undefined;

  /**
   * A multi-stage query and all its stages read the source tables, never a rollup; so does an
   * ungrouped query (one row per source row), which Cube's JS planner would otherwise answer from
   * a rollup's grouped rows (the SQL API's `SELECT *` read 3 rows for a 38,059-row table).
   */
  plansOnSourceTables(): boolean {
    this.#sourceTablesOnly ??=
      this.options[SOURCE_TABLES_ONLY] === true ||
      this.options.ungrouped === true ||
      Object.values(multiStageMap(this)).some(Boolean);
    return this.#sourceTablesOnly;
  }

  override newPreAggregations(): InstanceType<typeof PreAggregations> {
    const { historyQueries, cubeLatticeCache } = this.options as {
      historyQueries?: unknown[];
      cubeLatticeCache?: unknown;
    };
    return new RollupMatcher(this, historyQueries ?? [], cubeLatticeCache);
  }

  override subQueryOptions(options: unknown): unknown {
    const subQuery = super.subQueryOptions(options) as Record<string, unknown>;
    return this.plansOnSourceTables() ? { ...subQuery, [SOURCE_TABLES_ONLY]: true } : subQuery;
  }

  override buildSqlAndParams(exportAnnotatedSql?: boolean): [string, unknown[]] {
    if (this.options[SOURCE_TABLES_ONLY] !== true && this.plansOnSourceTables()) {
      const multiStage = multiStageMap(this);
      const measures = this.measures.map((measure) => measure.expressionPath());
      const shifted = measures.filter((measure) => multiStage[measure]);
      const plain = measures.filter((measure) => !multiStage[measure]);
      if (shifted.length > 0 && plain.length > 0) {
        throw new UserError(
          `multi_stage measures (${shifted.join(', ')}) queried together with other measures ` +
            `(${plain.join(', ')}) need Cube's Tesseract planner (@cubejs-backend/native): the JS ` +
            'planner of this native-free engine inner-joins them and drops the periods where one ' +
            'side has no rows. Query them separately.',
        );
      }
    }
    return super.buildSqlAndParams(exportAnnotatedSql);
  }

  override dateBin(interval: string, source: string, origin: string): string {
    const { months, seconds } = splitInterval(interval);
    if (months === 0) return super.dateBin(interval, source, origin);
    if (seconds !== 0) {
      // Month lengths vary, so "origin + n × (1 month 15 days)" and stepping the interval n times
      // give different dates; Cube defines neither. Refuse rather than pick one silently.
      throw new UserError(
        `Custom granularity interval '${interval}' mixes months with days or hours; its buckets are ` +
          'ambiguous and the native-free engine does not compute them. Use whole months, quarters or ' +
          'years, or only weeks, days, hours, minutes and seconds.',
      );
    }
    const step = `INTERVAL ${this.intervalString(interval)}`;
    const start = `'${origin}'::timestamp`;
    const averageStep = months * AVERAGE_MONTH_SECONDS;
    const estimate = `FLOOR(EXTRACT(EPOCH FROM (${source} - ${start})) / ${averageStep})`;
    const steps =
      `(${estimate} + CASE` +
      ` WHEN ${start} + ${step} * (${estimate} + 1) <= ${source} THEN 1` +
      ` WHEN ${start} + ${step} * ${estimate} > ${source} THEN -1 ELSE 0 END)`;
    return `(${start} + ${step} * ${steps})`;
  }
}
