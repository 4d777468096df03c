/**
 * Cube's "regular queries" of its SQL API: a SELECT on one view becomes a Cube `/load` query.
 * Input is libpg-query's parse tree (the real Postgres grammar). Everything outside the subset is
 * refused with an SQLSTATE and a message naming the construct: a wrong answer is never given.
 */
import { CUBE_GRANULARITIES } from '../granularities';
import { SQLSTATE, SqlApiError, unsupported } from './errors';
import type { PgTypeName } from './protocol';
import type { ViewColumn, ViewTable } from './views';

type Node = { [key: string]: unknown };
export type ParamValue = string | null;

type CubeFilter =
  | { member: string; operator: string; values?: string[] }
  | { and: CubeFilter[] }
  | { or: CubeFilter[] };

export type CubeQuery = {
  measures: string[];
  dimensions: string[];
  timeDimensions: Array<{ dimension: string; granularity?: string; dateRange?: [string, string] }>;
  segments: string[];
  filters: CubeFilter[];
  order: Array<[string, 'asc' | 'desc']>;
  limit?: number;
  offset?: number;
  timezone: string;
};

/** A result column: its name and type, and the key of its value in Cube's result rows. */
export type OutputColumn = { name: string; pgType: PgTypeName; key: string };

export type Translation = {
  query: CubeQuery;
  columns: OutputColumn[];
  userLimit: boolean;
  /** The user the query asks to run as (`WHERE __user = '…'`, Cube's virtual column). */
  changeUser?: string;
};

/** Cube's virtual column for running one query with another user's security context. */
const USER_COLUMN = '__user';
const userColumnMisused = (at?: Node) =>
  new SqlApiError(
    SQLSTATE.featureNotSupported,
    `${USER_COLUMN} is only supported as ${USER_COLUMN} = '<user>' in a top-level AND of WHERE`,
    at ? location(at) : undefined,
  );

const GRANULARITIES: ReadonlySet<string> = new Set(CUBE_GRANULARITIES);

/**
 * Which aggregate may be written around a measure, as Cube's SQL API decides it (its
 * `is_same_agg_type`): the measure's own, SUM over a count, anything over a `number` measure.
 * The aggregate then stands for the measure itself.
 */
export function checkAggregationType(column: ViewColumn, aggregate: string, at: Node): void {
  if (aggregate === 'MEASURE') return;
  const type = column.cubeType;
  const ok =
    type === 'number' ||
    (aggregate === 'SUM' && (type === 'sum' || type === 'count')) ||
    (aggregate === 'COUNT(DISTINCT)' &&
      (type === 'countDistinct' || type === 'countDistinctApprox')) ||
    ((aggregate === 'MIN' || aggregate === 'MAX') && type === aggregate.toLowerCase()) ||
    (aggregate === 'AVG' && type === 'avg') ||
    (aggregate === 'COUNT' && type === 'count');
  if (!ok) {
    const expected =
      type === 'countDistinct' || type === 'countDistinctApprox'
        ? 'COUNT(DISTINCT)'
        : type.toUpperCase();
    throw new SqlApiError(
      SQLSTATE.groupingError,
      `Measure aggregation type doesn't match. The aggregation type for '${column.name}' is ` +
        `'${expected}()' but '${aggregate}()' was provided; use MEASURE(${column.name})`,
      location(at),
    );
  }
}

// ------------------------------------------------------------------------------------------------
// Parse-tree helpers
// ------------------------------------------------------------------------------------------------

export const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{ Tag: body }` → [tag, body]. */
export function unwrap(node: unknown): [string, Node] {
  if (!isNode(node)) return ['', {}];
  const [tag] = Object.keys(node);
  const body = tag === undefined ? undefined : node[tag];
  return [tag ?? '', isNode(body) ? body : {}];
}

export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The items of an expression list (`IN (…)`, `BETWEEN … AND …`): a `List` node or an array. */
const items = (value: unknown): unknown[] => {
  const [tag, body] = unwrap(value);
  return tag === 'List' ? list(body.items) : list(value);
};

export const str = (node: unknown): string => {
  const [tag, body] = unwrap(node);
  return tag === 'String' && typeof body.sval === 'string' ? body.sval : '';
};

const location = (body: Node): number | undefined =>
  typeof body.location === 'number' && body.location >= 0 ? body.location + 1 : undefined;

/** Every RangeVar in a tree (tables the statement reads). */
export function rangeVars(tree: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(tree)) {
    for (const item of tree) rangeVars(item, out);
  } else if (isNode(tree)) {
    for (const [key, value] of Object.entries(tree)) {
      if (key === 'RangeVar' && isNode(value)) out.push(value);
      else rangeVars(value, out);
    }
  }
  return out;
}

/** The view a RangeVar names (unqualified or in `public`), or undefined. */
export function viewOf(rangeVar: Node, views: Map<string, ViewTable>): ViewTable | undefined {
  const schema = typeof rangeVar.schemaname === 'string' ? rangeVar.schemaname : undefined;
  if (schema !== undefined && schema !== 'public') return undefined;
  if (typeof rangeVar.catalogname === 'string') return undefined;
  if (typeof rangeVar.relname !== 'string') return undefined;
  return views.get(rangeVar.relname) ?? caseInsensitive(views.values(), rangeVar.relname);
}

/**
 * Postgres folds unquoted names to lower case; Cube's SQL API resolves them against the model's
 * names case-insensitively (`rowId`, `BigECommerce`). An exact match wins, then a unique one.
 */
function caseInsensitive<T extends { name: string }>(
  items: Iterable<T>,
  name: string,
): T | undefined {
  const lower = name.toLowerCase();
  let found: T | undefined;
  for (const item of items) {
    if (item.name.toLowerCase() !== lower) continue;
    if (found) return undefined;
    found = item;
  }
  return found;
}

/** The column a name denotes in a table: exactly, or case-insensitively when unique. */
export function findColumn(table: ViewTable, name: string): ViewColumn | undefined {
  return table.columns.find((c) => c.name === name) ?? caseInsensitive(table.columns, name);
}

// ------------------------------------------------------------------------------------------------
// Constants and parameters
// ------------------------------------------------------------------------------------------------

type Constant = { value: string | null; isString: boolean };

function constant(node: unknown, params: ParamValue[]): Constant | undefined {
  const [tag, body] = unwrap(node);
  if (tag === 'A_Const') {
    if (body.isnull === true) return { value: null, isString: false };
    if (isNode(body.ival)) return { value: String(body.ival.ival ?? 0), isString: false };
    if (isNode(body.fval)) return { value: String(body.fval.fval ?? '0'), isString: false };
    if (isNode(body.sval)) return { value: String(body.sval.sval ?? ''), isString: true };
    if (isNode(body.boolval))
      return { value: body.boolval.boolval ? 'true' : 'false', isString: false };
    return undefined;
  }
  if (tag === 'ParamRef') {
    const index = Number(body.number ?? 0) - 1;
    if (index < 0 || index >= params.length) {
      throw new SqlApiError(SQLSTATE.protocolViolation, `there is no parameter $${index + 1}`);
    }
    return { value: params[index] ?? null, isString: true };
  }
  if (tag === 'TypeCast') {
    const names = list(isNode(body.typeName) ? body.typeName.names : []).map(str);
    const type = names[names.length - 1] ?? '';
    if (
      ![
        'timestamp',
        'date',
        'text',
        'varchar',
        'numeric',
        'int4',
        'int8',
        'float8',
        'bool',
      ].includes(type)
    ) {
      return undefined;
    }
    return constant(body.arg, params);
  }
  return undefined;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/;

/** A timestamp literal as Cube's filters take it (`YYYY-MM-DDTHH:mm:ss.SSS`, session time zone). */
function cubeTimestamp(value: string): string {
  const match = TIMESTAMP.exec(value.trim());
  if (!match) {
    throw new SqlApiError(
      SQLSTATE.invalidDatetimeFormat,
      `invalid input syntax for type timestamp: "${value}" (the SQL API takes 'YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]' without a time zone)`,
    );
  }
  const [, date, hh = '00', mm = '00', ss = '00', frac = ''] = match;
  const parsed = new Date(`${date}T${hh}:${mm}:${ss}Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    throw new SqlApiError(
      SQLSTATE.invalidDatetimeFormat,
      `date/time field value out of range: "${value}"`,
    );
  }
  return `${date}T${hh}:${mm}:${ss}.${frac.padEnd(3, '0').slice(0, 3)}`;
}

/** The instant 1 ms before a Cube timestamp: `< b` as Cube's inclusive date range end. */
function justBefore(timestamp: string): string {
  const time = new Date(`${timestamp}Z`).getTime() - 1;
  return new Date(time).toISOString().slice(0, 23);
}

// ------------------------------------------------------------------------------------------------
// Expressions: what a select item, GROUP BY or ORDER BY item stands for
// ------------------------------------------------------------------------------------------------

type Expr =
  | { kind: 'dimension'; column: ViewColumn }
  | { kind: 'time'; column: ViewColumn; granularity: string }
  | { kind: 'measure'; column: ViewColumn };

const exprKey = (expr: Expr): string =>
  expr.kind === 'time' ? `${expr.column.member}.${expr.granularity}` : expr.column.member;

export class Scope {
  private readonly qualifiers: Set<string>;

  constructor(
    readonly view: ViewTable,
    alias: string | undefined,
  ) {
    this.qualifiers = new Set([(alias ?? view.name).toLowerCase()]);
  }

  column(ref: Node): ViewColumn {
    const fields = list(ref.fields);
    if (fields.some((f) => unwrap(f)[0] === 'A_Star')) {
      throw new SqlApiError(
        SQLSTATE.featureNotSupported,
        'SELECT * is not supported by the SQL API: name the dimensions and measures (MEASURE(name)) and GROUP BY the dimensions',
        location(ref),
      );
    }
    const names = fields.map(str);
    const name = names[names.length - 1] ?? '';
    // `col`, `alias.col` or `public.table.col` (Metabase qualifies every column so).
    const qualifier =
      names.length === 3 && names[0]?.toLowerCase() === 'public' ? names[1] : names[0];
    const qualified =
      names.length === 3
        ? names[0]?.toLowerCase() === 'public' &&
          qualifier?.toLowerCase() === this.view.name.toLowerCase()
        : this.qualifiers.has((qualifier ?? '').toLowerCase());
    if (names.length > 3 || (names.length >= 2 && !qualified)) {
      throw new SqlApiError(
        SQLSTATE.undefinedTable,
        `missing FROM-clause entry for table "${names.length === 3 ? names[1] : names[0]}"`,
        location(ref),
      );
    }
    const column = findColumn(this.view, name);
    if (!column && name === USER_COLUMN) throw userColumnMisused(ref);
    if (!column) {
      throw new SqlApiError(
        SQLSTATE.undefinedColumn,
        `column "${name}" does not exist in view "${this.view.name}"`,
        location(ref),
      );
    }
    return column;
  }

  /**
   * The view's COUNT(*) measure: the one named `count` or aliasing a cube's `count` (whatever its
   * type: models often wrap the raw count, e.g. `COALESCE`), else the only count-typed measure.
   */
  countMeasure(at: Node): ViewColumn {
    const measures = this.view.columns.filter((c) => c.kind === 'measure');
    const counts = measures.filter((c) => c.cubeType === 'count');
    const aliasOfCount = measures.filter(
      (c) => c.name === 'count' || c.aliasMember?.endsWith('.count'),
    );
    const pick =
      aliasOfCount.length === 1 ? aliasOfCount[0] : counts.length === 1 ? counts[0] : undefined;
    if (!pick) {
      throw new SqlApiError(
        SQLSTATE.featureNotSupported,
        `COUNT(*) has no single count measure in view "${this.view.name}": use MEASURE(<measure>)`,
        location(at),
      );
    }
    return pick;
  }
}

function funcName(body: Node): string {
  const names = list(body.funcname).map(str);
  const schema = names.length > 1 ? names[0] : undefined;
  if (schema !== undefined && schema !== 'pg_catalog') return names.join('.');
  return names[names.length - 1] ?? '';
}

function resolveExpr(node: unknown, scope: Scope, params: ParamValue[]): Expr {
  const [tag, body] = unwrap(node);
  if (tag === 'ColumnRef') {
    const column = scope.column(body);
    if (column.kind === 'measure') {
      throw new SqlApiError(
        SQLSTATE.groupingError,
        `column "${column.name}" is a measure: select it as MEASURE(${column.name})`,
        location(body),
      );
    }
    if (column.kind === 'segment') {
      throw new SqlApiError(
        SQLSTATE.featureNotSupported,
        `column "${column.name}" is a segment: use it in WHERE (WHERE ${column.name})`,
        location(body),
      );
    }
    return { kind: 'dimension', column };
  }
  if (tag === 'FuncCall') {
    const name = funcName(body);
    const args = list(body.args);
    if (body.over) throw unsupported('a window function');
    if (name === 'date_trunc') {
      const granularity = constant(args[0], params)?.value?.toLowerCase();
      if (args.length !== 2 || !granularity || !GRANULARITIES.has(granularity)) {
        throw new SqlApiError(
          SQLSTATE.featureNotSupported,
          `date_trunc takes one of ${[...GRANULARITIES].join(', ')} and a time dimension`,
          location(body),
        );
      }
      const [argTag, argBody] = unwrap(args[1]);
      const column = argTag === 'ColumnRef' ? scope.column(argBody) : undefined;
      if (column?.cubeType !== 'time') {
        throw new SqlApiError(
          SQLSTATE.featureNotSupported,
          'date_trunc applies to a time dimension of the view',
          location(body),
        );
      }
      return { kind: 'time', column, granularity };
    }
    if (name === 'count' && body.agg_star === true) {
      return { kind: 'measure', column: scope.countMeasure(body) };
    }
    const aggregate =
      name === 'measure'
        ? 'MEASURE'
        : name === 'count' && body.agg_distinct === true
          ? 'COUNT(DISTINCT)'
          : ['sum', 'avg', 'min', 'max', 'count'].includes(name)
            ? name.toUpperCase()
            : undefined;
    if (!aggregate) throw unsupported(`function ${name}()`);
    if (body.agg_filter || body.agg_order)
      throw unsupported(`${aggregate} with FILTER or ORDER BY`);
    const [argTag, argBody] = unwrap(args[0]);
    if (args.length !== 1 || argTag !== 'ColumnRef') {
      throw new SqlApiError(
        SQLSTATE.featureNotSupported,
        `${aggregate}() takes one measure column`,
        location(body),
      );
    }
    const column = scope.column(argBody);
    if (column.kind !== 'measure') {
      throw new SqlApiError(
        SQLSTATE.featureNotSupported,
        `${aggregate}(${column.name}): "${column.name}" is not a measure; aggregates apply to measures (define a measure in the model for other aggregations)`,
        location(body),
      );
    }
    checkAggregationType(column, aggregate, body);
    return { kind: 'measure', column };
  }
  if (tag === 'TypeCast') throw unsupported('a type cast in the select list');
  throw unsupported(`the expression ${tag || 'here'}`);
}

/** Postgres's name for an unnamed select item (FigureColname). */
function defaultName(node: unknown): string {
  const [tag, body] = unwrap(node);
  if (tag === 'ColumnRef') {
    const fields = list(body.fields).map(str);
    return fields[fields.length - 1] ?? '?column?';
  }
  if (tag === 'FuncCall') return list(body.funcname).map(str).pop() ?? '?column?';
  return '?column?';
}

// ------------------------------------------------------------------------------------------------
// WHERE and HAVING → Cube filters
// ------------------------------------------------------------------------------------------------

type Bounds = { from?: string; fromInclusive?: boolean; to?: string; toInclusive?: boolean };

export class FilterBuilder {
  readonly segments: string[] = [];
  /** Bounds on time dimensions found at the top level of WHERE (candidates for date ranges). */
  readonly bounds = new Map<string, Bounds>();
  changeUser?: string;

  constructor(
    private readonly scope: Scope,
    private readonly params: ParamValue[],
    private readonly clause: 'WHERE' | 'HAVING',
  ) {}

  /** The filters of a top-level AND chain; segments and time bounds are taken out. */
  topLevel(node: unknown): CubeFilter[] {
    if (node === undefined) return [];
    const [tag, body] = unwrap(node);
    if (tag === 'BoolExpr' && body.boolop === 'AND_EXPR') {
      return list(body.args).flatMap((arg) => this.topLevel(arg));
    }
    if (this.clause === 'WHERE' && tag === 'A_Expr' && this.userSwitch(body)) return [];
    if (this.clause === 'WHERE' && tag === 'ColumnRef') {
      const column = this.scope.column(body);
      if (column.kind === 'segment') {
        this.segments.push(column.member);
        return [];
      }
    }
    return [this.filter(node)];
  }

  /** Takes `__user = '<user>'` (either side) as the user to run the query as. */
  private userSwitch(body: Node): boolean {
    const sides = [body.lexpr, body.rexpr];
    const refs = sides.map((side) => {
      const [tag, ref] = unwrap(side);
      const names = tag === 'ColumnRef' ? list(ref.fields).map(str) : [];
      return (
        names[names.length - 1] === USER_COLUMN &&
        !this.scope.view.columns.some((c) => c.name === USER_COLUMN)
      );
    });
    const at = refs.indexOf(true);
    if (at < 0) return false;
    const operator = list(body.name).map(str).join('.');
    const found = constant(sides[1 - at], this.params);
    if (body.kind !== 'AEXPR_OP' || operator !== '=' || refs[1 - at] || !found?.value) {
      throw userColumnMisused(body);
    }
    if (this.changeUser !== undefined && this.changeUser !== found.value) {
      throw userColumnMisused(body);
    }
    this.changeUser = found.value;
    return true;
  }

  private operand(node: unknown): ViewColumn | undefined {
    const [tag, body] = unwrap(node);
    if (this.clause === 'WHERE') {
      if (tag !== 'ColumnRef') return undefined;
      const column = this.scope.column(body);
      if (column.kind !== 'dimension') {
        throw new SqlApiError(
          SQLSTATE.featureNotSupported,
          column.kind === 'measure'
            ? `measure "${column.name}" in WHERE: filter measures in HAVING`
            : `segment "${column.name}" can only be used alone in a top-level AND of WHERE`,
          location(body),
        );
      }
      return column;
    }
    if (tag !== 'FuncCall') return undefined;
    const expr = resolveExpr(node, this.scope, this.params);
    if (expr.kind !== 'measure')
      throw unsupported('a dimension in HAVING (filter dimensions in WHERE)');
    return expr.column;
  }

  private value(node: unknown, column: ViewColumn): string {
    const found = constant(node, this.params);
    if (!found)
      throw unsupported(
        `this comparison value for "${column.name}" (use a literal or a parameter)`,
      );
    if (found.value === null) {
      throw new SqlApiError(
        SQLSTATE.featureNotSupported,
        `comparison with NULL on "${column.name}": use IS NULL / IS NOT NULL`,
      );
    }
    if (column.cubeType === 'time') return cubeTimestamp(found.value);
    if (column.pgType === 'numeric' || column.pgType === 'float8' || column.pgType === 'int8') {
      if (!Number.isFinite(Number(found.value)) || found.value.trim() === '') {
        throw new SqlApiError(
          SQLSTATE.datatypeMismatch,
          `invalid input syntax for type numeric: "${found.value}"`,
        );
      }
    }
    return found.value;
  }

  private noteBound(column: ViewColumn, op: string, value: string): void {
    const bounds = this.bounds.get(column.member) ?? {};
    if (op === '>' || op === '>=') {
      if (bounds.from !== undefined) bounds.from = '\u0000';
      else [bounds.from, bounds.fromInclusive] = [value, op === '>='];
    } else {
      if (bounds.to !== undefined) bounds.to = '\u0000';
      else [bounds.to, bounds.toInclusive] = [value, op === '<='];
    }
    this.bounds.set(column.member, bounds);
  }

  filter(node: unknown): CubeFilter {
    const [tag, body] = unwrap(node);
    if (tag === 'BoolExpr') {
      const args = list(body.args);
      if (body.boolop === 'AND_EXPR') return { and: args.map((a) => this.filter(a)) };
      if (body.boolop === 'OR_EXPR') return { or: args.map((a) => this.filter(a)) };
      return this.negate(args[0]);
    }
    if (tag === 'NullTest') {
      const column = this.operand(body.arg);
      if (!column) throw unsupported('IS NULL on an expression');
      return {
        member: column.member,
        operator: body.nulltesttype === 'IS_NULL' ? 'notSet' : 'set',
      };
    }
    if (tag === 'A_Expr') return this.comparison(body);
    if (tag === 'ColumnRef') {
      const column = this.scope.column(body);
      if (column.kind === 'segment') {
        throw unsupported(`segment "${column.name}" inside OR/NOT (use it in a top-level AND)`);
      }
    }
    throw unsupported(`this ${this.clause} condition (${tag})`);
  }

  private negate(node: unknown): CubeFilter {
    const [tag, body] = unwrap(node);
    if (tag === 'A_Expr') {
      const kind = body.kind;
      const op = list(body.name).map(str)[0];
      if (kind === 'AEXPR_IN')
        return this.comparison({ ...body, name: [{ String: { sval: op === '=' ? '<>' : '=' } }] });
      if (kind === 'AEXPR_ILIKE')
        return this.comparison({
          ...body,
          name: [{ String: { sval: op === '~~*' ? '!~~*' : '~~*' } }],
        });
      if (kind === 'AEXPR_OP' && (op === '=' || op === '<>' || op === '!=')) {
        return this.comparison({ ...body, name: [{ String: { sval: op === '=' ? '<>' : '=' } }] });
      }
    }
    if (tag === 'NullTest') {
      return this.filter({
        NullTest: {
          ...body,
          nulltesttype: body.nulltesttype === 'IS_NULL' ? 'IS_NOT_NULL' : 'IS_NULL',
        },
      });
    }
    throw unsupported('NOT on this condition');
  }

  private comparison(body: Node): CubeFilter {
    const op = list(body.name).map(str)[0] ?? '';
    const kind = body.kind;
    let column = this.operand(body.lexpr);
    let other = body.rexpr;
    let flipped = false;
    if (!column && kind === 'AEXPR_OP') {
      column = this.operand(body.rexpr);
      other = body.lexpr;
      flipped = true;
    }
    if (!column) throw unsupported(`this ${this.clause} condition (compare a column with a value)`);
    const member = column.member;
    // Cube's negative operators also keep NULL rows; SQL's do not, so `set` restores SQL's answer.
    const notNull = (filter: CubeFilter): CubeFilter => ({
      and: [filter, { member, operator: 'set' }],
    });

    if (kind === 'AEXPR_IN') {
      const values = items(other).map((v) => this.value(v, column));
      if (column.cubeType === 'time') throw unsupported('IN on a time dimension');
      return op === '='
        ? { member, operator: 'equals', values }
        : notNull({ member, operator: 'notEquals', values });
    }
    if (kind === 'AEXPR_LIKE') {
      throw new SqlApiError(
        SQLSTATE.featureNotSupported,
        "LIKE is case-sensitive and Cube's text filters are not: use ILIKE '%text%', 'text%' or '%text'",
      );
    }
    if (kind === 'AEXPR_ILIKE') {
      const pattern = this.value(other, column);
      const starts = pattern.startsWith('%');
      const ends = pattern.endsWith('%') && pattern.length > 1;
      const inner = pattern.slice(starts ? 1 : 0, ends ? -1 : undefined);
      if (inner.includes('%') || inner.endsWith('\\') || (!starts && !ends) || inner === '') {
        throw unsupported(`the ILIKE pattern '${pattern}' (only '%text%', 'text%' and '%text')`);
      }
      const base = starts && ends ? 'contains' : ends ? 'startsWith' : 'endsWith';
      if (op === '~~*') return { member, operator: base, values: [inner] };
      const negated = `not${base[0]?.toUpperCase()}${base.slice(1)}`;
      return notNull({ member, operator: negated, values: [inner] });
    }
    if (kind === 'AEXPR_BETWEEN' || kind === 'AEXPR_NOT_BETWEEN') {
      const [low, high] = items(other).map((v) => this.value(v, column));
      if (low === undefined || high === undefined) throw unsupported('this BETWEEN');
      const range: CubeFilter = {
        and: [this.ordered(column, '>=', low), this.ordered(column, '<=', high)],
      };
      if (kind === 'AEXPR_BETWEEN') return range;
      throw unsupported('NOT BETWEEN');
    }
    if (kind !== 'AEXPR_OP') throw unsupported(`the operator ${op}`);
    const value = this.value(other, column);
    const effective = flipped ? ({ '<': '>', '>': '<', '<=': '>=', '>=': '<=' }[op] ?? op) : op;
    if (effective === '=') return { member, operator: 'equals', values: [value] };
    if (effective === '<>' || effective === '!=')
      return notNull({ member, operator: 'notEquals', values: [value] });
    if (['<', '<=', '>', '>='].includes(effective)) return this.ordered(column, effective, value);
    throw unsupported(`the operator ${op}`);
  }

  private ordered(column: ViewColumn, op: string, value: string): CubeFilter {
    const member = column.member;
    if (column.cubeType === 'time') {
      const operator = {
        '<': 'beforeDate',
        '<=': 'beforeOrOnDate',
        '>': 'afterDate',
        '>=': 'afterOrOnDate',
      }[op];
      return { member, operator: operator ?? 'equals', values: [value] };
    }
    if (column.pgType === 'text' || column.pgType === 'bool') {
      throw unsupported(`${op} on the text column "${column.name}"`);
    }
    const operator = { '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' }[op];
    return { member, operator: operator ?? 'equals', values: [value] };
  }

  /** The date ranges this WHERE's time bounds make, added to `timeDimensions`. */
  applyDateRanges(
    filters: CubeFilter[],
    timeDimensions: CubeQuery['timeDimensions'],
  ): CubeFilter[] {
    return applyDateRanges(filters, this.bounds, timeDimensions);
  }

  /** Registers time bounds of a top-level filter so they can become a date range. */
  collectBounds(filters: CubeFilter[]): CubeFilter[] {
    const kept: CubeFilter[] = [];
    const flat = filters.flatMap((f) => ('and' in f ? f.and : [f]));
    for (const filter of flat) {
      if ('member' in filter && filter.values?.length === 1) {
        const op = { beforeDate: '<', beforeOrOnDate: '<=', afterDate: '>', afterOrOnDate: '>=' }[
          filter.operator
        ];
        if (op && (op === '>=' || op === '<' || op === '<=')) {
          this.noteBound({ member: filter.member } as ViewColumn, op, filter.values[0] ?? '');
        }
      }
      kept.push(filter);
    }
    return kept;
  }
}

// ------------------------------------------------------------------------------------------------
// SELECT → Cube query
// ------------------------------------------------------------------------------------------------

function rejectUnsupportedShape(stmt: Node): void {
  if (stmt.op && stmt.op !== 'SETOP_NONE') throw unsupported('UNION/INTERSECT/EXCEPT on views');
  if (stmt.withClause) throw unsupported('WITH on views');
  if (list(stmt.distinctClause).length > 0 || stmt.distinctClause) throw unsupported('DISTINCT');
  if (stmt.windowClause) throw unsupported('WINDOW');
  if (stmt.intoClause) throw unsupported('SELECT INTO');
  if (stmt.lockingClause) throw unsupported('FOR UPDATE/SHARE');
  if (stmt.valuesLists) throw unsupported('VALUES');
}

function intValue(node: unknown, params: ParamValue[], what: string): number | undefined {
  if (node === undefined) return undefined;
  const found = constant(node, params);
  if (found?.value === null) return undefined;
  const value = Number(found?.value);
  if (!found || !Number.isInteger(value) || value < 0) {
    throw new SqlApiError(SQLSTATE.featureNotSupported, `${what} must be a non-negative integer`);
  }
  return value;
}

export function translateSelect(
  stmt: Node,
  view: ViewTable,
  params: ParamValue[],
  timezone: string,
): Translation {
  rejectUnsupportedShape(stmt);
  const from = list(stmt.fromClause);
  const [fromTag, rangeVar] = unwrap(from[0]);
  if (from.length !== 1 || fromTag !== 'RangeVar')
    throw unsupported('joins and subqueries on views');
  const alias =
    isNode(rangeVar.alias) && typeof rangeVar.alias.aliasname === 'string'
      ? rangeVar.alias.aliasname
      : undefined;
  const scope = new Scope(view, alias);

  const targets = list(stmt.targetList).map((item) => {
    const [, target] = unwrap(item);
    const expr = resolveExpr(target.val, scope, params);
    const name = typeof target.name === 'string' ? target.name : defaultName(target.val);
    return { expr, name, node: target.val };
  });

  // GROUP BY: positions, output names, column names or the same expression.
  const grouped = new Map<string, Expr>();
  for (const item of list(stmt.groupClause)) {
    const [tag, body] = unwrap(item);
    let expr: Expr | undefined;
    if (tag === 'A_Const' && isNode(body.ival)) {
      const position = Number(body.ival.ival ?? 0);
      expr = targets[position - 1]?.expr;
      if (!expr)
        throw new SqlApiError(
          SQLSTATE.syntaxError,
          `GROUP BY position ${position} is not in select list`,
          location(body),
        );
    } else if (tag === 'ColumnRef') {
      const name = list(body.fields).map(str).pop() ?? '';
      const byName = view.columns.some((c) => c.name === name)
        ? undefined
        : targets.find((t) => t.name === name);
      expr = byName ? byName.expr : resolveExpr(item, scope, params);
    } else if (tag === 'GroupingSet') {
      throw unsupported('GROUPING SETS/ROLLUP/CUBE');
    } else {
      expr = resolveExpr(item, scope, params);
    }
    if (expr.kind === 'measure') {
      throw new SqlApiError(
        SQLSTATE.groupingError,
        `aggregate functions are not allowed in GROUP BY`,
        location(body),
      );
    }
    grouped.set(exprKey(expr), expr);
  }

  const hasMeasure = targets.some((t) => t.expr.kind === 'measure');
  for (const target of targets) {
    if (target.expr.kind !== 'measure' && !grouped.has(exprKey(target.expr))) {
      throw new SqlApiError(
        SQLSTATE.groupingError,
        hasMeasure || grouped.size > 0
          ? `column "${target.name}" must appear in the GROUP BY clause or be used in an aggregate function`
          : `column "${target.name}": the SQL API answers aggregated queries; add GROUP BY ${target.name}`,
      );
    }
  }

  const measures = [
    ...new Set(targets.filter((t) => t.expr.kind === 'measure').map((t) => t.expr.column.member)),
  ];
  const dimensions: string[] = [];
  const timeDimensions: CubeQuery['timeDimensions'] = [];
  for (const expr of grouped.values()) {
    if (expr.kind === 'time')
      timeDimensions.push({ dimension: expr.column.member, granularity: expr.granularity });
    else dimensions.push(expr.column.member);
  }

  // WHERE → filters and segments; HAVING → measure filters.
  const where = new FilterBuilder(scope, params, 'WHERE');
  let filters = where.collectBounds(where.topLevel(stmt.whereClause));
  filters = applyDateRanges(filters, where.bounds, timeDimensions);
  const having = new FilterBuilder(scope, params, 'HAVING');
  if (stmt.havingClause) {
    for (const f of having.topLevel(stmt.havingClause)) {
      if ('member' in f && !measures.includes(f.member)) measures.push(f.member);
      filters.push(f);
    }
  }

  // ORDER BY: position, output name, column or expression; it must be part of the query.
  const order: CubeQuery['order'] = [];
  for (const item of list(stmt.sortClause)) {
    const [, sort] = unwrap(item);
    if (sort.sortby_nulls && sort.sortby_nulls !== 'SORTBY_NULLS_DEFAULT')
      throw unsupported('NULLS FIRST/LAST');
    if (sort.useOp) throw unsupported('ORDER BY … USING');
    const [tag, body] = unwrap(sort.node);
    let expr: Expr | undefined;
    if (tag === 'A_Const' && isNode(body.ival)) {
      expr = targets[Number(body.ival.ival ?? 0) - 1]?.expr;
      if (!expr)
        throw new SqlApiError(
          SQLSTATE.syntaxError,
          `ORDER BY position is not in select list`,
          location(body),
        );
    } else if (tag === 'ColumnRef') {
      const name = list(body.fields).map(str).pop() ?? '';
      expr = targets.find((t) => t.name === name)?.expr ?? resolveExpr(sort.node, scope, params);
    } else {
      expr = resolveExpr(sort.node, scope, params);
    }
    const inQuery =
      expr.kind === 'measure' ? measures.includes(expr.column.member) : grouped.has(exprKey(expr));
    if (!inQuery) throw unsupported('ORDER BY on a column that is not selected or grouped');
    const member = expr.column.member;
    order.push([member, sort.sortby_dir === 'SORTBY_DESC' ? 'desc' : 'asc']);
  }

  const limit = intValue(stmt.limitCount, params, 'LIMIT');
  const offset = intValue(stmt.limitOffset, params, 'OFFSET');
  const query: CubeQuery = {
    measures,
    dimensions,
    timeDimensions,
    segments: where.segments,
    filters,
    order,
    timezone,
    ...(limit !== undefined && { limit }),
    ...(offset !== undefined && offset > 0 && { offset }),
  };
  const columns = targets.map((t) => ({
    name: t.name,
    pgType: t.expr.kind === 'time' ? ('timestamp' as const) : t.expr.column.pgType,
    key: exprKey(t.expr),
  }));
  return {
    query,
    columns,
    userLimit: limit !== undefined,
    ...(where.changeUser !== undefined && { changeUser: where.changeUser }),
  };
}

/**
 * `t >= a AND t < b` on a time dimension becomes Cube's date range [a, b - 1 ms] (Cube's ranges are
 * inclusive), which is what lets Cube answer from a pre-aggregation; other bounds stay filters.
 */
function applyDateRanges(
  filters: CubeFilter[],
  bounds: Map<string, Bounds>,
  timeDimensions: CubeQuery['timeDimensions'],
): CubeFilter[] {
  let kept = filters;
  for (const [member, b] of bounds) {
    if (!b.from || !b.to || b.from === '\u0000' || b.to === '\u0000' || !b.fromInclusive) continue;
    const entries = timeDimensions.filter((t) => t.dimension === member);
    if (entries.length > 1) continue;
    const range: [string, string] = [b.from, b.toInclusive ? b.to : justBefore(b.to)];
    if (range[1] < range[0]) continue;
    const entry = entries[0];
    if (entry) entry.dateRange = range;
    else timeDimensions.push({ dimension: member, dateRange: range });
    kept = kept.filter(
      (f) =>
        !('member' in f) ||
        f.member !== member ||
        !['afterOrOnDate', 'beforeDate', 'beforeOrOnDate'].includes(f.operator),
    );
  }
  return kept;
}
