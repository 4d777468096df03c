/**
 * A pure TypeScript port of the result transform that Cube 1.7.43 runs natively.
 *
 * Cube's API gateway hands every `/load` (and GraphQL / WebSocket) result to
 * `@cubejs-backend/native`: `ResultWrapper.getFinalResult()` calls the Rust
 * `getFinalQueryResult(transformData, rawData, rootResultObject)` and
 * `ResultMultiWrapper.getFinalResult()` calls `getFinalQueryResultMulti(...)`. Both live in
 * `rust/cubeorchestrator/src/query_result_transform.rs` of the cube-js/cube repository (with the
 * DTOs in `transport.rs` and the raw-data decoding in `query_message_parser.rs`). This module
 * reproduces that code path step by step, so that a machine without the Rust module gets the same
 * JSON body:
 *
 * 1. **Raw data.** Cube's JS side pivots the driver rows to `{ members, columns }`
 *    (`rowsToColumnar`: the column names are the keys of the *first* row) and `JSON.stringify`s
 *    them into a Buffer that Rust decodes with serde. {@link rowsToColumnar} does the same, and
 *    {@link toWireValue} applies the JSON step to each cell (a `Date` becomes its ISO string, a
 *    missing key or `undefined` becomes `null`, `NaN` becomes `null`, objects are JSON-cloned).
 * 2. **Deserialisation.** `transformData` and the root result object are deserialised by serde
 *    into fixed structs. Unknown keys are dropped and `None` fields are skipped on output, so the
 *    zod schemas below mirror those structs (zod objects strip unknown keys too) and the
 *    `serialize*` functions write the fields back in struct order, skipping `null`/`undefined`.
 * 3. **Transform** ({@link transformQueryData}, Rust `TransformedData::transform`): map SQL aliases
 *    to member names ({@link getMembers}), format `time` members ({@link transformValue}), add the
 *    bare `Cube.dim` key for `Cube.dim.granularity` columns (the finest granularity wins), and the
 *    `compareDateRange` / `time.<granularity>` (blending) keys, in the `default` (array of rows),
 *    `compact` (`{ members, dataset }`) or `columnar` (`{ members, columns }`) layout.
 * 4. **Multi** ({@link finalQueryResultMulti}): the same for every result, plus `pivotQuery`
 *    ({@link getPivotQuery}).
 *
 * Values are passed through as the Rust passes them: what the Postgres driver returns as a string
 * (numeric, bigint/count, text, timestamps) stays a string, numbers (int4, float8) stay numbers,
 * booleans stay booleans, `null` stays `null`. Only `time` members are re-formatted (see
 * {@link transformValue}); Cube's Postgres driver already returns timestamps as
 * `YYYY-MM-DDTHH:mm:ss.SSS` strings, which the Rust leaves unchanged.
 *
 * Deliberate differences from the Rust (none of them reachable from Cube's REST `/load` path):
 * - where the Rust iterates a `HashMap`/`HashSet` (bare time-dimension members of the compact
 *   layout, the blending `pivotQuery` measures/dimensions, object keys of `annotation`), the order
 *   is unspecified there; here it is first-seen order.
 * - where the Rust would panic (a member name without a `.`; a blending query whose time dimension
 *   has no result column) this throws an `Error` or skips the member instead.
 * - the chrono parsers also accept a few unusual spellings (one-digit fields, extra whitespace)
 *   that are not reproduced; every shape Cube's drivers produce is (see {@link transformValue}).
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Constants (query_result_transform.rs)
// ---------------------------------------------------------------------------------------------

export const COMPARE_DATE_RANGE_FIELD = 'compareDateRange';
export const COMPARE_DATE_RANGE_SEPARATOR = ' - ';
export const BLENDING_QUERY_KEY_PREFIX = 'time.';
export const BLENDING_QUERY_RES_SEPARATOR = '.';
export const MEMBER_SEPARATOR = '.';

/** Rank of the predefined granularities: the smallest one wins the bare `Cube.dim` key. */
const GRANULARITY_LEVELS: ReadonlyMap<string, number> = new Map([
  ['second', 1],
  ['minute', 2],
  ['hour', 3],
  ['day', 4],
  ['week', 5],
  ['month', 6],
  ['quarter', 7],
  ['year', 8],
]);
/** Custom granularities rank after every predefined one. */
const DEFAULT_LEVEL_FOR_UNKNOWN = 10;

const hiddenMemberMessage = (member: string): string =>
  `You requested hidden member: '${member}'. Please make it visible using \`public: true\`. ` +
  'Please note primaryKey fields are `public: false` by default: ' +
  'https://cube.dev/docs/schema/reference/joins#setting-a-primary-key.';

// ---------------------------------------------------------------------------------------------
// Input schemas (transport.rs). serde `Option<T>` accepts `null` and a missing key: `.nullish()`.
// ---------------------------------------------------------------------------------------------

export const QueryTypeSchema = z.enum(['regularQuery', 'compareDateRangeQuery', 'blendingQuery']);
export type QueryType = z.output<typeof QueryTypeSchema>;

export const ResultTypeSchema = z.enum(['default', 'compact', 'columnar']);
export type ResultType = z.output<typeof ResultTypeSchema>;

const FILTER_OPERATORS = [
  'equals',
  'notEquals',
  'contains',
  'notContains',
  'in',
  'notIn',
  'gt',
  'gte',
  'lt',
  'lte',
  'set',
  'notSet',
  'inDateRange',
  'notInDateRange',
  'onTheDate',
  'beforeDate',
  'beforeOrOnDate',
  'afterDate',
  'afterOrOnDate',
  'measureFilter',
  'endsWith',
  'notEndsWith',
  'startsWith',
  'notStartsWith',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];
const FilterOperatorSchema = z.enum(FILTER_OPERATORS);

const u32 = z.number().int().min(0).max(4_294_967_295);

const GroupingSetSchema = z.object({
  groupType: z.string(),
  id: u32,
  subId: u32.nullish(),
});

/** `ParsedMemberExpression` (SQL API member expressions after parsing). */
const ParsedMemberExpressionSchema = z.object({
  expression: z.array(z.string()),
  cubeName: z.string(),
  name: z.string(),
  expressionName: z.string().nullish(),
  definition: z.string().nullish(),
  groupingSet: GroupingSetSchema.nullish(),
});

/** `MemberExpression`: `expression` is a JS function there, which the Rust reads as `None`. */
const MemberExpressionSchema = z.object({
  expression: z
    .unknown()
    .optional()
    .transform((value) => (typeof value === 'string' ? value : undefined)),
  cubeName: z.string(),
  name: z.string(),
  expressionName: z.string().nullish(),
  definition: z.string().nullish(),
  groupingSet: GroupingSetSchema.nullish(),
});

/** `MemberOrMemberExpression` (untagged: the first variant that fits wins). */
const MemberSchema = z.union([z.string(), ParsedMemberExpressionSchema, MemberExpressionSchema]);
type ParsedMember = z.output<typeof MemberSchema>;

const TimeDimensionSchema = z.object({
  dimension: z.string(),
  dateRange: z.array(z.string()).nullish(),
  compareDateRange: z.union([z.array(z.string()), z.array(z.array(z.string()))]).nullish(),
  granularity: z.string().nullish(),
});
type ParsedTimeDimension = z.output<typeof TimeDimensionSchema>;

const OrderSchema = z.object({ id: z.string(), desc: z.boolean() });

/** `NormalizedQuery`: the fields Cube 1.7.43's Rust keeps; everything else is dropped. */
export const NormalizedQuerySchema = z.object({
  measures: z.array(MemberSchema).nullish(),
  dimensions: z.array(MemberSchema).nullish(),
  timeDimensions: z.array(TimeDimensionSchema).nullish(),
  segments: z.array(MemberSchema).nullish(),
  limit: u32.nullish(),
  offset: u32.nullish(),
  total: z.boolean().nullish(),
  totalQuery: z.boolean().nullish(),
  timezone: z.string().nullish(),
  ungrouped: z.boolean().nullish(),
  responseFormat: ResultTypeSchema.nullish(),
  // `QueryFilterOrLogicalFilter` is an untagged recursive enum: decoded by `toFilter`.
  filters: z.array(z.unknown()).nullish(),
  rowLimit: u32.nullish(),
  order: z.array(OrderSchema).nullish(),
  queryType: QueryTypeSchema.nullish(),
});
type ParsedQuery = z.output<typeof NormalizedQuerySchema>;

/** `ConfigItem`: of an annotation entry the transform only reads the member `type`. */
const ConfigItemSchema = z.object({ type: z.string().nullish() });

/** `TransformDataRequest`, built by the gateway's `prepareResultTransformData`. */
export const TransformDataSchema = z.object({
  aliasToMemberNameMap: z.record(z.string(), z.string()),
  annotation: z.record(z.string(), ConfigItemSchema),
  query: NormalizedQuerySchema,
  queryType: QueryTypeSchema.nullish(),
  resType: ResultTypeSchema.nullish(),
});
export type TransformDataInput = z.input<typeof TransformDataSchema>;

const GranularityMetaSchema = z.object({
  name: z.string(),
  title: z.string(),
  interval: z.string().nullish(),
  offset: z.string().nullish(),
  origin: z.string().nullish(),
});

/** `AnnotatedConfigItem`: what the response's `annotation` keeps of each member. */
const AnnotatedConfigItemSchema = z.object({
  title: z.string().nullish(),
  shortTitle: z.string().nullish(),
  description: z.string().nullish(),
  type: z.string().nullish(),
  // A format name or a format object (`{ type: 'link', label }`, `{ type: 'custom-numeric', ... }`).
  format: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
  currency: z.string().nullish(),
  meta: z.unknown().optional(),
  drillMembers: z.array(z.unknown()).nullish(),
  drillMembersGrouped: z.unknown().optional(),
  granularity: GranularityMetaSchema.nullish(),
});

/** `RequestResultData`: the gateway's root result object (everything but `data`). */
export const RootResultObjectSchema = z.object({
  query: NormalizedQuerySchema,
  lastRefreshTime: z.string().nullish(),
  refreshKeyValues: z.array(z.unknown()).nullish(),
  usedPreAggregations: z.unknown().optional(),
  transformedQuery: z.unknown().optional(),
  requestId: z.string().nullish(),
  annotation: z.record(z.string(), z.record(z.string(), AnnotatedConfigItemSchema)),
  dataSource: z.string().nullish(),
  dbType: z.string().nullish(),
  extDbType: z.string().nullish(),
  external: z.boolean().nullish(),
  slowQuery: z.boolean(),
  total: z.number().int().min(0).nullish(),
});
export type RootResultObjectInput = z.input<typeof RootResultObjectSchema>;
type ParsedRoot = z.output<typeof RootResultObjectSchema>;

/** `RequestResultDataMulti` as `ResultMultiWrapper` builds it (`pivotQuery` is recomputed). */
export const MultiResponseSchema = z.object({
  queryType: QueryTypeSchema,
  results: z.array(RootResultObjectSchema),
  slowQuery: z.boolean(),
});
export type MultiResponseInput = z.input<typeof MultiResponseSchema>;

/** A row as the driver returns it: SQL alias -> value (string, number, boolean, Date, null...). */
export type DriverRow = Readonly<Record<string, unknown>>;
export type DriverRows = Iterable<DriverRow> | null | undefined;

function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`Can't deserialize ${what}: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// Output types
// ---------------------------------------------------------------------------------------------

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };
/** `DBResponsePrimitive`: a cell of the response (`Uncommon` = any JSON array/object). */
export type ResponsePrimitive = JsonValue;

export type OutMember =
  | string
  | {
      expression?: string | string[];
      cubeName: string;
      name: string;
      expressionName?: string;
      definition?: string;
      groupingSet?: { groupType: string; id: number; subId: number | null };
    };

export interface OutTimeDimension {
  dimension: string;
  dateRange?: string[];
  compareDateRange?: string[] | string[][];
  granularity?: string;
}

export type OutFilter =
  | { member: string; operator: FilterOperator; values?: ResponsePrimitive[]; dimension?: string }
  | { and: OutFilter[] }
  | { or: OutFilter[] };

export interface OutNormalizedQuery {
  measures?: OutMember[];
  dimensions?: OutMember[];
  timeDimensions?: OutTimeDimension[];
  segments?: OutMember[];
  limit?: number;
  offset?: number;
  total?: boolean;
  totalQuery?: boolean;
  timezone?: string;
  ungrouped?: boolean;
  responseFormat?: ResultType;
  filters?: OutFilter[];
  rowLimit?: number;
  order?: { id: string; desc: boolean }[];
  queryType?: QueryType;
}

export interface OutGranularityMeta {
  name: string;
  title: string;
  interval?: string;
  offset?: string;
  origin?: string;
}

export interface OutAnnotatedConfigItem {
  title?: string;
  shortTitle?: string;
  description?: string;
  type?: string;
  format?: unknown;
  currency?: string;
  meta?: unknown;
  drillMembers?: unknown[];
  drillMembersGrouped?: unknown;
  granularity?: OutGranularityMeta;
}

export type VanillaRow = Record<string, ResponsePrimitive>;
export interface CompactData {
  members: string[];
  dataset: ResponsePrimitive[][];
}
export interface ColumnarData {
  members: string[];
  columns: ResponsePrimitive[][];
}
/** `TransformedData`: `default` -> rows, `compact` -> `{ members, dataset }`, `columnar`. */
export type TransformedData = VanillaRow[] | CompactData | ColumnarData;

/** The `/load` body of one query (Rust `RequestResultData`, fields in serialisation order). */
export interface FinalQueryResult {
  query: OutNormalizedQuery;
  lastRefreshTime?: string;
  refreshKeyValues?: unknown[];
  usedPreAggregations?: unknown;
  transformedQuery?: unknown;
  requestId?: string;
  annotation: Record<string, Record<string, OutAnnotatedConfigItem>>;
  dataSource?: string;
  dbType?: string;
  extDbType?: string;
  external?: boolean;
  slowQuery: boolean;
  total?: number;
  data?: TransformedData;
}

/** The `/load?queryType=multi` body (Rust `RequestResultDataMulti`). */
export interface FinalQueryResultMulti {
  queryType: QueryType;
  results: FinalQueryResult[];
  pivotQuery?: OutNormalizedQuery;
  slowQuery: boolean;
}

// ---------------------------------------------------------------------------------------------
// Raw data: rows -> `{ members, columns }` (ResultWrapper.js `rowsToColumnar` + JSON.stringify)
// ---------------------------------------------------------------------------------------------

export interface RawColumnarData {
  /** SQL aliases, in the key order of the first row. */
  members: string[];
  /** One array per alias, one cell per row. */
  columns: ResponsePrimitive[][];
}

/**
 * A cell as the Rust receives it: Cube serialises the columnar data with `JSON.stringify`, so a
 * `Date` arrives as its ISO string (`2024-01-01T00:00:00.000Z`), `undefined` and non-finite numbers
 * as `null`, and objects (JSON columns, Buffers) as their JSON form. A `bigint` throws, as there.
 */
export function toWireValue(value: unknown): ResponsePrimitive {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'undefined':
    case 'function':
    case 'symbol':
      return null;
    default: {
      if (value === null) {
        return null;
      }
      const json: string | undefined = JSON.stringify(value);
      return json === undefined ? null : (JSON.parse(json) as JsonValue);
    }
  }
}

/** Cube's `rowsToColumnar`: the columns are the keys of the first row; missing cells are null. */
export function rowsToColumnar(rows: DriverRows): RawColumnarData {
  const list: readonly DriverRow[] = Array.isArray(rows) ? rows : rows ? Array.from(rows) : [];
  const first = list[0];
  if (first === undefined) {
    return { members: [], columns: [] };
  }
  const members = Object.keys(first);
  const columns = members.map((member) => list.map((row) => toWireValue(row[member])));
  return { members, columns };
}

// ---------------------------------------------------------------------------------------------
// Value formatting (`transform_value`)
// ---------------------------------------------------------------------------------------------

const DATE_TIME = String.raw`(\d{4})-(\d{2})-(\d{2})`;
const CLOCK = String.raw`(\d{2}):(\d{2}):(\d{2})`;
/** chrono `DateTime::parse_from_rfc3339`: `T`, `t` or space, optional fraction, `Z` or `±HH:MM`. */
const RFC3339 = new RegExp(
  String.raw`^${DATE_TIME}[Tt ]${CLOCK}(?:\.(\d+))?(?:[Zz]|[+\-\u2212](\d{2}):(\d{2}))$`,
);
/** `%Y-%m-%d %H:%M:%S%.3f` (the fraction is optional when parsing) and `%Y-%m-%d %H:%M:%S`. */
const SPACE_SEPARATED = new RegExp(String.raw`^${DATE_TIME} ${CLOCK}(?:\.(\d+))?$`);
/** `%Y-%m-%dT%H:%M:%S`: a `T` without a fraction. */
const T_SEPARATED_WITHOUT_FRACTION = new RegExp(`^${DATE_TIME}T${CLOCK}$`);
/** `%Y-%m-%d %H:%M:%S%.3f %Z`: chrono skips the zone name (any non-space run) when parsing. */
const SPACE_SEPARATED_WITH_ZONE = new RegExp(String.raw`^${DATE_TIME} ${CLOCK}(?:\.(\d+))? \S*$`);

const isLeapYear = (year: number): boolean =>
  (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/**
 * `%Y-%m-%dT%H:%M:%S%.3f` of the matched fields, or null when chrono would reject the value
 * (invalid calendar date or clock; second 60 is chrono's leap second and is kept).
 */
function formatMatchedDateTime(match: RegExpExecArray): string | null {
  const [, year = '', month = '', day = '', hour = '', minute = '', second = ''] = match;
  const fraction = match[7] ?? '';
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(Number(year), m)) {
    return null;
  }
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 60) {
    return null;
  }
  // `%.3f` prints the milliseconds of the parsed nanoseconds: the fraction's first three digits.
  const millis = `${fraction}000`.slice(0, 3);
  return `${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}`;
}

/** The Rust `transform_value` for a string of a `time` member: the first parser that fits wins. */
function formatTimeString(value: string): string {
  const rfc3339 = RFC3339.exec(value);
  // RFC 3339 with an offset keeps the wall-clock time of that offset (no conversion to UTC).
  if (rfc3339 && Number(rfc3339[8] ?? '0') <= 23 && Number(rfc3339[9] ?? '0') <= 59) {
    const formatted = formatMatchedDateTime(rfc3339);
    if (formatted !== null) {
      return formatted;
    }
  }
  for (const parser of [SPACE_SEPARATED, T_SEPARATED_WITHOUT_FRACTION, SPACE_SEPARATED_WITH_ZONE]) {
    const match = parser.exec(value);
    const formatted = match && formatMatchedDateTime(match);
    if (formatted) {
      return formatted;
    }
  }
  // Nothing parsed: the string is sent as it came, e.g. `2024-01-01T00:00:00.000` from Postgres.
  return value;
}

/**
 * Rust `transform_value(value, type)`: only strings of `time` members are touched; they are
 * normalised to `YYYY-MM-DDTHH:mm:ss.SSS` when they parse as one of the accepted shapes
 * (`2024-01-01 12:30:15.123`, `2024-01-01 12:30:15`, `2024-01-01T12:30:15`,
 * `2024-01-01T12:30:15.123Z`, `2024-01-01 12:30:15.123 UTC`, ...). Everything else, including a
 * Postgres `2024-01-01T12:30:15.123`, passes through unchanged.
 */
export function transformValue(value: ResponsePrimitive, memberType: string): ResponsePrimitive {
  return typeof value === 'string' && memberType === 'time' ? formatTimeString(value) : value;
}

// ---------------------------------------------------------------------------------------------
// compareDateRange / blending helpers
// ---------------------------------------------------------------------------------------------

type TimeDimensionLike = z.input<typeof TimeDimensionSchema>;

/** Rust `{:?}` of a `QueryTimeDimension`, as it appears in the blending error messages. */
function debugTimeDimension(td: TimeDimensionLike): string {
  const str = (s: string): string => JSON.stringify(s);
  const list = (items: readonly string[]): string => `[${items.map(str).join(', ')}]`;
  const dateRange = td.dateRange ? `Some(${list(td.dateRange)})` : 'None';
  const compare = td.compareDateRange;
  let compareDebug = 'None';
  if (compare) {
    const nested = compare.some((item) => Array.isArray(item));
    compareDebug = nested
      ? `Some(Multi([${(compare as string[][]).map(list).join(', ')}]))`
      : `Some(Single(${list(compare as string[])}))`;
  }
  const granularity = td.granularity ? `Some(${str(td.granularity)})` : 'None';
  return (
    `QueryTimeDimension { dimension: ${str(td.dimension)}, date_range: ${dateRange}, ` +
    `compare_date_range: ${compareDebug}, granularity: ${granularity} }`
  );
}

/** Rust `get_date_range_value`: the `compareDateRange` value, from the first time dimension. */
export function getDateRangeValue(
  timeDimensions: readonly TimeDimensionLike[] | null | undefined,
): string {
  if (!timeDimensions) {
    throw new Error('QueryTimeDimension should be specified for the compare date range query.');
  }
  const [dim] = timeDimensions;
  if (!dim) {
    throw new Error('No time dimension provided.');
  }
  const { dateRange } = dim;
  if (!dateRange) {
    throw new Error('Inconsistent QueryTimeDimension configuration: dateRange required.');
  }
  if (dateRange.length === 1) {
    throw new Error(
      `Inconsistent dateRange configuration for the compare date range query: ${dateRange[0]}`,
    );
  }
  return dateRange.join(COMPARE_DATE_RANGE_SEPARATOR);
}

function blendingTimeDimension(timeDimensions: readonly TimeDimensionLike[] | null | undefined): {
  dimension: string;
  granularity: string;
} {
  const dim = timeDimensions?.[0];
  if (!dim) {
    throw new Error('QueryTimeDimension should be specified for the blending query.');
  }
  if (!dim.granularity) {
    throw new Error(
      'Inconsistent QueryTimeDimension configuration for the blending query, granularity required: ' +
        debugTimeDimension(dim),
    );
  }
  return { dimension: dim.dimension, granularity: dim.granularity };
}

/** Rust `get_blending_query_key`: `time.<granularity>` of the first time dimension. */
export function getBlendingQueryKey(
  timeDimensions: readonly TimeDimensionLike[] | null | undefined,
): string {
  return `${BLENDING_QUERY_KEY_PREFIX}${blendingTimeDimension(timeDimensions).granularity}`;
}

/** Rust `get_blending_response_key`: `<dimension>.<granularity>` of the first time dimension. */
export function getBlendingResponseKey(
  timeDimensions: readonly TimeDimensionLike[] | null | undefined,
): string {
  const { dimension, granularity } = blendingTimeDimension(timeDimensions);
  return `${dimension}${BLENDING_QUERY_RES_SEPARATOR}${granularity}`;
}

// ---------------------------------------------------------------------------------------------
// Members (`get_members`)
// ---------------------------------------------------------------------------------------------

const memberName = (member: ParsedMember): string =>
  typeof member === 'string' ? member : member.name;

/** The parsed request with its maps as `Map`s (no prototype keys). */
interface ParsedRequest {
  aliasToMember: Map<string, string>;
  annotationTypes: Map<string, string>;
  query: ParsedQuery;
  queryType: QueryType;
  resType: ResultType | null | undefined;
}

function toRequest(transformData: unknown): ParsedRequest {
  const parsed = parseInput(TransformDataSchema, transformData, 'transformData');
  return {
    aliasToMember: new Map(Object.entries(parsed.aliasToMemberNameMap)),
    annotationTypes: new Map(
      Object.entries(parsed.annotation).map(([member, item]) => [member, item.type ?? '']),
    ),
    query: parsed.query,
    queryType: parsed.queryType ?? 'regularQuery',
    resType: parsed.resType,
  };
}

function ensureMemberInAnnotation(member: string, annotationTypes: Map<string, string>): void {
  if (!annotationTypes.has(member)) {
    throw new Error(hiddenMemberMessage(member));
  }
}

/**
 * With an empty result the requested members are still checked against the annotation, so a
 * member hidden by access policies fails instead of silently returning nothing. Time dimensions
 * without granularity only filter and have no annotation.
 */
function validateQueryMembersInAnnotation(request: ParsedRequest): void {
  const { query, annotationTypes } = request;
  for (const member of [...(query.measures ?? []), ...(query.dimensions ?? [])]) {
    ensureMemberInAnnotation(memberName(member), annotationTypes);
  }
  for (const td of query.timeDimensions ?? []) {
    if (td.granularity) {
      ensureMemberInAnnotation(td.dimension, annotationTypes);
    }
  }
}

/**
 * Rust `compute_vanilla_granularity_track`: for a `Cube.dim.granularity` member whose bare
 * `Cube.dim` is not itself a query dimension, the bare member and the granularity's rank.
 */
export function granularityTrack(
  member: string,
  dimensions: readonly unknown[] | null | undefined,
): { baseMember: string; level: number } | null {
  const parts = member.split(MEMBER_SEPARATOR);
  if (parts.length !== 3) {
    return null;
  }
  const [cube = '', dim = '', granularity = ''] = parts;
  const baseMember = `${cube}${MEMBER_SEPARATOR}${dim}`;
  if (dimensions?.some((d) => d === baseMember)) {
    return null;
  }
  return { baseMember, level: GRANULARITY_LEVELS.get(granularity) ?? DEFAULT_LEVEL_FOR_UNKNOWN };
}

export interface Members {
  /** Member name -> SQL alias (the tail keys map to `compareDateRangeQuery` / an alias). */
  membersToAlias: Map<string, string>;
  /** The response members, in order: result columns, bare time dimensions, tail key. */
  members: string[];
}

function membersOf(request: ParsedRequest, columnNames: readonly string[]): Members {
  const membersToAlias = new Map<string, string>();
  const members: string[] = [];
  if (columnNames.length === 0) {
    validateQueryMembersInAnnotation(request);
    return { membersToAlias, members };
  }
  const { query } = request;
  // Deprecated time dimensions without granularity: the bare member takes the finest column.
  const minimalGranularities = new Map<string, { level: number; column: string }>();
  for (const column of columnNames) {
    const member = request.aliasToMember.get(column);
    if (member === undefined) {
      throw new Error(`Member name not found for alias: '${column}'`);
    }
    ensureMemberInAnnotation(member, request.annotationTypes);
    membersToAlias.set(member, column);
    members.push(member);
    const track = granularityTrack(member, query.dimensions);
    if (track) {
      const existing = minimalGranularities.get(track.baseMember);
      if (!existing || existing.level >= track.level) {
        minimalGranularities.set(track.baseMember, { level: track.level, column });
      }
    }
  }
  for (const [member, { column }] of minimalGranularities) {
    membersToAlias.set(member, column);
    members.push(member);
  }
  if (request.queryType === 'compareDateRangeQuery') {
    membersToAlias.set(COMPARE_DATE_RANGE_FIELD, 'compareDateRangeQuery');
    members.push(COMPARE_DATE_RANGE_FIELD);
  } else if (request.queryType === 'blendingQuery') {
    let blendingKey: string;
    try {
      blendingKey = getBlendingQueryKey(query.timeDimensions);
    } catch {
      // anyhow's `.context(...)`: only the outer message is shown.
      throw new Error('Failed to generate blending query key');
    }
    const dimension = query.timeDimensions?.[0]?.dimension ?? '';
    const alias = membersToAlias.get(dimension);
    if (alias === undefined) {
      // The Rust unwraps here (a panic); a clear error is more useful.
      throw new Error(`Blending query: no result column for time dimension '${dimension}'`);
    }
    membersToAlias.set(blendingKey, alias);
    members.push(blendingKey);
  }
  return { membersToAlias, members };
}

/** Rust `get_members` for the result columns (SQL aliases) of a query. */
export function getMembers(
  transformData: TransformDataInput,
  columnNames: readonly string[],
): Members {
  return membersOf(toRequest(transformData), columnNames);
}

// ---------------------------------------------------------------------------------------------
// Transform (`TransformedData::transform`)
// ---------------------------------------------------------------------------------------------

interface Cell {
  kind: 'cell';
  column: readonly ResponsePrimitive[];
  memberType: string;
}
interface Constant {
  kind: 'constant';
  value: ResponsePrimitive;
}

const columnIndexes = (raw: RawColumnarData): Map<string, number> =>
  new Map(raw.members.map((alias, index) => [alias, index]));

/** `build_compact_plan`: one entry per output cell; unresolvable members are skipped. */
function compactPlan(
  request: ParsedRequest,
  raw: RawColumnarData,
  members: Members,
): (Cell | Constant)[] {
  const positions = columnIndexes(raw);
  const cellOf = (alias: string | undefined, memberType: string): Cell | null => {
    const index = alias === undefined ? undefined : positions.get(alias);
    const column = index === undefined ? undefined : raw.columns[index];
    return column ? { kind: 'cell', column, memberType } : null;
  };
  const plan: (Cell | Constant)[] = [];
  for (const member of members.members) {
    const memberType = request.annotationTypes.get(member);
    const cell =
      memberType === undefined ? null : cellOf(members.membersToAlias.get(member), memberType);
    if (cell) {
      plan.push(cell);
    }
  }
  const timeDimensions = request.query.timeDimensions;
  if (request.queryType === 'compareDateRangeQuery') {
    plan.push({ kind: 'constant', value: getDateRangeValue(timeDimensions) });
  } else if (request.queryType === 'blendingQuery') {
    const alias = members.membersToAlias.get(getBlendingResponseKey(timeDimensions));
    // The Rust reads the type under the alias, not the member: usually '' (no time formatting).
    const cell = cellOf(
      alias,
      alias === undefined ? '' : (request.annotationTypes.get(alias) ?? ''),
    );
    if (cell) {
      plan.push(cell);
    }
  }
  return plan;
}

/** `build_columnar_plan`: one column per member; unresolvable ones are filled with nulls. */
function columnarPlan(
  request: ParsedRequest,
  raw: RawColumnarData,
  members: Members,
): (Cell | Constant)[] {
  const positions = columnIndexes(raw);
  const columnOf = (alias: string | undefined): readonly ResponsePrimitive[] | undefined => {
    const index = alias === undefined ? undefined : positions.get(alias);
    return index === undefined ? undefined : raw.columns[index];
  };
  const timeDimensions = request.query.timeDimensions;
  return members.members.map((member, i): Cell | Constant => {
    const memberType = request.annotationTypes.get(member);
    const column =
      memberType === undefined ? undefined : columnOf(members.membersToAlias.get(member));
    if (column && memberType !== undefined) {
      return { kind: 'cell', column, memberType };
    }
    if (i === members.members.length - 1) {
      if (request.queryType === 'compareDateRangeQuery') {
        return { kind: 'constant', value: getDateRangeValue(timeDimensions) };
      }
      if (request.queryType === 'blendingQuery') {
        const alias = members.membersToAlias.get(getBlendingResponseKey(timeDimensions));
        const blendingColumn = columnOf(alias);
        if (alias !== undefined && blendingColumn) {
          const aliasType = request.annotationTypes.get(alias) ?? '';
          return { kind: 'cell', column: blendingColumn, memberType: aliasType };
        }
      }
    }
    return { kind: 'constant', value: null };
  });
}

const cellValue = (entry: Cell | Constant, rowIndex: number): ResponsePrimitive =>
  entry.kind === 'constant'
    ? entry.value
    : transformValue(entry.column[rowIndex] ?? null, entry.memberType);

const rowCountOf = (raw: RawColumnarData): number => raw.columns[0]?.length ?? 0;

/** `build_vanilla_plan` + `get_vanilla_row`: one object per row, keyed by member name. */
function vanillaRows(request: ParsedRequest, raw: RawColumnarData): VanillaRow[] {
  const { query } = request;
  const columns: { member: string; column: readonly ResponsePrimitive[]; memberType: string }[] =
    [];
  // Bare `Cube.dim` -> its `Cube.dim.granularity` candidates, in column order.
  const candidatesForBase = new Map<string, { level: number; member: string }[]>();
  raw.members.forEach((alias, index) => {
    const member = request.aliasToMember.get(alias);
    if (member === undefined) {
      throw new Error(`Missing member name for alias: ${alias}`);
    }
    ensureMemberInAnnotation(member, request.annotationTypes);
    const track = granularityTrack(member, query.dimensions);
    if (track) {
      const candidates = candidatesForBase.get(track.baseMember) ?? [];
      candidates.push({ level: track.level, member });
      candidatesForBase.set(track.baseMember, candidates);
    }
    columns.push({
      member,
      column: raw.columns[index] ?? [],
      memberType: request.annotationTypes.get(member) ?? '',
    });
  });

  let tail: ((row: VanillaRow) => void) | null = null;
  if (request.queryType === 'compareDateRangeQuery') {
    const value = getDateRangeValue(query.timeDimensions);
    tail = (row) => {
      row[COMPARE_DATE_RANGE_FIELD] = value;
    };
  } else if (request.queryType === 'blendingQuery') {
    const blendingKey = getBlendingQueryKey(query.timeDimensions);
    const responseKey = getBlendingResponseKey(query.timeDimensions);
    tail = (row) => {
      if (Object.hasOwn(row, responseKey)) {
        row[blendingKey] = row[responseKey] ?? null;
      }
    };
  }

  const rowCount = rowCountOf(raw);
  const rows: VanillaRow[] = new Array(rowCount);
  for (let rowIndex = 0; rowIndex < rowCount; rowIndex++) {
    const row: VanillaRow = {};
    for (const { member, column, memberType } of columns) {
      row[member] = transformValue(column[rowIndex] ?? null, memberType);
    }
    for (const [baseMember, candidates] of candidatesForBase) {
      // The finest granularity wins; on a tie the later column does.
      let best: { level: number; member: string } | undefined;
      for (const candidate of candidates) {
        if (!best || best.level >= candidate.level) {
          best = candidate;
        }
      }
      if (best) {
        row[baseMember] = row[best.member] ?? null;
      }
    }
    tail?.(row);
    rows[rowIndex] = row;
  }
  return rows;
}

function transformRequest(request: ParsedRequest, raw: RawColumnarData): TransformedData {
  const members = membersOf(request, raw.members);
  const rowCount = rowCountOf(raw);
  switch (request.resType) {
    case 'compact': {
      const plan = compactPlan(request, raw, members);
      const dataset: ResponsePrimitive[][] = new Array(rowCount);
      for (let rowIndex = 0; rowIndex < rowCount; rowIndex++) {
        dataset[rowIndex] = plan.map((entry) => cellValue(entry, rowIndex));
      }
      return { members: members.members, dataset };
    }
    case 'columnar': {
      const plan = columnarPlan(request, raw, members);
      const columns = plan.map((entry) => {
        const column: ResponsePrimitive[] = new Array(rowCount);
        for (let rowIndex = 0; rowIndex < rowCount; rowIndex++) {
          column[rowIndex] = cellValue(entry, rowIndex);
        }
        return column;
      });
      return { members: members.members, columns };
    }
    default:
      return vanillaRows(request, raw);
  }
}

/** Rust `TransformedData::transform`: the `data` of one result, from the driver rows. */
export function transformQueryData(
  transformData: TransformDataInput,
  rows: DriverRows,
): TransformedData {
  return transformRequest(toRequest(transformData), rowsToColumnar(rows));
}

// ---------------------------------------------------------------------------------------------
// Serialisation (serde `Serialize` of the DTOs: struct field order, `None` skipped)
// ---------------------------------------------------------------------------------------------

/** Adds `key` unless the value is `None` (null or undefined), as `skip_serializing_if`. */
function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | null): void {
  if (value !== null && value !== undefined) {
    target[key] = value;
  }
}

function serializeMember(member: ParsedMember): OutMember {
  if (typeof member === 'string') {
    return member;
  }
  const out: Exclude<OutMember, string> = { cubeName: member.cubeName, name: member.name };
  // Field order of the Rust structs: expression, cubeName, name, expressionName, definition, ...
  const ordered: Exclude<OutMember, string> =
    member.expression === undefined ? out : { expression: member.expression, ...out };
  put(ordered, 'expressionName', member.expressionName);
  put(ordered, 'definition', member.definition);
  if (member.groupingSet) {
    const { groupType, id, subId } = member.groupingSet;
    // `sub_id` has no `skip_serializing_if`: `None` is written as `null`.
    ordered.groupingSet = { groupType, id, subId: subId ?? null };
  }
  return ordered;
}

function serializeTimeDimension(td: ParsedTimeDimension): OutTimeDimension {
  const out: OutTimeDimension = { dimension: td.dimension };
  put(out, 'dateRange', td.dateRange);
  put(out, 'compareDateRange', td.compareDateRange);
  put(out, 'granularity', td.granularity);
  return out;
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isOperator = (value: unknown): value is FilterOperator =>
  FilterOperatorSchema.safeParse(value).success;

/**
 * `QueryFilterOrLogicalFilter`, an untagged enum tried in order: `QueryFilter` (string values),
 * `{ and }`, `{ or }`, then `NormalizedQueryFilter` (any JSON values, e.g. `null`, plus
 * `dimension`). Keys of no variant are dropped.
 */
function toFilter(value: unknown): OutFilter {
  if (!isRecord(value)) {
    throw new Error(`Can't deserialize query filter: ${JSON.stringify(value)}`);
  }
  const { member, operator, values, dimension } = value;
  const memberFilter = typeof member === 'string' && isOperator(operator);
  const noValues = values === null || values === undefined;
  if (
    memberFilter &&
    (noValues || (Array.isArray(values) && values.every((v) => typeof v === 'string')))
  ) {
    const out: OutFilter = { member, operator };
    put(out, 'values', noValues ? null : (values as string[]));
    return out;
  }
  if (Array.isArray(value.and)) {
    return { and: value.and.map(toFilter) };
  }
  if (Array.isArray(value.or)) {
    return { or: value.or.map(toFilter) };
  }
  if (memberFilter && (noValues || Array.isArray(values))) {
    const out: OutFilter = { member, operator };
    put(out, 'values', noValues ? null : (values as unknown[]).map(toWireValue));
    if (dimension !== null && dimension !== undefined) {
      if (typeof dimension !== 'string') {
        throw new Error(`Can't deserialize query filter: ${JSON.stringify(value)}`);
      }
      out.dimension = dimension;
    }
    return out;
  }
  throw new Error(`Can't deserialize query filter: ${JSON.stringify(value)}`);
}

function serializeQuery(query: ParsedQuery): OutNormalizedQuery {
  const out: OutNormalizedQuery = {};
  put(out, 'measures', query.measures?.map(serializeMember));
  put(out, 'dimensions', query.dimensions?.map(serializeMember));
  put(out, 'timeDimensions', query.timeDimensions?.map(serializeTimeDimension));
  put(out, 'segments', query.segments?.map(serializeMember));
  put(out, 'limit', query.limit);
  put(out, 'offset', query.offset);
  put(out, 'total', query.total);
  put(out, 'totalQuery', query.totalQuery);
  put(out, 'timezone', query.timezone);
  put(out, 'ungrouped', query.ungrouped);
  put(out, 'responseFormat', query.responseFormat);
  put(out, 'filters', query.filters?.map(toFilter));
  put(out, 'rowLimit', query.rowLimit);
  put(
    out,
    'order',
    query.order?.map(({ id, desc }) => ({ id, desc })),
  );
  put(out, 'queryType', query.queryType);
  return out;
}

function serializeAnnotation(
  annotation: ParsedRoot['annotation'],
): Record<string, Record<string, OutAnnotatedConfigItem>> {
  const out: Record<string, Record<string, OutAnnotatedConfigItem>> = {};
  for (const [section, items] of Object.entries(annotation)) {
    const sectionOut: Record<string, OutAnnotatedConfigItem> = {};
    for (const [member, item] of Object.entries(items)) {
      const itemOut: OutAnnotatedConfigItem = {};
      put(itemOut, 'title', item.title);
      put(itemOut, 'shortTitle', item.shortTitle);
      put(itemOut, 'description', item.description);
      put(itemOut, 'type', item.type);
      put(itemOut, 'format', item.format);
      put(itemOut, 'currency', item.currency);
      put(itemOut, 'meta', item.meta);
      put(itemOut, 'drillMembers', item.drillMembers);
      put(itemOut, 'drillMembersGrouped', item.drillMembersGrouped);
      if (item.granularity) {
        const { name, title, interval, offset, origin } = item.granularity;
        const granularity: OutGranularityMeta = { name, title };
        put(granularity, 'interval', interval);
        put(granularity, 'offset', offset);
        put(granularity, 'origin', origin);
        itemOut.granularity = granularity;
      }
      sectionOut[member] = itemOut;
    }
    out[section] = sectionOut;
  }
  return out;
}

function serializeResult(root: ParsedRoot, data: TransformedData | undefined): FinalQueryResult {
  const query = serializeQuery(root.query);
  const annotation = serializeAnnotation(root.annotation);
  const { slowQuery } = root;
  // Filled in struct field order, so that the JSON keys come out as the Rust writes them.
  const out: Partial<FinalQueryResult> = { query };
  put(out, 'lastRefreshTime', root.lastRefreshTime);
  put(out, 'refreshKeyValues', root.refreshKeyValues);
  put(out, 'usedPreAggregations', root.usedPreAggregations);
  put(out, 'transformedQuery', root.transformedQuery);
  put(out, 'requestId', root.requestId);
  out.annotation = annotation;
  put(out, 'dataSource', root.dataSource);
  put(out, 'dbType', root.dbType);
  put(out, 'extDbType', root.extDbType);
  put(out, 'external', root.external);
  out.slowQuery = slowQuery;
  put(out, 'total', root.total);
  put(out, 'data', data);
  // The required fields are already in place: re-assigning them keeps their position.
  return { ...out, query, annotation, slowQuery };
}

// ---------------------------------------------------------------------------------------------
// Pivot query (`get_pivot_query`)
// ---------------------------------------------------------------------------------------------

/** Rust `get_pivot_query` over already serialised (i.e. normalised) queries. */
export function getPivotQuery(
  queryType: QueryType,
  queries: readonly OutNormalizedQuery[],
): OutNormalizedQuery {
  const [first] = queries;
  if (!first) {
    throw new Error('Queries list cannot be empty');
  }
  // Only top-level members are replaced below and `withQueryType` builds a new object, so the
  // nested values can be shared with `first` (the result is serialised right away); a deep clone
  // here was ~1 % of Cube's busy time on the uncached tab (bench/results/history.md).
  const pivot: OutNormalizedQuery = { ...first };
  if (queryType === 'blendingQuery') {
    // Merged and de-duplicated over all queries (a HashSet in the Rust: first-seen order here).
    const merge = (key: 'measures' | 'dimensions'): OutMember[] | undefined => {
      const seen = new Map<string, OutMember>();
      for (const query of queries) {
        for (const member of query[key] ?? []) {
          const id = JSON.stringify(member);
          if (!seen.has(id)) {
            seen.set(id, member);
          }
        }
      }
      return seen.size > 0 ? [...seen.values()] : undefined;
    };
    pivot.measures = merge('measures');
    pivot.dimensions = merge('dimensions');
    const [granularity] = queries
      .map((query) => query.timeDimensions?.[0]?.granularity)
      .filter((value): value is string => Boolean(value));
    if (granularity) {
      pivot.timeDimensions = [{ dimension: 'time', granularity }];
    }
  } else if (queryType === 'compareDateRangeQuery') {
    pivot.dimensions = [COMPARE_DATE_RANGE_FIELD, ...(pivot.dimensions ?? [])];
  }
  return withQueryType(pivot, queryType);
}

/** Sets `queryType` and restores the struct field order (`queryType` is the last field). */
function withQueryType(query: OutNormalizedQuery, queryType: QueryType): OutNormalizedQuery {
  const order: (keyof OutNormalizedQuery)[] = [
    'measures',
    'dimensions',
    'timeDimensions',
    'segments',
    'limit',
    'offset',
    'total',
    'totalQuery',
    'timezone',
    'ungrouped',
    'responseFormat',
    'filters',
    'rowLimit',
    'order',
  ];
  const out: OutNormalizedQuery = {};
  for (const key of order) {
    put(out, key, query[key]);
  }
  out.queryType = queryType;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/**
 * Native `getFinalQueryResult(transformData, rawData, rootResultObject)`: the `/load` body of
 * one query, as a plain object (the native returns its JSON bytes).
 *
 * @param transformData what the gateway's `prepareResultTransformData` stores on the wrapper
 *   (`aliasToMemberNameMap`, flattened `annotation`, normalised `query`, `queryType`, `resType`).
 * @param rows the driver rows, keyed by SQL alias.
 * @param rootResultObject the wrapper's root result object (`query`, `annotation`, `slowQuery`...).
 */
export function finalQueryResult(
  transformData: TransformDataInput,
  rows: DriverRows,
  rootResultObject: RootResultObjectInput,
): FinalQueryResult {
  const request = toRequest(transformData);
  const raw = rowsToColumnar(rows);
  const root = parseInput(RootResultObjectSchema, rootResultObject, 'result data');
  return serializeResult(root, transformRequest(request, raw));
}

/**
 * Native `getFinalQueryResultMulti(transformDataArr, rawDataArr, { queryType, results,
 * slowQuery })`: the `/load?queryType=multi` body, with every result transformed and the
 * `pivotQuery` of the results' queries.
 */
export function finalQueryResultMulti(
  transformDataArr: readonly TransformDataInput[],
  rowsArr: readonly DriverRows[],
  responseData: MultiResponseInput,
): FinalQueryResultMulti {
  const requests = transformDataArr.map(toRequest);
  const raws = rowsArr.map(rowsToColumnar);
  const response = parseInput(MultiResponseSchema, responseData, 'multi result data');
  // `multizip`: only as many results as all three lists have get their `data`.
  const count = Math.min(requests.length, raws.length, response.results.length);
  const results = response.results.map((root, index) => {
    const request = requests[index];
    const raw = raws[index];
    const data = index < count && request && raw ? transformRequest(request, raw) : undefined;
    return serializeResult(root, data);
  });
  return {
    queryType: response.queryType,
    results,
    pivotQuery: getPivotQuery(
      response.queryType,
      results.map((result) => result.query),
    ),
    slowQuery: response.slowQuery,
  };
}
