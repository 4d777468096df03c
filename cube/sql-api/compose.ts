/**
 * Statements that are more than one Cube query: subqueries, CTEs, UNION, joins, CASE, casts,
 * arithmetic, window functions, ROLLUP, `SELECT *`, queries without GROUP BY. What BI tools send.
 *
 * Every SELECT block that reads a Cube table becomes one Cube query ("scan"), and the statement
 * itself is evaluated by Postgres over the scans' answers: each Cube table reference is replaced
 * by `jsonb_to_recordset($n::jsonb)` whose parameter carries that scan's rows, and the rewritten
 * statement runs in the SQL API's catalog database (no source data there; a read-only role; a
 * statement timeout). So everything around the Cube part has real Postgres semantics, and the
 * Cube part keeps Cube's: pre-aggregations, security, limits.
 *
 * A block over one Cube table with aggregates or GROUP BY is a grouped Cube query over every
 * dimension the block reads. Aggregates over measures are evaluated on top by re-aggregating
 * Cube's rows: exact when the block groups by exactly those dimensions (one Cube row per group,
 * whatever the measure), and for finer rows (ROLLUP, grouping by an expression, a filter left
 * to Postgres) only for additive measures (sum, count, min, max); anything else is refused, never
 * answered wrong. A block without aggregates is Cube's ungrouped query (one row per source row).
 * Why not one generated SQL string pushed down to the source: that would bypass Cube's query path
 * (rollups, security context, limits) for the inner part.
 */
import { parseSync } from 'libpg-query';
import { deparseSync } from 'pgsql-deparser';
import { CUBE_GRANULARITIES } from '../granularities';
import { SQLSTATE, SqlApiError } from './errors';
import type { PgTypeName } from './protocol';
import {
  type CubeQuery,
  checkAggregationType,
  FilterBuilder,
  findColumn,
  isNode,
  list,
  type ParamValue,
  Scope,
  str,
  unwrap,
  viewOf,
} from './translate';
import type { ViewColumn, ViewTable } from './views';

type Node = { [key: string]: unknown };

/** One Cube query of a statement and the columns of the table that carries its answer. */
export type CubeScan = {
  table: ViewTable;
  query: CubeQuery & { ungrouped?: boolean };
  /** Columns of the derived table: name, type, and the key of the value in Cube's rows. */
  columns: Array<{ name: string; pgType: PgTypeName; key: string }>;
  /** The user a `WHERE __user = '…'` asks to run this scan as. */
  changeUser?: string;
};

export type Composed = {
  sql: string;
  scans: CubeScan[];
  paramCount: number;
  /** The client's parameters (1-based) the statement still uses, in their new order. */
  clientParams: number[];
};

/** Postgres aggregates a tool may put around a measure or use over a Cube block. */
const AGGREGATES = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'measure',
  'string_agg',
  'array_agg',
  'bool_and',
  'bool_or',
  'every',
  'stddev',
  'stddev_pop',
  'stddev_samp',
  'variance',
  'var_pop',
  'var_samp',
  'percentile_cont',
  'percentile_disc',
  'mode',
  'json_agg',
  'jsonb_agg',
  'bit_and',
  'bit_or',
  'grouping',
]);

const GRANULARITY_ORDER: readonly string[] = CUBE_GRANULARITIES;
/** Granularities whose buckets nest: date_trunc of a coarser one over a finer one is exact. */
const nests = (fine: string, coarse: string): boolean => {
  if (fine === coarse) return true;
  const f = GRANULARITY_ORDER.indexOf(fine);
  const c = GRANULARITY_ORDER.indexOf(coarse);
  if (f < 0 || c < 0 || f > c) return false;
  if (fine === 'week') return false; // weeks do not nest in months, quarters or years
  if (coarse === 'week') return f <= GRANULARITY_ORDER.indexOf('day');
  return true;
};

const PG_TYPE_SQL: Record<PgTypeName, string> = {
  int8: 'bigint',
  numeric: 'numeric',
  float8: 'double precision',
  timestamp: 'timestamp',
  text: 'text',
  bool: 'boolean',
} as Record<PgTypeName, string>;

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const stringNode = (sval: string) => ({ String: { sval } });
const location = (body: Node): number | undefined =>
  typeof body.location === 'number' && body.location >= 0 ? body.location + 1 : undefined;

function funcName(body: Node): string {
  const names = list(body.funcname).map(str);
  const schema = names.length > 1 ? names[0] : undefined;
  if (schema !== undefined && schema !== 'pg_catalog') return names.join('.');
  return (names[names.length - 1] ?? '').toLowerCase();
}

/** Calls a function for every node of a block's own expressions (not nested SELECTs). */
function walkExpressions(value: unknown, visit: (tag: string, body: Node, node: Node) => boolean) {
  if (Array.isArray(value)) {
    for (const item of value) walkExpressions(item, visit);
    return;
  }
  if (!isNode(value)) return;
  const [tag, body] = unwrap(value);
  if (tag === 'SelectStmt' || tag === 'RangeSubselect') return;
  if (tag === 'SubLink') {
    // The test expression of `x IN (SELECT …)` belongs to this block; the subquery does not.
    if (visit(tag, body, value)) walkExpressions(body.testexpr, visit);
    return;
  }
  if (tag && !visit(tag, body, value)) return;
  for (const [key, inner] of Object.entries(tag ? body : value)) {
    if (key === 'location') continue;
    walkExpressions(inner, visit);
  }
}

/** Every SelectStmt body of a tree, innermost blocks included. */
function selectBlocks(tree: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(tree)) {
    for (const item of tree) selectBlocks(item, out);
  } else if (isNode(tree)) {
    for (const [key, value] of Object.entries(tree)) {
      if (key === 'SelectStmt' && isNode(value)) out.push(value);
      selectBlocks(value, out);
    }
  }
  return out;
}

function cteNames(tree: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(tree)) for (const item of tree) cteNames(item, out);
  else if (isNode(tree)) {
    for (const [key, value] of Object.entries(tree)) {
      if (key === 'CommonTableExpr' && isNode(value) && typeof value.ctename === 'string') {
        out.add(value.ctename);
      }
      cteNames(value, out);
    }
  }
  return out;
}

/** A Cube table referenced in a block's FROM (directly or inside joins), and where it sits. */
type CubeRef = {
  table: ViewTable;
  alias: string;
  replace: (node: Node) => void;
};

function cubeRefsOfFrom(
  block: Node,
  views: Map<string, ViewTable>,
  ctes: Set<string>,
): { refs: CubeRef[]; items: number } {
  const refs: CubeRef[] = [];
  const from = list(block.fromClause);
  const visit = (node: unknown, replace: (n: Node) => void) => {
    const [tag, body] = unwrap(node);
    if (tag === 'RangeVar') {
      const unqualified = typeof body.schemaname !== 'string';
      if (unqualified && ctes.has(String(body.relname))) return;
      const table = viewOf(body, views);
      if (!table) return;
      const alias =
        isNode(body.alias) && typeof body.alias.aliasname === 'string'
          ? body.alias.aliasname
          : table.name;
      refs.push({ table, alias, replace });
    } else if (tag === 'JoinExpr') {
      visit(body.larg, (n) => {
        body.larg = n;
      });
      visit(body.rarg, (n) => {
        body.rarg = n;
      });
    }
  };
  for (const [index, item] of from.entries()) {
    visit(item, (n) => {
      from[index] = n;
    });
  }
  return { refs, items: from.length };
}

/** The column a ColumnRef names in a Cube table reference, if it does. */
function resolveRef(
  fields: unknown[],
  ref: CubeRef,
  single: boolean,
): { column: ViewColumn } | { star: true } | undefined {
  const names = fields.map((f) => (unwrap(f)[0] === 'A_Star' ? '*' : str(f)));
  const last = names[names.length - 1] ?? '';
  const qualifiers = names.slice(0, -1);
  const sameName = (a: string, b: string) => a === b || a.toLowerCase() === b.toLowerCase();
  if (qualifiers.length === 2) {
    if (qualifiers[0]?.toLowerCase() !== 'public' || !sameName(qualifiers[1] ?? '', ref.table.name))
      return undefined;
  } else if (qualifiers.length === 1) {
    if (!sameName(qualifiers[0] ?? '', ref.alias)) return undefined;
  } else if (qualifiers.length > 2) return undefined;
  if (last === '*') return qualifiers.length > 0 || single ? { star: true } : undefined;
  const column = findColumn(ref.table, last);
  return column ? { column } : undefined;
}

type Use = { column: ViewColumn; granularity?: string; raw: boolean };

/**
 * Rewrites the statement around its Cube scans; `payloadParam` numbers the scans' parameters.
 * `source` is the query text the statement was parsed from (to tell quoted names from unquoted).
 */
export function compose(
  statement: Node,
  views: Map<string, ViewTable>,
  params: ParamValue[],
  timezone: string,
  paramCount: number,
  source: string,
): Composed {
  const tree = structuredClone(statement) as Node;
  resolveUnquotedNames(tree, views, source);
  const ctes = cteNames(tree);
  const scans: CubeScan[] = [];
  for (const block of selectBlocks(tree)) {
    const { refs, items } = cubeRefsOfFrom(block, views, ctes);
    if (refs.length === 0) continue;
    const single =
      items === 1 && refs.length === 1 && unwrap(list(block.fromClause)[0])[0] === 'RangeVar';
    for (const ref of refs) {
      const scan = single
        ? cubeBlock(block, ref, params, timezone)
        : joinedScan(block, ref, refs.length === 1 && items === 1);
      const parts = multiStageParts(scan);
      const sources = parts.map((part) => {
        scans.push(part);
        return rowsSql(part, paramCount + scans.length);
      });
      const rows = parts.length === 1 ? sources[0] : fullJoinSql(scan, parts, sources);
      // A subquery under the table's alias: the deparser leaves a function's alias unquoted.
      const replacement = `SELECT * FROM (${rows}) AS ${ident(ref.alias)}`;
      const parsed = parseSync(replacement) as { stmts: Array<{ stmt: Node }> };
      const from = list(unwrap(parsed.stmts[0]?.stmt)[1].fromClause)[0] as Node;
      ref.replace(from);
    }
  }
  // Client parameters that went down to Cube (a folded time bound) are gone from the statement,
  // and Postgres cannot type a parameter nothing uses: number the remaining ones densely.
  const refs = paramRefs(tree);
  const used = [...new Set(refs.map((p) => Number(p.number)))]
    .filter((n) => n <= paramCount)
    .sort((a, b) => a - b);
  const renumber = new Map(used.map((n, i) => [n, i + 1]));
  for (const ref of refs) {
    const n = Number(ref.number);
    ref.number = n <= paramCount ? renumber.get(n) : used.length + (n - paramCount);
  }
  const sql = deparseSync(tree as never) as string;
  return { sql, scans, paramCount: used.length + scans.length, clientParams: used };
}

/** The rows of one Cube query, from the parameter `$payload` that carries them as JSON. */
function rowsSql(scan: CubeScan, payload: number): string {
  const columns = scan.columns.map((c) => `${ident(c.name)} ${PG_TYPE_SQL[c.pgType]}`).join(', ');
  return columns
    ? `SELECT * FROM jsonb_to_recordset($${payload}::jsonb) AS cube_rows(${columns})`
    : `SELECT FROM jsonb_array_elements($${payload}::jsonb)`;
}

/** The members a filter (or a tree of them) reads. */
const filterMembers = (filter: CubeQuery['filters'][number]): string[] =>
  'member' in filter
    ? [filter.member]
    : ('and' in filter ? filter.and : filter.or).flatMap(filterMembers);

/**
 * A grouped Cube query with a multi_stage measure and other measures, as one Cube query per
 * multi_stage measure and one for the others: Cube's JS planner inner-joins a multi_stage measure
 * with the rest and drops the groups one side has no rows for (Tesseract full-joins them). The
 * parts are full-joined back on their dimensions (`fullJoinSql`), which gives the one query's
 * rows. A filter on a measure would apply to one part only: such a query stays whole (and Cube
 * refuses it).
 */
function multiStageParts(scan: CubeScan): CubeScan[] {
  const { measures } = scan.query;
  const multiStage = (member: string) =>
    scan.table.columns.some((c) => c.member === member && c.multiStage);
  const shifted = measures.filter(multiStage);
  if (scan.query.ungrouped || shifted.length === 0 || measures.length < 2) return [scan];
  if (scan.query.filters.flatMap(filterMembers).some((m) => measures.includes(m))) return [scan];
  const plain = measures.filter((m) => !multiStage(m));
  const groups = [...(plain.length > 0 ? [plain] : []), ...shifted.map((m) => [m])];
  return groups.map((group) => ({
    ...scan,
    query: { ...scan.query, measures: group },
    columns: scan.columns.filter((c) => !measures.includes(c.key) || group.includes(c.key)),
  }));
}

/**
 * The parts of a split Cube query full-joined on their dimension columns, as the one query's
 * rows: a group any part has, with each part's measures (NULL where that part has no row). The
 * key is the dimensions as a JSON array, so NULL dimension values match each other as one group.
 */
function fullJoinSql(scan: CubeScan, parts: CubeScan[], sources: string[]): string {
  const { measures } = scan.query;
  const dimensions = scan.columns.filter((c) => !measures.includes(c.key));
  const key = `jsonb_build_array(${dimensions.map((c) => ident(c.name)).join(', ')})`;
  const from = sources.map((source, i) => {
    const keyed = `(SELECT *, ${key} AS cube_key FROM (${source}) AS cube_part) AS p${i}`;
    if (i === 0) return keyed;
    const earlier = sources.slice(0, i).map((_, j) => `p${j}.cube_key`);
    const joined = earlier.length === 1 ? earlier[0] : `COALESCE(${earlier.join(', ')})`;
    return `FULL JOIN ${keyed} ON p${i}.cube_key = ${joined}`;
  });
  const select = scan.columns.map((c) => {
    if (dimensions.includes(c)) {
      const values = parts.map((_, i) => `p${i}.${ident(c.name)}`);
      return `COALESCE(${values.join(', ')}) AS ${ident(c.name)}`;
    }
    const part = parts.findIndex((p) => p.query.measures.includes(c.key));
    return `p${part}.${ident(c.name)}`;
  });
  return `SELECT ${select.join(', ')} FROM ${from.join(' ')}`;
}

function paramRefs(tree: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(tree)) for (const item of tree) paramRefs(item, out);
  else if (isNode(tree)) {
    for (const [key, value] of Object.entries(tree)) {
      if (key === 'ParamRef' && isNode(value)) out.push(value);
      else paramRefs(value, out);
    }
  }
  return out;
}

/** A SELECT block's expression clauses (its FROM apart: walked only where joins are read). */
const blockExpressions = (block: Node): unknown[] => [
  block.targetList,
  block.whereClause,
  block.groupClause,
  block.havingClause,
  block.sortClause,
  block.windowClause,
  block.distinctClause,
];

/**
 * Points a column reference at `column` of the Cube table `ref`: its last field becomes the
 * column's name, and a schema-qualified one (`"public"."view"."col"`) is qualified by the alias.
 */
function renameRef(body: Node, ref: CubeRef, column: ViewColumn): void {
  const fields = list(body.fields);
  body.fields =
    fields.length === 3
      ? [stringNode(ref.alias), stringNode(column.name)]
      : fields.map((f, i) => (i === fields.length - 1 ? stringNode(column.name) : f));
}

/** A Cube table joined with other relations: an ungrouped scan of the columns the block reads. */
function joinedScan(block: Node, ref: CubeRef, onlyRelation: boolean): CubeScan {
  const used = new Map<string, ViewColumn>();
  let star = false;
  walkExpressions([...blockExpressions(block), block.fromClause], (tag, body) => {
    if (tag !== 'ColumnRef') return true;
    const fields = list(body.fields);
    const found = resolveRef(fields, ref, onlyRelation);
    if (!found) return false;
    if ('star' in found) star = true;
    else {
      used.set(found.column.name, found.column);
      renameRef(body, ref, found.column);
    }
    return false;
  });
  const columns = star ? selectable(ref.table) : [...used.values()];
  return ungroupedScan(ref.table, columns, [], [], undefined);
}

/** The columns of `SELECT *`: dimensions and measures (not segments, not multi_stage measures). */
const selectable = (table: ViewTable): ViewColumn[] =>
  table.columns.filter((c) => c.kind !== 'segment' && !c.multiStage);

function ungroupedScan(
  table: ViewTable,
  columns: ViewColumn[],
  filters: CubeQuery['filters'],
  segments: string[],
  limit: number | undefined,
  order: CubeQuery['order'] = [],
  timeDimensions: CubeQuery['timeDimensions'] = [],
  changeUser?: string,
): CubeScan {
  if (columns.length === 0) {
    // Cube needs a member; the block reads none (`SELECT 1 FROM t`, `count(*)` over a subquery).
    const first = table.columns.find((c) => c.kind === 'dimension');
    if (!first)
      throw new SqlApiError(
        SQLSTATE.featureNotSupported,
        `table "${table.name}" has no dimension to read rows by`,
      );
    columns = [first];
  }
  const measures = columns.filter((c) => c.kind === 'measure').map((c) => c.member);
  if (measures.length === 0) {
    // Cube's ungrouped query of dimensions alone groups them (distinct rows); one measure, read
    // per row and not passed on, keeps one row per source row as SQL expects of a table.
    const rowMeasure =
      table.columns.find((c) => c.kind === 'measure' && c.cubeType === 'count' && !c.multiStage) ??
      table.columns.find((c) => c.kind === 'measure' && !c.multiStage);
    if (rowMeasure) measures.push(rowMeasure.member);
  }
  const query: CubeScan['query'] = {
    measures,
    dimensions: columns.filter((c) => c.kind === 'dimension').map((c) => c.member),
    timeDimensions,
    segments,
    filters,
    order,
    timezone: 'UTC',
    ungrouped: true,
    ...(limit !== undefined && { limit }),
  };
  return {
    table,
    query,
    columns: columns.map((c) => ({ name: c.name, pgType: c.pgType, key: c.member })),
    ...(changeUser !== undefined && { changeUser }),
  };
}

/** Whether an expression reads no column, subquery or aggregate: Postgres can fold it to a value. */
export function isConstantExpression(node: unknown): boolean {
  let constant = true;
  walkExpressions(node, (tag, body) => {
    if (tag === 'ColumnRef' || tag === 'SubLink' || tag === 'GroupingFunc') constant = false;
    if (tag === 'FuncCall' && (AGGREGATES.has(funcName(body)) || body.over)) constant = false;
    return constant;
  });
  return constant;
}

/** The WHERE conjuncts of a block (a top-level AND chain). */
function conjuncts(node: unknown): unknown[] {
  if (node === undefined) return [];
  const [tag, body] = unwrap(node);
  if (tag === 'BoolExpr' && body.boolop === 'AND_EXPR') return list(body.args).flatMap(conjuncts);
  return [node];
}

function andOf(nodes: unknown[]): unknown {
  if (nodes.length === 0) return undefined;
  if (nodes.length === 1) return nodes[0];
  return { BoolExpr: { boolop: 'AND_EXPR', args: nodes } };
}

/** One block over one Cube table: a grouped or an ungrouped Cube query, pushed down as far as safe. */
function cubeBlock(block: Node, ref: CubeRef, params: ParamValue[], timezone: string): CubeScan {
  const scope = new Scope(ref.table, ref.alias);

  // WHERE: conjuncts Cube can take are pushed down (and leave the statement); the rest stay.
  const where = new FilterBuilder(scope, params, 'WHERE');
  const pushed: CubeQuery['filters'] = [];
  const kept: unknown[] = [];
  for (const written of conjuncts(block.whereClause)) {
    const conjunct = truncEqualityAsRange(written, ref);
    try {
      pushed.push(...where.topLevel(conjunct));
    } catch (error) {
      if (!(error instanceof SqlApiError) || error.code !== SQLSTATE.featureNotSupported) {
        if (
          error instanceof SqlApiError &&
          (error.code === SQLSTATE.undefinedColumn || error.code === SQLSTATE.undefinedTable)
        ) {
          kept.push(written);
          continue;
        }
        throw error;
      }
      kept.push(written);
    }
  }
  const allPushed = kept.length === 0;
  if (allPushed) delete block.whereClause;
  else block.whereClause = andOf(kept);

  // Every column the block reads, how time columns are used, and the aggregates over measures.
  const uses = new Map<string, Use>();
  const measureCalls: Array<{ body: Node; column: ViewColumn; aggregate: string }> = [];
  let star = false;
  let aggregated = list(block.groupClause).length > 0 || block.havingClause !== undefined;
  const note = (column: ViewColumn, granularity?: string) => {
    const use = uses.get(column.name) ?? { column, raw: false };
    if (granularity === undefined) use.raw = true;
    else if (use.granularity === undefined) use.granularity = granularity;
    else if (use.granularity !== granularity) {
      // Two granularities: fetch the finer one if the coarser nests in it, else by day or raw.
      const [a, b] = [use.granularity, granularity];
      use.granularity = nests(a, b)
        ? a
        : nests(b, a)
          ? b
          : nests('day', a) && nests('day', b)
            ? 'day'
            : undefined;
      if (use.granularity === undefined) use.raw = true;
    }
    uses.set(column.name, use);
  };
  const parts = blockExpressions(block);
  const visitor = (tag: string, body: Node): boolean => {
    if (tag === 'FuncCall') {
      const name = funcName(body);
      const args = list(body.args);
      const bucketed = name === 'date_trunc' || name === 'extract' || name === 'date_part';
      if (bucketed && args.length === 2) {
        // date_trunc('month', t), also over CAST(t AS date) (Tableau); EXTRACT(YEAR FROM t).
        const [argTag, argBody] = unwrap(dateCastOf(args[1]) ?? args[1]);
        const unit = constString(args[0])?.toLowerCase();
        const granularity = name === 'date_trunc' ? unit : unit === 'year' ? 'year' : undefined;
        if (argTag === 'ColumnRef' && granularity && GRANULARITY_ORDER.includes(granularity)) {
          const found = resolveRef(list(argBody.fields), ref, true);
          if (found && 'column' in found && found.column.cubeType === 'time') {
            note(found.column, granularity);
            renameRef(argBody, ref, found.column);
            return false;
          }
        }
      }
      if (!body.over && AGGREGATES.has(name)) {
        aggregated = true;
        if (body.agg_star && name === 'count') {
          measureCalls.push({ body, column: scope.countMeasure(body), aggregate: 'MEASURE' });
          return true;
        }
        const [argTag, argBody] = unwrap(args[0]);
        const inner: [string, Node] =
          argTag === 'TypeCast' ? unwrap(argBody.arg) : [argTag, argBody];
        if (args.length === 1 && inner[0] === 'ColumnRef') {
          const found = resolveRef(list(inner[1].fields), ref, true);
          if (found && 'column' in found && found.column.kind === 'measure') {
            const aggregate =
              name === 'count' && body.agg_distinct ? 'COUNT(DISTINCT)' : name.toUpperCase();
            measureCalls.push({ body, column: found.column, aggregate });
            // FILTER (WHERE …) stays and is evaluated on top: its columns are read like others.
            if (body.agg_filter) walkExpressions(body.agg_filter, visitor);
            return false;
          }
        }
      }
      return true;
    }
    if (tag !== 'ColumnRef') return true;
    const found = resolveRef(list(body.fields), ref, true);
    if (!found) return false;
    if ('star' in found) {
      star = true;
      return false;
    }
    renameRef(body, ref, found.column);
    if (found.column.kind === 'segment') {
      throw new SqlApiError(
        SQLSTATE.featureNotSupported,
        `segment "${found.column.name}" can only be used alone in a top-level AND of WHERE`,
        location(body),
      );
    }
    note(found.column);
    return false;
  };
  walkExpressions(parts, visitor);

  if (!aggregated) return ungroupedBlock(block, ref, uses, star, pushed, where, allPushed, params);

  if (star) {
    throw new SqlApiError(
      SQLSTATE.groupingError,
      'SELECT * with GROUP BY or aggregates: name the columns',
      location(block),
    );
  }
  for (const use of uses.values()) {
    if (use.column.kind === 'measure') {
      throw new SqlApiError(
        SQLSTATE.groupingError,
        `measure "${use.column.name}" must be used in an aggregate function (SUM(${use.column.name}) or MEASURE(${use.column.name}))`,
      );
    }
  }

  // Exact grain: the block groups by exactly the columns Cube groups by, so one Cube row per group.
  const groupItems = list(block.groupClause);
  const targets = list(block.targetList).map((t) => unwrap(t)[1]);
  let exact = true;
  const grouped = new Set<string>();
  for (const item of groupItems) {
    const [tag, body] = unwrap(item);
    if (tag === 'GroupingSet') {
      exact = false;
      continue;
    }
    let expr: unknown = item;
    if (tag === 'A_Const' && isNode(body.ival))
      expr = targets[Number(body.ival.ival ?? 0) - 1]?.val;
    else if (tag === 'ColumnRef') {
      const names = list(body.fields).map(str);
      const byAlias = names.length === 1 ? targets.find((t) => t.name === names[0]) : undefined;
      if (byAlias && !findColumn(ref.table, names[0] ?? '')) expr = byAlias.val;
    }
    const key = plainKey(expr, ref, uses);
    if (key === undefined) exact = false;
    else grouped.add(key);
  }
  for (const use of uses.values()) if (!grouped.has(use.column.name)) exact = false;

  // An unnamed select item keeps the name Postgres gives the call as written (`sum`, `measure`).
  for (const item of list(block.targetList)) {
    const [, target] = unwrap(item);
    const [valTag, valBody] = unwrap(target.val);
    if (
      target.name === undefined &&
      valTag === 'FuncCall' &&
      measureCalls.some((c) => c.body === valBody)
    ) {
      target.name = funcName(valBody);
    }
  }
  for (const call of measureCalls) {
    checkAggregationType(call.column, call.aggregate, call.body);
    const reaggregate = exact ? 'max' : additive(call.column);
    if (!reaggregate) {
      const loose = [...uses.values()].find((u) => !grouped.has(u.column.name));
      if (groupItems.length === 0 && loose) {
        throw new SqlApiError(
          SQLSTATE.groupingError,
          `column "${loose.column.name}" must appear in the GROUP BY clause or be used in an aggregate function`,
        );
      }
      throw new SqlApiError(
        SQLSTATE.featureNotSupported,
        `measure "${call.column.name}" (${call.column.cubeType}) cannot be combined from finer rows: ` +
          'group by plain dimensions or DATE_TRUNC of a time dimension (no ROLLUP/GROUPING SETS, no expressions, no WHERE conditions the SQL API cannot push to Cube)',
        location(call.body),
      );
    }
    call.body.funcname = [stringNode(reaggregate)];
    call.body.args = [
      { ColumnRef: { fields: [stringNode(ref.alias), stringNode(call.column.name)] } },
    ];
    delete call.body.agg_star;
    delete call.body.agg_distinct;
  }

  const measures = [...new Set(measureCalls.map((c) => c.column.member))];
  const dimensions: string[] = [];
  const timeDimensions: CubeQuery['timeDimensions'] = [];
  const columns: CubeScan['columns'] = [];
  for (const use of uses.values()) {
    const granularity = use.raw ? undefined : use.granularity;
    if (granularity) {
      timeDimensions.push({ dimension: use.column.member, granularity });
      columns.push({
        name: use.column.name,
        pgType: 'timestamp',
        key: `${use.column.member}.${granularity}`,
      });
    } else {
      dimensions.push(use.column.member);
      columns.push({ name: use.column.name, pgType: use.column.pgType, key: use.column.member });
    }
  }
  for (const call of measureCalls) {
    if (!columns.some((c) => c.name === call.column.name)) {
      columns.push({ name: call.column.name, pgType: call.column.pgType, key: call.column.member });
    }
  }
  const filters = where.collectBounds(pushed);
  const query: CubeQuery = {
    measures,
    dimensions,
    timeDimensions,
    segments: where.segments,
    filters: where.applyDateRanges(filters, timeDimensions),
    order: [],
    timezone,
  };
  return {
    table: ref.table,
    query,
    columns,
    ...(where.changeUser !== undefined && { changeUser: where.changeUser }),
  };
}

function ungroupedBlock(
  block: Node,
  ref: CubeRef,
  uses: Map<string, Use>,
  star: boolean,
  pushed: CubeQuery['filters'],
  where: FilterBuilder,
  allPushed: boolean,
  params: ParamValue[],
): CubeScan {
  // Time columns are read as they are (a truncation on top applies to the raw value).
  const columns = star ? selectable(ref.table) : [...uses.values()].map((u) => u.column);
  // LIMIT goes to Cube when nothing on top could drop or reorder rows before it.
  let limit: number | undefined;
  const order: CubeQuery['order'] = [];
  const simple =
    allPushed && !block.distinctClause && !block.windowClause && !hasWindowOrSet(block.targetList);
  const count = constantInt(block.limitCount, params);
  if (simple && count !== undefined) {
    let orderable = true;
    for (const item of list(block.sortClause)) {
      const [, sort] = unwrap(item);
      const [tag, body] = unwrap(sort.node);
      const found = tag === 'ColumnRef' ? resolveRef(list(body.fields), ref, true) : undefined;
      const nulls = sort.sortby_nulls ?? 'SORTBY_NULLS_DEFAULT';
      const desc = sort.sortby_dir === 'SORTBY_DESC';
      // Cube's order puts NULLs as Postgres does by default (last ascending, first descending).
      if (!found || !('column' in found) || nulls !== 'SORTBY_NULLS_DEFAULT' || sort.useOp) {
        orderable = false;
        break;
      }
      order.push([found.column.member, desc ? 'desc' : 'asc']);
    }
    const offset = constantInt(block.limitOffset, params) ?? 0;
    if (orderable) limit = count + offset;
    else order.length = 0;
  }
  const filters = where.collectBounds(pushed);
  const timeDimensions: CubeQuery['timeDimensions'] = [];
  const applied = where.applyDateRanges(filters, timeDimensions);
  return ungroupedScan(
    ref.table,
    columns,
    applied,
    where.segments,
    limit,
    order,
    timeDimensions,
    where.changeUser,
  );
}

function hasWindowOrSet(node: unknown): boolean {
  let found = false;
  walkExpressions(node, (tag, body) => {
    if (tag === 'FuncCall' && body.over) found = true;
    return !found;
  });
  return found;
}

function constantInt(node: unknown, params: ParamValue[]): number | undefined {
  if (node === undefined) return undefined;
  const [tag, body] = unwrap(node);
  let value: string | undefined;
  if (tag === 'A_Const' && isNode(body.ival)) value = String(body.ival.ival ?? 0);
  else if (tag === 'ParamRef') value = params[Number(body.number ?? 0) - 1] ?? undefined;
  const number = Number(value);
  return value !== undefined && Number.isInteger(number) && number >= 0 ? number : undefined;
}

/** `CAST(x AS date|timestamp)`: x, which day-or-coarser buckets group alike. */
function dateCastOf(node: unknown): unknown {
  const [tag, body] = unwrap(node);
  if (tag !== 'TypeCast') return undefined;
  const names = list(isNode(body.typeName) ? body.typeName.names : []).map(str);
  return ['date', 'timestamp', 'timestamptz'].includes(names[names.length - 1] ?? '')
    ? body.arg
    : undefined;
}

/** A string literal's text (`'day'`), else undefined. */
function constString(node: unknown): string | undefined {
  const [tag, body] = unwrap(node);
  if (tag !== 'A_Const' || !isNode(body.sval)) return undefined;
  return typeof body.sval.sval === 'string' ? body.sval.sval : undefined;
}

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar']);

/** The column a GROUP BY expression stands for, when it is the column as Cube groups it. */
function plainKey(expr: unknown, ref: CubeRef, uses: Map<string, Use>): string | undefined {
  let [tag, body] = unwrap(expr);
  // CAST(text_column AS TEXT), as Tableau writes every column, groups the same rows.
  if (tag === 'TypeCast' && unwrap(body.arg)[0] === 'ColumnRef') {
    const names = list(isNode(body.typeName) ? body.typeName.names : []).map(str);
    const [argTag, argBody] = unwrap(body.arg);
    const found = resolveRef(list(argBody.fields), ref, true);
    if (!found || !('column' in found) || found.column.pgType !== 'text') return undefined;
    if (!TEXT_TYPES.has(names[names.length - 1] ?? '')) return undefined;
    [tag, body] = [argTag, argBody];
  }
  if (tag === 'ColumnRef') {
    const found = resolveRef(list(body.fields), ref, true);
    if (!found || !('column' in found)) return undefined;
    const use = uses.get(found.column.name);
    return use && (use.raw || use.granularity === undefined) ? found.column.name : undefined;
  }
  // CAST(date_trunc('month', t) AS timestamp|date) groups as the truncation does (day or coarser).
  const castInner = dateCastOf(expr);
  if (castInner !== undefined) {
    const key = plainKey(castInner, ref, uses);
    const use = key === undefined ? undefined : uses.get(key);
    const coarse = use?.granularity && GRANULARITY_ORDER.indexOf(use.granularity) >= 3;
    return coarse ? key : undefined;
  }
  const fn = tag === 'FuncCall' ? funcName(body) : '';
  if (fn === 'date_trunc' || fn === 'extract' || fn === 'date_part') {
    const args = list(body.args);
    const unit = constString(args[0])?.toLowerCase();
    const granularity = fn === 'date_trunc' ? unit : unit === 'year' ? 'year' : undefined;
    const [argTag, argBody] = unwrap(dateCastOf(args[1]) ?? args[1]);
    if (argTag !== 'ColumnRef') return undefined;
    const found = resolveRef(list(argBody.fields), ref, true);
    if (!found || !('column' in found)) return undefined;
    const use = uses.get(found.column.name);
    return use && !use.raw && use.granularity === granularity ? found.column.name : undefined;
  }
  return undefined;
}

/** Measures whose finer rows add up to the coarser answer, and how. */
function additive(column: ViewColumn): string | undefined {
  if (column.rollsUpAs) return column.rollsUpAs;
  if (column.cubeType === 'sum' || column.cubeType === 'count') return 'sum';
  if (column.cubeType === 'min') return 'min';
  if (column.cubeType === 'max') return 'max';
  return undefined;
}

/**
 * Constant expressions compared with a time column in WHERE (`NOW() - INTERVAL '7 day'`,
 * `DATE_TRUNC('week', NOW())`, `TO_TIMESTAMP(…)`, `'2026-11-01T00:00:00Z'`): Postgres evaluates
 * them (in the session's time zone) so they can become Cube date ranges.
 */
export function foldableTimeBounds(statement: Node, views: Map<string, ViewTable>): Node[] {
  const ctes = cteNames(statement);
  const out: Node[] = [];
  for (const block of selectBlocks(statement)) {
    const { refs, items } = cubeRefsOfFrom(block, views, ctes);
    const ref = refs[0];
    if (!ref || refs.length !== 1 || items !== 1) continue;
    for (const conjunct of conjuncts(block.whereClause)) {
      const [tag, body] = unwrap(conjunct);
      if (tag !== 'A_Expr') continue;
      const sides =
        body.kind === 'AEXPR_BETWEEN'
          ? [body.lexpr, ...list(unwrap(body.rexpr)[1].items ?? body.rexpr)]
          : [body.lexpr, body.rexpr];
      if (body.kind === 'AEXPR_IN')
        sides.splice(1, 1, ...list(unwrap(body.rexpr)[1].items ?? body.rexpr));
      const [columnSide, ...others] = sides;
      const onLeft = timeOperand(columnSide, ref) !== undefined;
      const candidates = onLeft ? others : body.kind === 'AEXPR_OP' ? [columnSide] : [];
      if (!onLeft && !timeOperand(body.rexpr, ref)) continue;
      for (const side of candidates) {
        if (!isNode(side) || !isConstantExpression(side)) continue;
        const [sideTag, sideBody] = unwrap(side);
        if (
          sideTag === 'A_Const' &&
          isNode(sideBody.sval) &&
          PLAIN_TIMESTAMP.test(String(sideBody.sval.sval))
        )
          continue;
        out.push(side);
      }
    }
  }
  return out;
}

/** A time column of the block's Cube table, bare or under `date_trunc('<granularity>', …)`. */
function timeOperand(
  node: unknown,
  ref: CubeRef,
): { column: ViewColumn; granularity?: string } | undefined {
  const [tag, body] = unwrap(node);
  if (tag === 'FuncCall' && funcName(body) === 'date_trunc') {
    const args = list(body.args);
    const granularity = constString(args[0])?.toLowerCase();
    const inner = args.length === 2 ? timeOperand(args[1], ref) : undefined;
    return inner && !inner.granularity && granularity && GRANULARITY_ORDER.includes(granularity)
      ? { column: inner.column, granularity }
      : undefined;
  }
  if (tag !== 'ColumnRef') return undefined;
  const found = resolveRef(list(body.fields), ref, true);
  return found && 'column' in found && found.column.cubeType === 'time'
    ? { column: found.column }
    : undefined;
}

/** The start of the next bucket after `start` (a bucket start), as Cube's timestamp text. */
function nextBucket(start: Date, granularity: string): Date {
  const d = new Date(start);
  const add: Record<string, () => void> = {
    second: () => d.setUTCSeconds(d.getUTCSeconds() + 1),
    minute: () => d.setUTCMinutes(d.getUTCMinutes() + 1),
    hour: () => d.setUTCHours(d.getUTCHours() + 1),
    day: () => d.setUTCDate(d.getUTCDate() + 1),
    week: () => d.setUTCDate(d.getUTCDate() + 7),
    month: () => d.setUTCMonth(d.getUTCMonth() + 1),
    quarter: () => d.setUTCMonth(d.getUTCMonth() + 3),
    year: () => d.setUTCFullYear(d.getUTCFullYear() + 1),
  };
  add[granularity]?.();
  return d;
}

/** Whether `d` starts a bucket of the granularity (what date_trunc returns). */
function isBucketStart(d: Date, granularity: string): boolean {
  const parts = [
    d.getUTCMonth(),
    d.getUTCDate() - 1,
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  ];
  const zeroFrom = {
    second: 5,
    minute: 4,
    hour: 3,
    day: 2,
    week: 2,
    month: 1,
    quarter: 1,
    year: 0,
  }[granularity];
  if (zeroFrom === undefined || parts.slice(zeroFrom).some((p) => p !== 0)) return false;
  if (granularity === 'week') return d.getUTCDay() === 1;
  if (granularity === 'quarter') return d.getUTCMonth() % 3 === 0;
  return true;
}

const between = (column: Node, from: string, to: string) => ({
  BoolExpr: {
    boolop: 'AND_EXPR',
    args: [
      {
        A_Expr: {
          kind: 'AEXPR_OP',
          name: [stringNode('>=')],
          lexpr: column,
          rexpr: { A_Const: { sval: { sval: from } } },
        },
      },
      {
        A_Expr: {
          kind: 'AEXPR_OP',
          name: [stringNode('<')],
          lexpr: column,
          rexpr: { A_Const: { sval: { sval: to } } },
        },
      },
    ],
  },
});

const compared = (column: Node, op: string, value: string) => ({
  A_Expr: {
    kind: 'AEXPR_OP',
    name: [stringNode(op)],
    lexpr: column,
    rexpr: { A_Const: { sval: { sval: value } } },
  },
});

/**
 * A condition on `date_trunc(g, t)` and a literal at the start of a `g` bucket, as one on `t`
 * that Cube can take as a date range (rolling windows need one): `= '2020-01-01'` (or `IN` one
 * value) as `t >= '2020-01-01' AND t < '2021-01-01'`; `< S` as `t < S`, `>= S` as `t >= S`,
 * `<= S` as `t <` the next bucket, `> S` as `t >=` the next bucket.
 */
function truncEqualityAsRange(conjunct: unknown, ref: CubeRef): unknown {
  const [tag, body] = unwrap(conjunct);
  if (tag !== 'A_Expr') return conjunct;
  const op = list(body.name).map(str)[0] ?? '';
  const values =
    body.kind === 'AEXPR_IN' ? list(unwrap(body.rexpr)[1].items ?? body.rexpr) : [body.rexpr];
  const ordered = ['<', '<=', '>', '>='].includes(op) && body.kind === 'AEXPR_OP';
  if (
    (op !== '=' && !ordered) ||
    values.length !== 1 ||
    (body.kind !== 'AEXPR_OP' && body.kind !== 'AEXPR_IN')
  )
    return conjunct;
  const operand = timeOperand(body.lexpr, ref);
  const literal = constString(values[0]);
  if (!operand?.granularity || literal === undefined || !PLAIN_TIMESTAMP.test(literal))
    return conjunct;
  const start = new Date(
    `${literal.trim().replace(' ', 'T')}${literal.length === 10 ? 'T00:00:00' : ''}Z`,
  );
  if (Number.isNaN(start.getTime()) || !isBucketStart(start, operand.granularity)) return conjunct;
  const column = list(unwrap(body.lexpr)[1].args)[1] as Node;
  const text = (d: Date) => d.toISOString().slice(0, 23).replace('T', ' ');
  const next = text(nextBucket(start, operand.granularity));
  if (op === '<' || op === '>=') return compared(column, op, text(start));
  if (op === '<=') return compared(column, '<', next);
  if (op === '>') return compared(column, '>=', next);
  return between(column, text(start), next);
}

const PLAIN_TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?$/;

/** The SQL of one expression node. */
export function expressionSql(node: Node): string {
  const sql = deparseSync({
    version: 0,
    stmts: [
      {
        stmt: {
          SelectStmt: {
            targetList: [{ ResTarget: { val: node } }],
            limitOption: 'LIMIT_OPTION_DEFAULT',
            op: 'SETOP_NONE',
          },
        },
      },
    ],
  } as never) as string;
  return sql.replace(/^\s*SELECT\s+/i, '');
}

/** Replaces a folded node's content with a string constant. */
export function replaceWithLiteral(node: Node, value: string): void {
  for (const key of Object.keys(node)) delete node[key];
  node.A_Const = { sval: { sval: value } };
}

// ------------------------------------------------------------------------------------------------
// Unquoted names, resolved as Cube resolves them
// ------------------------------------------------------------------------------------------------

/**
 * A relation of a block's FROM as the block sees it: the name that qualifies its columns and
 * their names (undefined when unknown: a catalog table, a function). A Cube table also has the
 * columns `*` expands to.
 */
type Relation = {
  alias: string;
  columns: string[] | undefined;
  table?: ViewTable;
  star?: string[];
};

type NameContext = {
  views: Map<string, ViewTable>;
  ctes: Map<string, Node>;
  /** The query text as UTF-8: Postgres's locations count bytes. */
  source: Buffer;
  /** Every column name of the Cube tables the statement reads. */
  cubeNames: Set<string>;
};

/**
 * Cube resolves an unquoted name case-insensitively, also through subqueries: `rowId` finds the
 * column `"rowId"` of `(SELECT * FROM "ECommerce") a`, where Postgres folds it to `rowid` and finds
 * nothing. An unquoted reference that names no column of its block's relations exactly, but
 * exactly one Cube column case-insensitively, is rewritten to that column (a reference straight to
 * a Cube table is left to the Cube block, which resolves it the same way). Anything less certain
 * (a relation whose columns are unknown, two candidates) stays as written, for Postgres to answer.
 * Inner blocks go first, so an outer block sees the names its subqueries end up with.
 */
function resolveUnquotedNames(tree: Node, views: Map<string, ViewTable>, source: string): void {
  const ctes = new Map<string, Node>();
  const cubeNames = new Set<string>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (isNode(value)) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'CommonTableExpr' && isNode(inner) && typeof inner.ctename === 'string')
          ctes.set(inner.ctename, inner);
        if (key === 'RangeVar' && isNode(inner))
          for (const column of viewOf(inner, views)?.columns ?? []) cubeNames.add(column.name);
        collect(inner);
      }
    }
  };
  collect(tree);
  if (cubeNames.size === 0) return;
  const context: NameContext = { views, ctes, source: Buffer.from(source, 'utf8'), cubeNames };
  // A CTE's body may come after a block that reads it: repeat until nothing changes (a rewrite
  // only ever turns a folded name into a model's name, so an earlier one stays right).
  for (let round = 0; round < 4 && resolveBlocks(tree, context); round++);
}

/** One pass of `resolveUnquotedNames` over every block; whether it rewrote a name. */
function resolveBlocks(tree: Node, context: NameContext): boolean {
  let changed = false;
  for (const block of selectBlocks(tree).reverse()) {
    const relations = fromRelations(list(block.fromClause), context, 0);
    const outputNames = new Set(
      list(block.targetList).flatMap((t) => {
        const name = unwrap(t)[1].name;
        return typeof name === 'string' ? [name] : [];
      }),
    );
    walkExpressions([...blockExpressions(block), block.fromClause], (tag, body) => {
      if (tag !== 'ColumnRef') return true;
      const fields = list(body.fields);
      const last = fields[fields.length - 1];
      if (unwrap(last)[0] !== 'String' || typeof body.location !== 'number') return false;
      const name = str(last);
      if (fields.length === 1 && outputNames.has(name)) return false;
      if (!writtenUnquoted(context.source, body.location, fields.length)) return false;
      const match = caseInsensitiveMatch(fields.map(str), relations);
      if (match === undefined || !context.cubeNames.has(match)) return false;
      fields[fields.length - 1] = stringNode(match);
      changed = true;
      return false;
    });
  }
  return changed;
}

/** The one column `qualifiers.name` finds case-insensitively, when none has the name exactly. */
function caseInsensitiveMatch(names: string[], relations: Relation[]): string | undefined {
  const name = names[names.length - 1] ?? '';
  const qualifier = names[names.length - 2];
  const candidates =
    qualifier === undefined ? relations : relations.filter((r) => r.alias === qualifier);
  if (candidates.length === 0) return undefined;
  const columns: string[] = [];
  for (const relation of candidates) {
    if (relation.columns === undefined) return undefined;
    columns.push(...relation.columns);
  }
  if (columns.includes(name)) return undefined;
  const lower = name.toLowerCase();
  const matches = [...new Set(columns.filter((c) => c.toLowerCase() === lower))];
  const [match] = matches;
  if (matches.length !== 1 || match === undefined) return undefined;
  // A Cube table's own column: its Cube block resolves the reference itself.
  const owners = candidates.filter((r) => r.columns?.includes(match));
  return owners.every((r) => r.table) ? undefined : match;
}

/** The relations a FROM list brings into scope. */
function fromRelations(from: unknown[], context: NameContext, depth: number): Relation[] {
  const out: Relation[] = [];
  const aliasOf = (body: Node) =>
    isNode(body.alias) && typeof body.alias.aliasname === 'string'
      ? body.alias.aliasname
      : undefined;
  const renamed = (body: Node, columns: string[] | undefined) => {
    const given = isNode(body.alias) ? list(body.alias.colnames).map(str) : [];
    return columns === undefined ? undefined : [...given, ...columns.slice(given.length)];
  };
  const visit = (item: unknown) => {
    const [tag, body] = unwrap(item);
    if (tag === 'RangeVar') {
      const relname = String(body.relname ?? '');
      const cte = typeof body.schemaname !== 'string' ? context.ctes.get(relname) : undefined;
      if (cte) {
        const names = list(cte.aliascolnames).map(str);
        const columns = names.length > 0 ? names : outputColumns(cte.ctequery, context, depth + 1);
        out.push({ alias: aliasOf(body) ?? relname, columns: renamed(body, columns) });
        return;
      }
      const table = viewOf(body, context.views);
      if (table) {
        out.push({
          alias: aliasOf(body) ?? table.name,
          columns: table.columns.map((c) => c.name),
          table,
          star: selectable(table).map((c) => c.name),
        });
        return;
      }
      out.push({ alias: aliasOf(body) ?? relname, columns: undefined });
    } else if (tag === 'RangeSubselect') {
      const columns = outputColumns(body.subquery, context, depth + 1);
      out.push({ alias: aliasOf(body) ?? '', columns: renamed(body, columns) });
    } else if (tag === 'JoinExpr') {
      const inner = fromRelations([body.larg, body.rarg], context, depth);
      out.push(...inner);
      const alias = aliasOf(body);
      if (alias !== undefined) {
        const columns = inner.every((r) => r.columns)
          ? inner.flatMap((r) => r.columns ?? [])
          : undefined;
        out.push({ alias, columns: renamed(body, columns) });
      }
    } else {
      out.push({ alias: aliasOf(body) ?? '', columns: undefined });
    }
  };
  if (depth > 16) return [{ alias: '', columns: undefined }];
  from.forEach(visit);
  return out;
}

/** The names of a query's output columns as Postgres gives them, or undefined if unknown. */
function outputColumns(query: unknown, context: NameContext, depth: number): string[] | undefined {
  const [tag, select] = unwrap(query);
  if (tag !== 'SelectStmt') return undefined;
  if (select.op !== undefined && select.op !== 'SETOP_NONE')
    return outputColumns({ SelectStmt: select.larg }, context, depth);
  const values = list(select.valuesLists);
  if (values.length > 0)
    return list(unwrap(values[0])[1].items ?? values[0]).map((_, i) => `column${i + 1}`);
  const relations = fromRelations(list(select.fromClause), context, depth);
  const names: string[] = [];
  for (const item of list(select.targetList)) {
    const [, target] = unwrap(item);
    if (typeof target.name === 'string') {
      names.push(target.name);
      continue;
    }
    const [valTag, valBody] = unwrap(target.val);
    const fields = valTag === 'ColumnRef' ? list(valBody.fields) : [];
    if (fields.length > 0 && unwrap(fields[fields.length - 1])[0] === 'A_Star') {
      const qualifier = fields.length > 1 ? str(fields[fields.length - 2]) : undefined;
      const starred =
        qualifier === undefined ? relations : relations.filter((r) => r.alias === qualifier);
      for (const relation of starred) {
        const columns = relation.star ?? relation.columns;
        if (columns === undefined) return undefined;
        names.push(...columns);
      }
      continue;
    }
    if (fields.length > 0) {
      // A column of a Cube table is named as the model names it (the Cube block writes it so).
      const name = str(fields[fields.length - 1]);
      const qualifier = fields.length > 1 ? str(fields[fields.length - 2]) : undefined;
      const tables = relations.filter(
        (r) => r.table && (qualifier === undefined || r.alias === qualifier),
      );
      const column = tables.length === 1 && tables[0]?.table && findColumn(tables[0].table, name);
      names.push(column ? column.name : name);
      continue;
    }
    names.push(figureColumnName(target.val, context, depth));
  }
  return names;
}

/** Postgres's name for an unnamed output expression (FigureColname), for the cases with a name. */
function figureColumnName(node: unknown, context: NameContext, depth: number): string {
  const [tag, body] = unwrap(node);
  switch (tag) {
    case 'ColumnRef': {
      const fields = list(body.fields);
      return str(fields[fields.length - 1]) || '?column?';
    }
    case 'A_Indirection': {
      const last = list(body.indirection).at(-1);
      return unwrap(last)[0] === 'String' ? str(last) : figureColumnName(body.arg, context, depth);
    }
    case 'FuncCall':
      return list(body.funcname).map(str).at(-1) ?? '?column?';
    case 'TypeCast': {
      const inner = figureColumnName(body.arg, context, depth);
      if (inner !== '?column?') return inner;
      const names = list(isNode(body.typeName) ? body.typeName.names : []).map(str);
      return names.at(-1) ?? '?column?';
    }
    case 'CollateClause':
      return figureColumnName(body.arg, context, depth);
    case 'SubLink':
      if (body.subLinkType === 'EXISTS_SUBLINK') return 'exists';
      if (body.subLinkType === 'ARRAY_SUBLINK') return 'array';
      if (body.subLinkType === 'EXPR_SUBLINK')
        return outputColumns(body.subselect, context, depth + 1)?.[0] ?? '?column?';
      return '?column?';
    case 'CaseExpr':
      return 'case';
    case 'A_ArrayExpr':
      return 'array';
    case 'RowExpr':
      return 'row';
    case 'CoalesceExpr':
      return 'coalesce';
    case 'MinMaxExpr':
      return body.op === 'IS_GREATEST' ? 'greatest' : 'least';
    case 'GroupingFunc':
      return 'grouping';
    case 'A_Expr':
      return body.kind === 'AEXPR_NULLIF' ? 'nullif' : '?column?';
    default:
      return '?column?';
  }
}

const IDENTIFIER_BYTE = (b: number | undefined): boolean =>
  b !== undefined &&
  (b >= 0x80 ||
    b === 0x5f ||
    b === 0x24 ||
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a));
const DIGIT_BYTE = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;
const SPACE_BYTE = (b: number | undefined): boolean =>
  b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0c;

/** Whether the last of `fields` names of a column reference at byte `at` was written unquoted. */
function writtenUnquoted(source: Buffer, at: number, fields: number): boolean {
  let i = at;
  let unquoted = false;
  for (let n = 0; n < fields; n++) {
    if (n > 0) {
      while (SPACE_BYTE(source[i])) i++;
      if (source[i] !== 0x2e) return false;
      i++;
      while (SPACE_BYTE(source[i])) i++;
    }
    if (source[i] === 0x22) {
      // "…" with "" for a quote inside.
      i++;
      for (;;) {
        if (i >= source.length) return false;
        if (source[i] === 0x22 && source[i + 1] === 0x22) i += 2;
        else if (source[i] === 0x22) break;
        else i++;
      }
      i++;
      unquoted = false;
    } else if (IDENTIFIER_BYTE(source[i]) && !DIGIT_BYTE(source[i])) {
      while (IDENTIFIER_BYTE(source[i])) i++;
      // U&"…" is a quoted name too.
      if (source[i] === 0x26) return false;
      unquoted = true;
    } else return false;
  }
  return unquoted;
}
