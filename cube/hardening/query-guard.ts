/**
 * Checks a Cube query as the client sent it, before Cube normalises, plans or runs anything:
 * the request-size bounds of `cube/limits.ts`, valid absolute dates, and no member of a
 * non-public cube (or a non-public member) anywhere in it. A refused query costs no SQL.
 *
 * Pure: the caller supplies what is hidden (from Cube's compiled meta) and turns a
 * QueryRefusedError into Cube's 400.
 */
import { createRequire } from 'node:module';
import type { dateParser as DateParser } from '@cubejs-backend/api-gateway/dist/src/date-parser';
import { LIMITS, type Limits } from '../limits';

// Cube's own parser of relative ranges ("last 7 days"), so a range is judged exactly as Cube will
// read it (a CommonJS module Node's ESM named-import detection cannot see).
const { dateParser } = createRequire(import.meta.url)(
  '@cubejs-backend/api-gateway/dist/src/date-parser',
) as { dateParser: typeof DateParser };

export class QueryRefusedError extends Error {
  override name = 'QueryRefusedError';
}

/** What the data model does not expose: whole cubes (`public: false`) and single members. */
export type HiddenMembers = {
  readonly cubes: ReadonlySet<string>;
  readonly members: ReadonlySet<string>;
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const count = (n: number) => n.toLocaleString('en-US');

const DATE_OPERATORS = new Set([
  'inDateRange',
  'notInDateRange',
  'onTheDate',
  'beforeDate',
  'beforeOrOnDate',
  'afterDate',
  'afterOrOnDate',
]);

// Cube's own absolute-date shape (api-gateway query.js); Cube checks only the shape, so
// `2024-13-45` reached Postgres and came back as raw Postgres text.
const ABSOLUTE_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Whether `value` is an absolute date Cube passes through, and a real calendar date. */
function isValidAbsoluteDate(value: string): boolean {
  const match = ABSOLUTE_DATE.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match
    .slice(1)
    .map((part) => (part === undefined ? 0 : Number(part)));
  const date = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() + 1 === month &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  );
}

/** A string that starts like a date is held to being a valid one; relative ranges ("last 7 days") are Cube's to parse. */
const looksAbsolute = (value: string) => /^\d{4}-/.test(value);

function checkDate(value: Json, where: string): void {
  if (typeof value === 'string' && looksAbsolute(value) && !isValidAbsoluteDate(value)) {
    throw new QueryRefusedError(
      `${where}: "${value.slice(0, 40)}" is not a valid date (use YYYY-MM-DD or YYYY-MM-DDTHH:mm:ss)`,
    );
  }
}

/** Years Postgres reads in a timestamp literal as Cube writes it (four digits, AD). */
const FIRST_YEAR = 1;
const LAST_YEAR = 9999;

/**
 * A relative range ("from 10000 years ago to now") as Cube resolves it must stay within
 * FIRST_YEAR..LAST_YEAR: Cube writes year -7974 as `-7974-12-07T…`, which Postgres refuses with
 * its own text. A string Cube cannot parse is left to Cube, whose refusal is already readable.
 */
function checkRelativeRange(value: string, where: string, timezone: string): void {
  let resolved: string[];
  try {
    resolved = dateParser(value, timezone);
  } catch {
    return;
  }
  for (const date of resolved) {
    const year = Number(/^([+-]?\d+)-/.exec(date)?.[1] ?? Number.NaN);
    if (!(year >= FIRST_YEAR && year <= LAST_YEAR)) {
      throw new QueryRefusedError(
        `${where}: "${value.slice(0, 60)}" reaches ${Number.isNaN(year) ? 'an invalid date' : `year ${year}`}; dates must fall within years ${FIRST_YEAR}-${LAST_YEAR}`,
      );
    }
  }
}

function checkDateRange(range: Json, where: string, timezone: string): void {
  if (!Array.isArray(range)) {
    if (typeof range === 'string' && !looksAbsolute(range)) {
      checkRelativeRange(range, where, timezone);
    }
    checkDate(range, where);
    return;
  }
  // Cube reads each element of an array range as an absolute date (moment.utc): anything else
  // becomes "Invalid date" in the SQL and Postgres' error text in the answer.
  for (const value of range) {
    if (typeof value === 'string' && !looksAbsolute(value)) {
      throw new QueryRefusedError(
        `${where}: "${value.slice(0, 40)}" is not a valid date (an array range takes absolute dates, YYYY-MM-DD or YYYY-MM-DDTHH:mm:ss; a relative range is one string, e.g. "last 7 days")`,
      );
    }
    checkDate(value, where);
  }
  const [start, end] = range;
  if (
    typeof start === 'string' &&
    typeof end === 'string' &&
    isValidAbsoluteDate(start) &&
    isValidAbsoluteDate(end) &&
    Date.parse(start.slice(0, 10)) > Date.parse(end.slice(0, 10))
  ) {
    throw new QueryRefusedError(`${where}: the range starts (${start}) after it ends (${end})`);
  }
}

/**
 * Depth of nested arrays/objects, iteratively (a recursive walk could itself overflow); stops
 * counting once past `stopAbove`.
 */
export function jsonDepth(root: unknown, stopAbove: number = LIMITS.maxJsonDepth): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > stopAbove) return deepest;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Nesting of `[` and `{` in JSON text, without parsing it (brackets inside strings do not
 * count); stops once past `stopAbove`. For query strings that reach code before JSON.parse.
 */
export function jsonTextDepth(text: string, stopAbove: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Every member a query names, with where it names it (for the error message). */
function* memberReferences(query: JsonObject): Generator<[member: string, where: string]> {
  for (const key of ['measures', 'dimensions', 'segments'] as const) {
    const list = query[key];
    if (Array.isArray(list)) {
      for (const item of list) if (typeof item === 'string') yield [item, key];
    }
  }
  const timeDimensions = query.timeDimensions;
  if (Array.isArray(timeDimensions)) {
    for (const td of timeDimensions) {
      if (isObject(td) && typeof td.dimension === 'string') yield [td.dimension, 'timeDimensions'];
    }
  }
  const order = query.order;
  if (Array.isArray(order)) {
    for (const pair of order) {
      if (Array.isArray(pair) && typeof pair[0] === 'string') yield [pair[0], 'order'];
    }
  } else if (isObject(order)) {
    for (const member of Object.keys(order)) yield [member, 'order'];
  }
  const filters: Json[] = Array.isArray(query.filters) ? [...query.filters] : [];
  while (filters.length > 0) {
    const filter = filters.pop();
    if (!isObject(filter)) continue;
    for (const key of ['member', 'dimension'] as const) {
      const member = filter[key];
      if (typeof member === 'string') yield [member, 'filters'];
    }
    for (const key of ['and', 'or'] as const) {
      const group = filter[key];
      if (Array.isArray(group)) filters.push(...group);
    }
  }
  const joinHints = query.joinHints;
  if (Array.isArray(joinHints)) {
    for (const hint of joinHints) {
      if (Array.isArray(hint)) {
        for (const cube of hint) if (typeof cube === 'string') yield [cube, 'joinHints'];
      }
    }
  }
}

/** The cube a member-expression string (`{"cubeName": …}`, SQL API push-down) reads from. */
function expressionCube(reference: string): string | null {
  try {
    const parsed: unknown = JSON.parse(reference);
    return isObject(parsed) && typeof parsed.cubeName === 'string' ? parsed.cubeName : null;
  } catch {
    return null;
  }
}

function isHidden(reference: string, hidden: HiddenMembers): boolean {
  if (reference.startsWith('{')) {
    const cube = expressionCube(reference);
    return cube !== null && hidden.cubes.has(cube);
  }
  const [cube = '', name] = reference.split('.');
  return hidden.cubes.has(cube) || (name !== undefined && hidden.members.has(`${cube}.${name}`));
}

function checkFilters(filters: Json | undefined, limits: Limits, timezone: string): void {
  if (filters === undefined) return;
  let conditions = 0;
  const stack: Array<[Json, number]> = Array.isArray(filters) ? filters.map((f) => [f, 1]) : [];
  while (stack.length > 0) {
    const [filter, depth] = stack.pop() as [Json, number];
    if (!isObject(filter)) continue;
    const group = Array.isArray(filter.and)
      ? filter.and
      : Array.isArray(filter.or)
        ? filter.or
        : null;
    if (group) {
      if (depth > limits.maxFilterDepth) {
        throw new QueryRefusedError(
          `filters nest and/or groups deeper than ${limits.maxFilterDepth} levels`,
        );
      }
      for (const child of group) stack.push([child, depth + 1]);
      continue;
    }
    conditions += 1;
    if (conditions > limits.maxFiltersPerQuery) {
      throw new QueryRefusedError(
        `a query may have at most ${limits.maxFiltersPerQuery} filter conditions`,
      );
    }
    const values = filter.values;
    if (!Array.isArray(values)) continue;
    const member = typeof filter.member === 'string' ? filter.member : String(filter.dimension);
    if (values.length > limits.maxFilterValues) {
      throw new QueryRefusedError(
        `the filter on ${member} has ${count(values.length)} values; at most ${limits.maxFilterValues} are allowed`,
      );
    }
    for (const value of values) {
      if (typeof value === 'string' && value.length > limits.maxFilterValueChars) {
        throw new QueryRefusedError(
          `a value of the filter on ${member} has ${count(value.length)} characters; at most ${limits.maxFilterValueChars} are allowed`,
        );
      }
      if (typeof filter.operator === 'string' && DATE_OPERATORS.has(filter.operator)) {
        const where = `the ${filter.operator} filter on ${member}`;
        if (typeof value === 'string' && !looksAbsolute(value)) {
          checkRelativeRange(value, where, timezone);
        }
        checkDate(value, where);
      }
    }
  }
}

export type CheckOptions = {
  /** Member expressions (`{"cubeName": …}` strings) are for Cube's SQL API push-down only. */
  readonly allowMemberExpressions?: boolean;
  readonly limits?: Limits;
};

function checkOne(query: Json, hidden: HiddenMembers, options: CheckOptions): void {
  const limits = options.limits ?? LIMITS;
  if (!isObject(query)) {
    throw new QueryRefusedError(
      `query must be a JSON object (or an array of them); got ${Array.isArray(query) ? 'a nested array' : query === null ? 'null' : typeof query}`,
    );
  }
  for (const [member, where] of memberReferences(query)) {
    if (member.startsWith('{') && !options.allowMemberExpressions) {
      throw new QueryRefusedError(`member expressions (in ${where}) are not accepted here`);
    }
    if (isHidden(member, hidden)) {
      throw new QueryRefusedError(
        // Cube's own wording first, so clients written against stock Cube recognise the refusal.
        `You requested hidden member: '${member}' (in ${where}); it is not public: query the views listed by /meta instead`,
      );
    }
  }
  const members = ['measures', 'dimensions', 'timeDimensions', 'segments'].reduce(
    (n, key) => n + (Array.isArray(query[key]) ? (query[key] as Json[]).length : 0),
    0,
  );
  if (members > limits.maxMembersPerQuery) {
    throw new QueryRefusedError(
      `a query may name at most ${limits.maxMembersPerQuery} members; this one names ${count(members)}`,
    );
  }
  const { limit, offset } = query;
  if (typeof limit === 'number' && limit > limits.maxLimit) {
    throw new QueryRefusedError(
      `limit ${count(limit)} is over the maximum of ${count(limits.maxLimit)} rows`,
    );
  }
  if (typeof offset === 'number' && offset > limits.maxOffset) {
    throw new QueryRefusedError(
      `offset ${count(offset)} is over the maximum of ${count(limits.maxOffset)} rows`,
    );
  }
  const timezone = typeof query.timezone === 'string' ? query.timezone : 'UTC';
  checkFilters(query.filters, limits, timezone);
  if (Array.isArray(query.timeDimensions)) {
    for (const td of query.timeDimensions) {
      if (!isObject(td)) continue;
      const where = `the dateRange of ${String(td.dimension)}`;
      if (td.dateRange !== undefined) checkDateRange(td.dateRange, where, timezone);
      if (Array.isArray(td.compareDateRange)) {
        if (td.compareDateRange.length > limits.maxQueriesPerRequest) {
          throw new QueryRefusedError(
            `compareDateRange has ${count(td.compareDateRange.length)} ranges; at most ${limits.maxQueriesPerRequest} are allowed`,
          );
        }
        for (const range of td.compareDateRange) checkDateRange(range, where, timezone);
      }
    }
  }
}

/**
 * Throws QueryRefusedError, with a message naming the problem, when `query` (already parsed from
 * JSON) exceeds a bound, carries an invalid date, or names anything in `hidden`.
 */
export function checkQuery(
  query: unknown,
  hidden: HiddenMembers,
  options: CheckOptions = {},
): void {
  const limits = options.limits ?? LIMITS;
  const json = query as Json;
  if (jsonDepth(json) > limits.maxJsonDepth) {
    throw new QueryRefusedError(`the query nests deeper than ${limits.maxJsonDepth} levels`);
  }
  if (Array.isArray(json)) {
    if (json.length === 0) throw new QueryRefusedError('query is an empty array');
    if (json.length > limits.maxQueriesPerRequest) {
      throw new QueryRefusedError(
        `a request may carry at most ${limits.maxQueriesPerRequest} queries; this one carries ${count(json.length)}`,
      );
    }
    for (const one of json) checkOne(one, hidden, options);
    return;
  }
  checkOne(json, hidden, options);
}
