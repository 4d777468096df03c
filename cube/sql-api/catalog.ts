/**
 * The SQL API's catalog: a real Postgres database (in the cluster Cube reads from) holding one
 * empty table per view, with Cube's column types and the model's descriptions as comments.
 * Catalog and introspection queries (psql's `\d`, drivers' and BI tools' metadata queries) run
 * there unmodified, so every pg_catalog / information_schema answer is Postgres's own.
 *
 * Client SQL runs as a login role that may only read (`SQL_API_READER`), in read-only
 * transactions with a statement timeout, through a cursor that fetches a bounded number of rows.
 */
import { createHash, createHmac } from 'node:crypto';
import pg from 'pg';
import { type PgConfig, withClient, withDatabase } from '../../db/connection';
import { SQLSTATE, SqlApiError } from './errors';
import type { Field } from './protocol';
import type { ParamValue } from './translate';
import type { ViewTable } from './views';

export const SQL_API_READER = 'cube_sql_api_reader';
/** Catalog answers larger than this are refused (pg_catalog is small; this bounds a runaway query). */
export const CATALOG_MAX_ROWS = 10_000;
const STATEMENT_TIMEOUT_MS = 5_000;
const CURSOR = 'cube_sql_api_catalog';
const DECLARE = `DECLARE ${CURSOR} NO SCROLL CURSOR FOR `;

export type CatalogResult = { fields: Field[]; rows: Array<Array<string | null>>; command: string };

const SQL_TYPE: Record<string, string> = {
  int8: 'bigint',
  numeric: 'numeric',
  float8: 'double precision',
  timestamp: 'timestamp without time zone',
  text: 'text',
  bool: 'boolean',
};

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Values stay in Postgres's text format: they are forwarded to the client as they are. */
const rawText = {
  getTypeParser: () => (value: string) => value,
} as unknown as pg.CustomTypesConfig;

/**
 * One catalog database per source database and model: two Cube deployments with different models
 * on one source database (or a model change while an older Cube still runs) must not rebuild each
 * other's tables.
 */
export function catalogDatabaseName(sourceDatabase: string, tables: ViewTable[]): string {
  const shape = tables.map((t) => [t.name, t.columns.map((c) => [c.name, c.pgType])]);
  const digest = createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 10);
  return `${sourceDatabase.slice(0, 38)}_cube_sql_api_${digest}`;
}

/** The reader's password: derived from Cube's own, so every Cube process on the cluster agrees. */
const readerPassword = (db: PgConfig): string =>
  createHmac('sha256', db.password).update(`${SQL_API_READER}@${db.database}`).digest('hex');

function tableDdl(table: ViewTable, literal: (text: string) => string): string[] {
  const columns = table.columns.map((c) => `${ident(c.name)} ${SQL_TYPE[c.pgType] ?? 'text'}`);
  const statements = [`CREATE TABLE public.${ident(table.name)} (${columns.join(', ')})`];
  if (table.description) {
    statements.push(
      `COMMENT ON TABLE public.${ident(table.name)} IS ${literal(table.description)}`,
    );
  }
  for (const column of table.columns) {
    if (!column.description) continue;
    statements.push(
      `COMMENT ON COLUMN public.${ident(table.name)}.${ident(column.name)} IS ${literal(column.description)}`,
    );
  }
  return statements;
}

/** Creates the catalog database and reader if missing, and makes its tables match the views. */
async function buildCatalog(db: PgConfig, tables: ViewTable[]): Promise<PgConfig> {
  const name = catalogDatabaseName(db.database, tables);
  let reader: PgConfig = withDatabase(db, name);
  await withClient(db, async (client) => {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE ${ident(name)}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by another Cube process
      });
    }
    try {
      const role = await client.query('select 1 from pg_roles where rolname = $1', [
        SQL_API_READER,
      ]);
      if (role.rowCount === 0) {
        await client
          .query(`CREATE ROLE ${ident(SQL_API_READER)} LOGIN`)
          .catch((error: { code?: string }) => {
            if (error.code !== '42710') throw error;
          });
      }
      const password = readerPassword(db);
      await client.query(
        `ALTER ROLE ${ident(SQL_API_READER)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${password}'`,
      );
      reader = { ...reader, user: SQL_API_READER, password };
    } catch (error) {
      console.warn(
        `SQL API: cannot manage the role ${SQL_API_READER} (${(error as Error).message}); catalog queries run as ${db.user}, read-only.`,
      );
    }
  });
  await withClient(withDatabase(db, name), async (client) => {
    const literal = (text: string) => client.escapeLiteral(text);
    await client.query('BEGIN');
    try {
      await client.query(`select pg_advisory_xact_lock(hashtext('cube_sql_api_catalog'))`);
      const existing = await client.query<{ tablename: string }>(
        `select tablename from pg_tables where schemaname = 'public'`,
      );
      for (const { tablename } of existing.rows) {
        await client.query(`DROP TABLE public.${ident(tablename)}`);
      }
      for (const table of tables) {
        for (const statement of tableDdl(table, literal)) await client.query(statement);
      }
      await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
      if (reader.user === SQL_API_READER) {
        await client.query(`GRANT USAGE ON SCHEMA public TO ${ident(SQL_API_READER)}`);
        await client.query(
          `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${ident(SQL_API_READER)}`,
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
  return reader;
}

type PgError = { code?: string; message: string; position?: string };

function asSqlApiError(error: unknown, offset: number): SqlApiError {
  if (error instanceof SqlApiError) return error;
  const { code, message, position } = error as PgError;
  const at = position === undefined ? undefined : Math.max(1, Number(position) - offset);
  return new SqlApiError(code ?? SQLSTATE.internalError, message, at);
}

export class Catalog {
  private constructor(
    private readonly pool: pg.Pool,
    readonly serverVersion: string,
    readonly database: string,
  ) {}

  static async open(db: PgConfig, tables: ViewTable[]): Promise<Catalog> {
    const reader = await buildCatalog(db, tables);
    const pool = new pg.Pool({
      ...reader,
      max: 4,
      idleTimeoutMillis: 30_000,
      application_name: 'cube-sql-api-catalog',
      options: `-c default_transaction_read_only=on -c statement_timeout=${STATEMENT_TIMEOUT_MS}`,
    });
    pool.on('error', () => undefined);
    const version = await pool.query<{ server_version: string }>('SHOW server_version');
    return new Catalog(pool, version.rows[0]?.server_version ?? '18.0', reader.database);
  }

  /** Runs one SELECT through a bounded cursor; values are the client's text parameters. */
  async select(
    sql: string,
    values: ParamValue[],
    signal?: AbortSignal,
    { maxRows = CATALOG_MAX_ROWS, timezone }: { maxRows?: number; timezone?: string } = {},
  ): Promise<CatalogResult> {
    const client = await this.pool.connect();
    let broken = false;
    // A cancel request from the SQL client becomes Postgres's own cancel of this backend.
    const pid = (client as unknown as { processID: number }).processID;
    const onAbort = () => {
      broken = true; // a late cancel must not hit the next user of this connection
      this.pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let fetched: pg.QueryArrayResult;
      // The session's time zone, for this transaction only (the connection is pooled).
      const zone = timezone ? `SET LOCAL TimeZone TO ${client.escapeLiteral(timezone)}; ` : '';
      if (values.length === 0) {
        // One round trip: BEGIN, DECLARE, FETCH and COMMIT in one simple query.
        const results = (await client.query({
          text: `BEGIN; ${zone}${DECLARE}${sql}; FETCH ${maxRows + 1} FROM ${CURSOR}; COMMIT`,
          rowMode: 'array',
          types: rawText,
        })) as unknown as pg.QueryArrayResult[];
        fetched = results[zone ? 3 : 2] as pg.QueryArrayResult;
      } else {
        await client.query(`BEGIN; ${zone}`);
        await client.query({ text: `${DECLARE}${sql}`, values });
        fetched = await client.query({
          text: `FETCH ${maxRows + 1} FROM ${CURSOR}`,
          rowMode: 'array',
          types: rawText,
        });
        await client.query('COMMIT');
      }
      if (fetched.rows.length > maxRows) {
        throw new SqlApiError(
          SQLSTATE.programLimitExceeded,
          `the result has more than ${maxRows} rows, the SQL API's maximum: add LIMIT (and OFFSET to page)`,
        );
      }
      return {
        fields: fetched.fields.map((f) => ({
          name: f.name,
          typeOid: f.dataTypeID,
          typeSize: f.dataTypeSize,
          typeModifier: f.dataTypeModifier,
          tableOid: f.tableID,
          columnNumber: f.columnID,
        })),
        rows: fetched.rows as Array<Array<string | null>>,
        command: `SELECT ${fetched.rows.length}`,
      };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      const zone = timezone ? `SET LOCAL TimeZone TO ${client.escapeLiteral(timezone)}; ` : '';
      throw asSqlApiError(
        error,
        values.length === 0 ? `BEGIN; ${zone}${DECLARE}`.length : DECLARE.length,
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
      client.release(broken);
    }
  }

  /** The result columns of a SELECT, without running it to completion (Describe before Bind). */
  async describe(sql: string, parameterCount: number): Promise<Field[]> {
    // Parameters as NULL: the shape does not depend on them, and a composed statement's Cube
    // results (jsonb parameters) then have no rows.
    const result = await this.select(
      `SELECT * FROM (${sql}) AS described LIMIT 0`,
      new Array(parameterCount).fill(null),
    );
    return result.fields;
  }

  /** `SHOW name` as Postgres answers it (settings the session did not SET). */
  async show(name: string): Promise<CatalogResult> {
    try {
      const result = await this.pool.query({
        text: `SHOW ${ident(name)}`,
        rowMode: 'array',
        types: rawText,
      });
      return {
        fields: result.fields.map((f) => ({
          name: f.name,
          typeOid: f.dataTypeID,
          typeSize: f.dataTypeSize,
        })),
        rows: result.rows as Array<Array<string | null>>,
        command: 'SHOW',
      };
    } catch (error) {
      throw asSqlApiError(error, 0);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
