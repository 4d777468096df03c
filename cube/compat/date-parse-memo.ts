/**
 * PATCHES `@cubejs-backend/api-gateway` dist/src/query.js `normalizeQuery`;
 *   `@cubejs-backend/query-orchestrator` `PreAggregationPartitionRangeLoader.extractDate` and
 *   `.timeSeries` (statics); `@cubejs-backend/shared` dist/src/time.js `timeSeriesBoundaries` and
 *   `localTimestampToUtc` (module exports), each wrapped by a per-input memo.
 * GAIN: ~12 % + ~7 % + ~1.5 % of Cube's busy time on uncached queries (bench/results/history.md,
 *   sections named below); BENCHMARKS.md's "Whole tab uncached vs raw SQL" rows.
 * OFF: `CUBE_COMPAT_OFF=date-parse-memo` (switches.ts). Guard: tests/compat/cube-compat.test.ts.
 *
 * Pure date computations Cube repeats on every request, kept per input. A CPU profile of the
 * tab's uncached queries at `large` (bench/results/history.md, "The uncached path") put moment.js
 * parsing at ~12 % of Cube's busy time, in two places that only depend on their arguments:
 *
 * - `normalizeQuery` (api-gateway), run twice per query (before and after `queryRewrite`): joi
 *   validation of the query and moment parsing of every absolute date range. Its result depends on
 *   the query, `persistent`, the cache mode and Cube's environment (frozen once Cube starts,
 *   env-cache.ts), except for relative dates ("last 7 days", a relative filter value), which
 *   depend on the clock: a query holding any date string that is not absolute is never kept.
 * - `PreAggregationPartitionRangeLoader.extractDate`: the partition range loader parses the
 *   answers of the rollup's build-range queries (cached by Cube) with moment-timezone, twice per
 *   partitioned rollup per request; then `timeSeriesBoundaries` (shared) builds moment ranges to
 *   find the first and last partition of that build range, and `timeSeries` every partition's
 *   range in it (~7 % of Cube's busy time on the 30d tab, bench/results/history.md "Where an
 *   uncached query's serial wall time waits"), the same ones on every request.
 * - `localTimestampToUtc` (shared), which the loader calls for both ends of every partition's
 *   range on every request (~1.5 % of busy time, bench/results/history.md "Cache lookups and
 *   copies"): a string in, a string out, for a (time zone, format, timestamp).
 *
 * Callers get a copy of a kept normalised query (the gateway and `queryRewrite` may change it) and
 * the input query is updated exactly as Cube's function updates it (`cacheMode` set, `cache`
 * cleared). Errors are never kept: an invalid query runs Cube's code every time.
 */
import { createRequire } from 'node:module';
import type { PreAggregationPartitionRangeLoader as RangeLoaderClass } from '@cubejs-backend/query-orchestrator';
import { LRUCache } from 'lru-cache';

const require = createRequire(import.meta.url);

type Query = Record<string, unknown> & { cacheMode?: unknown; cache?: unknown };
type NormalizeQuery = (query: Query, persistent?: boolean, cacheMode?: string) => Query;
/** Cube's query module (CommonJS: its exported functions are looked up at every call). */
type QueryModule = { normalizeQuery: NormalizeQuery };
type ExtractDate = (data: unknown, timezone: string, timestampFormat?: string) => string;
type LoaderTimeSeries = (
  granularity: unknown,
  dateRange: unknown,
  timestampPrecision?: unknown,
) => string[][];
type Boundaries = (granularity: string, dateRange: unknown, options?: unknown) => string[][];
/** Cube's time module (CommonJS; the package index re-exports it through getters). */
type LocalToUtc = (timezone: string, timestampFormat: string, timestamp: string) => string | null;
type TimeModule = { timeSeriesBoundaries: Boundaries; localTimestampToUtc: LocalToUtc };

/** Cube's own test for an absolute date value (api-gateway query.js, `AbsoluteDateTimeRegex`). */
const ABSOLUTE_DATE =
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;
const DATE_OPERATORS = new Set([
  'inDateRange',
  'notInDateRange',
  'beforeDate',
  'beforeOrOnDate',
  'afterDate',
  'afterOrOnDate',
]);

const absoluteValues = (values: unknown): boolean =>
  Array.isArray(values) && values.every((v) => typeof v === 'string' && ABSOLUTE_DATE.test(v));

/** True when nothing in the filter tree is a date filter with a relative value. */
function absoluteFilters(filters: unknown): boolean {
  if (filters === undefined || filters === null) return true;
  if (!Array.isArray(filters)) return false;
  return filters.every((filter) => {
    if (typeof filter !== 'object' || filter === null) return false;
    const f = filter as { and?: unknown; or?: unknown; operator?: unknown; values?: unknown };
    if (f.and !== undefined || f.or !== undefined) {
      return absoluteFilters(f.and ?? []) && absoluteFilters(f.or ?? []);
    }
    return !DATE_OPERATORS.has(String(f.operator)) || absoluteValues(f.values);
  });
}

/** Whether normalising this query depends on nothing but the query (no clock-relative date). */
export function hasOnlyAbsoluteDates(query: Query): boolean {
  const timeDimensions = query.timeDimensions ?? [];
  if (!Array.isArray(timeDimensions)) return false;
  const datesAbsolute = timeDimensions.every((td) => {
    if (typeof td !== 'object' || td === null) return false;
    const { dateRange, compareDateRange } = td as {
      dateRange?: unknown;
      compareDateRange?: unknown;
    };
    if (dateRange !== undefined && !absoluteValues(dateRange)) return false;
    if (compareDateRange === undefined || compareDateRange === null) return true;
    return Array.isArray(compareDateRange) && compareDateRange.every(absoluteValues);
  });
  return datesAbsolute && absoluteFilters(query.filters);
}

/**
 * The query as JSON, or null when JSON would not say all of it: a function or a class instance
 * (member expressions the gateway has already evaluated) would be dropped or flattened.
 */
function plainKey(value: unknown): string | null {
  let plain = true;
  const key = JSON.stringify(value, function replacer(this: Record<string, unknown>, name, v) {
    const original = this[name];
    if (typeof original === 'function' || typeof original === 'symbol') plain = false;
    else if (typeof original === 'object' && original !== null && !Array.isArray(original)) {
      const proto = Object.getPrototypeOf(original);
      if (proto !== Object.prototype && proto !== null) plain = false;
    }
    return v;
  });
  return plain ? key : null;
}

/**
 * A deep copy of a kept normalised query: JSON-shaped data (plain objects, arrays, primitives,
 * `undefined` members kept), so a direct walk; ~15× cheaper than `structuredClone`'s serializer on
 * a tab query, which made it ~2 % of Cube's busy time (bench/results/history.md). Anything else (a
 * class instance, an own `__proto__` key) goes through `structuredClone` as before.
 */
export function copyQueryData<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyQueryData) as T;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (key === '__proto__') return structuredClone(value);
    copy[key] = copyQueryData(source[key]);
  }
  return copy as T;
}

/** Normalised queries by their input; small, the tab sends a few dozen distinct queries. */
const normalized = new LRUCache<string, Query>({ max: 2000 });
const extracted = new LRUCache<string, string>({ max: 2000 });
const boundaries = new LRUCache<string, string[][]>({ max: 2000 });
const series = new LRUCache<string, string[][]>({ max: 2000 });
/** Partition ends seen in UTC; a tab touches a few hundred (hourly partitions of a week). */
const utcTimestamps = new LRUCache<string, string>({ max: 20000 });
let installed = false;

export function installDateParseMemo(RangeLoader: typeof RangeLoaderClass): void {
  if (installed) return;
  installed = true;

  const queryModule = require('@cubejs-backend/api-gateway/dist/src/query') as QueryModule;
  const normalizeQuery = queryModule.normalizeQuery;
  queryModule.normalizeQuery = function keptNormalizeQuery(query, persistent, cacheMode) {
    const key = hasOnlyAbsoluteDates(query)
      ? plainKey([query, persistent ?? null, cacheMode ?? null])
      : null;
    if (key === null) return normalizeQuery(query, persistent, cacheMode);
    let result = normalized.get(key);
    if (result) {
      // What Cube's normalizeQueryCacheMode does to its input.
      query.cacheMode = result.cacheMode;
      query.cache = undefined;
    } else {
      result = normalizeQuery(query, persistent, cacheMode);
      normalized.set(key, structuredClone(result));
      return result;
    }
    return copyQueryData(result);
  };

  const loader = RangeLoader as unknown as { extractDate: ExtractDate };
  const extractDate = loader.extractDate;
  loader.extractDate = function keptExtractDate(data, timezone, timestampFormat) {
    // Cube's parser reads `data` through JSON.stringify itself, so its JSON is all it depends on.
    const key = JSON.stringify([data, timezone, timestampFormat ?? null]);
    let date = extracted.get(key);
    if (date === undefined) {
      date = extractDate.call(this, data, timezone, timestampFormat);
      if (typeof date === 'string') extracted.set(key, date);
    }
    return date;
  };

  // Cube keeps this per build range only where its caller passes a `compilerCacheFn` (the refresh
  // scheduler); an API request recomputes every partition's range with moment each time.
  const rangeLoader = RangeLoader as unknown as { timeSeries: LoaderTimeSeries };
  const timeSeries = rangeLoader.timeSeries;
  rangeLoader.timeSeries = function keptTimeSeries(granularity, dateRange, timestampPrecision) {
    const key =
      typeof granularity === 'string'
        ? plainKey([granularity, dateRange ?? null, timestampPrecision ?? null])
        : null;
    if (key === null) return timeSeries.call(this, granularity, dateRange, timestampPrecision);
    let kept = series.get(key);
    if (!kept) {
      kept = timeSeries.call(this, granularity, dateRange, timestampPrecision);
      series.set(
        key,
        kept.map((range) => [...range]),
      );
    }
    return kept.map((range) => [...range]);
  };

  const timeModule = require('@cubejs-backend/shared/dist/src/time') as TimeModule;
  const timeSeriesBoundaries = timeModule.timeSeriesBoundaries;
  timeModule.timeSeriesBoundaries = function keptBoundaries(granularity, dateRange, options) {
    const key = plainKey([granularity, dateRange, options ?? null]);
    if (key === null) return timeSeriesBoundaries(granularity, dateRange, options);
    let kept = boundaries.get(key);
    if (!kept) {
      kept = timeSeriesBoundaries(granularity, dateRange, options);
      boundaries.set(
        key,
        kept.map((range) => [...range]),
      );
    }
    return kept.map((range) => [...range]);
  };

  const localTimestampToUtc = timeModule.localTimestampToUtc;
  timeModule.localTimestampToUtc = function keptUtc(timezone, timestampFormat, timestamp) {
    if (
      typeof timezone !== 'string' ||
      typeof timestampFormat !== 'string' ||
      typeof timestamp !== 'string'
    ) {
      return localTimestampToUtc(timezone, timestampFormat, timestamp);
    }
    const key = JSON.stringify([timezone, timestampFormat, timestamp]);
    let utc = utcTimestamps.get(key);
    if (utc === undefined) {
      const answer = localTimestampToUtc(timezone, timestampFormat, timestamp);
      if (typeof answer !== 'string') return answer;
      utc = answer;
      utcTimestamps.set(key, utc);
    }
    return utc;
  };
}
