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
 *   unshifted sums), and on source tables it inner-joins the stages, dropping the periods where
 *   one side has no rows. Without Tesseract such queries get a 400 that says so.
 */
import type { BaseQuery as BaseQueryType } from '@cubejs-backend/schema-compiler';
import { PostgresQuery, UserError } from './cube-modules';

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

/** The multi_stage members the query uses, directly or through the members it references. */
function multiStageMembers(query: BaseQueryType): string[] {
  const children = query.collectAllMemberChildren(undefined);
  return Object.entries(query.collectAllMultiStageMembers(children))
    .filter(([, multiStage]) => multiStage)
    .map(([member]) => member);
}

export class NativeFreePostgresQuery extends PostgresQuery {
  override buildSqlAndParams(exportAnnotatedSql?: boolean): [string, unknown[]] {
    const multiStage = multiStageMembers(this);
    if (multiStage.length > 0) {
      throw new UserError(
        `multi_stage members (${multiStage.join(', ')}) need Cube's Tesseract planner, which needs ` +
          '@cubejs-backend/native; this native-free engine plans with the JS planner, whose ' +
          'multi-stage SQL reads rollups without their partitions and joins stages with an inner ' +
          'join, so it refuses them instead of answering wrongly.',
      );
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
