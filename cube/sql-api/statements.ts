/**
 * What one SQL statement is, for the SQL API: a Cube query on a view, a catalog query for the
 * catalog database, a session command (SET, SHOW, BEGIN…) or something refused.
 */
import { parseSync, type SqlError } from 'libpg-query';
import { SQLSTATE, SqlApiError, unsupported } from './errors';
import { rangeVars, unwrap, viewOf } from './translate';
import type { ViewTable } from './views';

type Node = { [key: string]: unknown };

/** `source` is the whole query text the statement came from: its nodes' locations index it. */
export type ParsedStatement = {
  sql: string;
  node: Node;
  tag: string;
  paramCount: number;
  source: string;
};

export type Plan =
  /**
   * A SELECT that reads Cube tables: `view` when it is one plain query on one table (translated
   * straight to one Cube query), otherwise composed around its Cube parts (compose.ts).
   */
  | {
      kind: 'cube';
      view?: ViewTable;
      select: Node;
      node: Node;
      source: string;
      explain?: boolean;
    }
  | { kind: 'catalog'; sql: string }
  | { kind: 'set'; name: string; value: string | null }
  | { kind: 'reset-all' }
  | { kind: 'show'; name: string }
  | { kind: 'transaction'; action: 'begin' | 'commit' | 'rollback' | 'savepoint'; tag: string }
  | { kind: 'deallocate'; name: string | null }
  | { kind: 'noop'; tag: string };

/**
 * Parsed query texts, newest last. Tools repeat the same texts (a dashboard's queries, a
 * driver's catalog probes), and parsing in libpg-query's WASM is a good part of the SQL API's own
 * cost per query. The trees are only read after parsing (planning and translation build new
 * objects), so one parse serves every session; they are frozen so a change that writes to one
 * fails loudly instead of leaking into other queries.
 */
const parsedTexts = new Map<string, ParsedStatement[]>();
const PARSE_CACHE_ENTRIES = 500;
const PARSE_CACHE_MAX_TEXT = 16 * 1024;

/** Splits and parses a query string with Postgres's own grammar. */
export function parseStatements(sql: string): ParsedStatement[] {
  const cached = parsedTexts.get(sql);
  if (cached) {
    parsedTexts.delete(sql);
    parsedTexts.set(sql, cached);
    return cached;
  }
  const statements = parseUncached(sql);
  if (sql.length <= PARSE_CACHE_MAX_TEXT) {
    deepFreeze(statements);
    parsedTexts.set(sql, statements);
    if (parsedTexts.size > PARSE_CACHE_ENTRIES) {
      const oldest = parsedTexts.keys().next().value;
      if (oldest !== undefined) parsedTexts.delete(oldest);
    }
  }
  return statements;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}

function parseUncached(sql: string): ParsedStatement[] {
  if (sql.trim() === '' || /^[\s;]*$/.test(sql)) return [];
  let parsed: ReturnType<typeof parseSync>;
  try {
    parsed = parseSync(sql);
  } catch (error) {
    const details = (error as SqlError).sqlDetails;
    throw new SqlApiError(
      SQLSTATE.syntaxError,
      (error as Error).message,
      details?.cursorPosition !== undefined ? details.cursorPosition + 1 : undefined,
    );
  }
  return (parsed.stmts ?? []).map((raw) => {
    const start = raw.stmt_location ?? 0;
    const text = raw.stmt_len ? sql.slice(start, start + raw.stmt_len) : sql.slice(start);
    const node = raw.stmt as unknown as Node;
    const [tag] = unwrap(node);
    return { sql: text.replace(/;\s*$/, ''), node, tag, paramCount: maxParam(node), source: sql };
  });
}

function maxParam(tree: unknown): number {
  let max = 0;
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'ParamRef' && typeof inner === 'object' && inner !== null) {
          max = Math.max(max, Number((inner as Node).number ?? 0));
        } else walk(inner);
      }
    }
  };
  walk(tree);
  return max;
}

const constText = (node: unknown): string => {
  const [tag, body] = unwrap(node);
  if (tag !== 'A_Const') return '';
  const inner = Object.entries(body).find(([key]) => key !== 'location')?.[1];
  if (typeof inner !== 'object' || inner === null) return '';
  const value = Object.values(inner)[0];
  return value === undefined ? '' : String(value);
};

const WRITES = new Set([
  'InsertStmt',
  'UpdateStmt',
  'DeleteStmt',
  'MergeStmt',
  'CreateStmt',
  'CreateTableAsStmt',
  'DropStmt',
  'AlterTableStmt',
  'TruncateStmt',
  'CopyStmt',
  'IndexStmt',
  'ViewStmt',
  'GrantStmt',
  'CreateRoleStmt',
  'AlterRoleStmt',
  'CreateFunctionStmt',
  'DoStmt',
  'CallStmt',
  'VacuumStmt',
  'CreateSchemaStmt',
  'CreatedbStmt',
  'DropdbStmt',
  'CommentStmt',
]);

/**
 * Functions a statement may not call, though Postgres would let the SQL API's read-only role run
 * them: they change the pooled connection's settings or locks, wait, or read server files.
 */
const REFUSED_FUNCTION =
  /^(set_config|pg_advisory.*|pg_try_advisory.*|pg_sleep.*|pg_read.*|pg_ls_.*|pg_stat_file|lo_.*|dblink.*|pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_promote|pg_notify|txid_current|pg_current_xact_id|pg_switch_wal|pg_create_.*|pg_drop_.*|pg_file_.*|pg_logical_.*|pg_replication_.*|query_to_xml.*|cursor_to_xml.*|table_to_xml.*|schema_to_xml.*|database_to_xml.*|query_to_json.*)$/;

/** Trees already checked: parsed texts are cached and frozen, so each is walked once. */
const checkedTrees = new WeakSet<object>();

function refuseFunctions(tree: Node): void {
  if (checkedTrees.has(tree)) return;
  refuseFunctionsIn(tree);
  checkedTrees.add(tree);
}

function refuseFunctionsIn(tree: unknown): void {
  if (Array.isArray(tree)) {
    for (const item of tree) refuseFunctionsIn(item);
    return;
  }
  if (typeof tree !== 'object' || tree === null) return;
  for (const [key, value] of Object.entries(tree)) {
    if (key === 'FuncCall' && typeof value === 'object' && value !== null) {
      const names = ((value as Node).funcname as unknown[] | undefined) ?? [];
      const name = String(unwrap(names[names.length - 1])[1].sval ?? '').toLowerCase();
      if (REFUSED_FUNCTION.test(name)) {
        throw new SqlApiError(
          SQLSTATE.insufficientPrivilege,
          `permission denied for function ${name}: the SQL API does not run it`,
        );
      }
    }
    refuseFunctionsIn(value);
  }
}

export function planStatement(statement: ParsedStatement, views: Map<string, ViewTable>): Plan {
  const [tag, body] = unwrap(statement.node);
  switch (tag) {
    case 'SelectStmt': {
      refuseFunctions(body);
      const tables = rangeVars(body);
      const onViews = tables.filter((rv) => viewOf(rv, views));
      if (onViews.length === 0) {
        if (body.intoClause) throw unsupported('SELECT INTO');
        if (body.lockingClause) throw unsupported('FOR UPDATE/SHARE');
        return { kind: 'catalog', sql: statement.sql };
      }
      if (body.intoClause) throw unsupported('SELECT INTO');
      if (body.lockingClause) throw unsupported('FOR UPDATE/SHARE');
      const from = Array.isArray(body.fromClause) ? body.fromClause : [];
      const [fromTag, rangeVar] = unwrap(from[0]);
      const view = fromTag === 'RangeVar' ? viewOf(rangeVar, views) : undefined;
      const plain = from.length === 1 && tables.length === 1 && view !== undefined;
      return {
        kind: 'cube',
        ...(plain && { view }),
        select: body,
        node: statement.node,
        source: statement.source,
      };
    }
    case 'ExplainStmt': {
      // As in stock Cube's SQL API: the Cube queries a statement becomes, without running them.
      const inner = planStatement({ ...statement, node: body.query as Node }, views);
      if (inner.kind === 'catalog') return { kind: 'catalog', sql: statement.sql };
      if (inner.kind !== 'cube') throw unsupported('EXPLAIN of this statement');
      if (Array.isArray(body.options) && body.options.length > 0) {
        throw unsupported('EXPLAIN with options on a Cube table');
      }
      return { ...inner, explain: true };
    }
    case 'VariableSetStmt': {
      const name = String(body.name ?? '').toLowerCase();
      if (body.kind === 'VAR_RESET_ALL') return { kind: 'reset-all' };
      if (body.kind === 'VAR_SET_MULTI') return { kind: 'noop', tag: 'SET' };
      if (body.kind === 'VAR_RESET' || body.kind === 'VAR_SET_DEFAULT') {
        return { kind: 'set', name, value: null };
      }
      const args = Array.isArray(body.args) ? body.args : [];
      return { kind: 'set', name, value: args.map(constText).join(', ') };
    }
    case 'VariableShowStmt':
      return { kind: 'show', name: String(body.name ?? '').toLowerCase() };
    case 'TransactionStmt': {
      const kind = String(body.kind);
      if (kind === 'TRANS_STMT_BEGIN')
        return { kind: 'transaction', action: 'begin', tag: 'BEGIN' };
      if (kind === 'TRANS_STMT_START') {
        return { kind: 'transaction', action: 'begin', tag: 'START TRANSACTION' };
      }
      if (kind === 'TRANS_STMT_COMMIT')
        return { kind: 'transaction', action: 'commit', tag: 'COMMIT' };
      if (kind === 'TRANS_STMT_ROLLBACK') {
        return { kind: 'transaction', action: 'rollback', tag: 'ROLLBACK' };
      }
      if (kind === 'TRANS_STMT_SAVEPOINT') {
        return { kind: 'transaction', action: 'savepoint', tag: 'SAVEPOINT' };
      }
      if (kind === 'TRANS_STMT_RELEASE') {
        return { kind: 'transaction', action: 'savepoint', tag: 'RELEASE' };
      }
      if (kind === 'TRANS_STMT_ROLLBACK_TO') {
        return { kind: 'transaction', action: 'savepoint', tag: 'ROLLBACK' };
      }
      throw unsupported('two-phase commit');
    }
    case 'DeallocateStmt':
      return { kind: 'deallocate', name: body.isall ? null : String(body.name ?? '') };
    case 'DiscardStmt':
      return { kind: 'noop', tag: 'DISCARD ALL' };
    default:
      if (WRITES.has(tag)) {
        throw new SqlApiError(
          SQLSTATE.readOnlyTransaction,
          `cannot execute ${tag.replace(/Stmt$/, '')} in the read-only SQL API`,
        );
      }
      throw unsupported(`the statement ${tag.replace(/Stmt$/, '')}`);
  }
}
