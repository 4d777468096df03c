/**
 * Replays the SQL that BI tools and SQL clients generate (bench/sql-replay.ts)
 * against the test stack's SQL API through real clients (node-postgres, psql, psycopg2,
 * SQLAlchemy) and checks every answer against hand-written SQL on the source tables: the same
 * column names, the same rows (as a multiset unless the order is determined), numbers to 1e-9
 * relative. Statements the engine cannot answer yet are listed in sql-api-expected-failures.ts;
 * the file prints how many pass.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, inject, test } from 'vitest';
import {
  REPLAY_STATEMENTS,
  type ReplayContext,
  type ReplayStatement,
  replayContext,
} from '../../bench/sql-replay';
import { sameNumber } from '../support/compare';
import { expectedToFail, REPLAY_EXPECTED_FAILURES } from './sql-api-expected-failures';

const run = promisify(execFile);
const sql = inject('cube').sql;
if (!sql) throw new Error('the test Cube runs without its SQL API');
const { port, user, password } = sql;
const PYTHON = process.env.TEST_PYTHON ?? '/usr/bin/python3';
const ctx: ReplayContext = replayContext(inject('seededNow'));

/** Timestamps without a zone are UTC wall time on both sides; dates stay `YYYY-MM-DD`. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (format !== 'binary') {
      if (oid === pg.types.builtins.TIMESTAMP)
        return (value: string) => new Date(`${value.replace(' ', 'T')}Z`);
      if (oid === pg.types.builtins.DATE) return (value: string) => value;
    }
    return pg.types.getTypeParser(oid, format);
  },
};

const oraclePool = new pg.Pool({ ...inject('pg'), max: 2, types, options: '-c TimeZone=UTC' });
oraclePool.on('error', () => undefined);
afterAll(() => oraclePool.end());

interface Answer {
  names: string[];
  rows: unknown[][];
}

async function viaPg(text: string): Promise<Answer> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user,
    password,
    database: 'cube',
    types,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const result = await client.query({ text, rowMode: 'array' });
    return { names: result.fields.map((f) => f.name), rows: result.rows as unknown[][] };
  } finally {
    await client.end().catch(() => undefined);
  }
}

const NULL_MARK = '\u2400';

async function viaPsql(text: string): Promise<Answer> {
  const { stdout } = await run(
    'psql',
    [
      ...['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', 'cube', '-X'],
      ...['-v', 'ON_ERROR_STOP=1', '-A', '-F', '\t', '-P', 'footer=off', '-P', `null=${NULL_MARK}`],
      ...['-c', text],
    ],
    { env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' } },
  );
  const [header = '', ...lines] = stdout.split('\n').filter((line) => line !== '');
  return {
    names: header.split('\t'),
    rows: lines.map((line) => line.split('\t').map((cell) => (cell === NULL_MARK ? null : cell))),
  };
}

/** psycopg2 directly, or SQLAlchemy over psycopg2; prints what was sent and what came back. */
const PYTHON_RUNNER = `
import json, os, datetime as _dt
from datetime import datetime
statement = os.environ["REPLAY_SQL"]
url = f"postgresql+psycopg2://{os.environ['REPLAY_USER']}:{os.environ['PGPASSWORD']}@127.0.0.1:{os.environ['REPLAY_PORT']}/cube"
if os.environ["REPLAY_CLIENT"] == "psycopg2":
    import psycopg2
    conn = psycopg2.connect(host="127.0.0.1", port=int(os.environ["REPLAY_PORT"]), user=os.environ["REPLAY_USER"], password=os.environ["PGPASSWORD"], dbname="cube")
    cur = conn.cursor()
    cur.execute(statement)
    out = {"sent": statement, "names": [d[0] for d in cur.description], "rows": [list(r) for r in cur.fetchall()]}
    conn.close()
else:
    from sqlalchemy import create_engine, event, text, table, column, select, func, Column, String, Numeric, DateTime
    from sqlalchemy.orm import declarative_base, Session
    engine = create_engine(url)
    sent = []
    @event.listens_for(engine, "before_cursor_execute")
    def capture(conn, cursor, stmt, params, context, executemany):
        sent.append(cursor.mogrify(stmt, params).decode())
    code = os.environ.get("REPLAY_PY")
    with engine.connect() as conn:
        if code:
            scope = dict(globals())
            scope["MONTH_START"] = datetime.fromisoformat(os.environ["REPLAY_MONTH_START"])
            exec(code, scope)
            result = conn.execute(scope["stmt"])
        else:
            result = conn.execute(text(statement))
        out = {"sent": sent[-1], "names": list(result.keys()), "rows": [list(r) for r in result]}
def encode(value):
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return str(value)
print(json.dumps(out, default=encode))
`;

async function viaPython(statement: ReplayStatement, text: string): Promise<Answer> {
  const { stdout } = await run(PYTHON, ['-c', PYTHON_RUNNER], {
    env: {
      ...process.env,
      PGPASSWORD: password,
      REPLAY_PORT: String(port),
      REPLAY_USER: user,
      REPLAY_CLIENT: statement.client,
      REPLAY_SQL: text,
      REPLAY_PY: statement.python ?? '',
      REPLAY_MONTH_START: ctx.monthStart,
    },
  });
  const answer = JSON.parse(stdout) as Answer & { sent: string };
  // What SQLAlchemy generated is what the entry says it sends.
  expect(squash(answer.sent)).toBe(squash(text));
  return answer;
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

async function viaClient(statement: ReplayStatement): Promise<Answer> {
  const text = statement.sql(ctx);
  switch (statement.client) {
    case 'pg':
      return viaPg(text);
    case 'psql':
      return viaPsql(text);
    default:
      return viaPython(statement, text);
  }
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]00(:?00)?)?$/;
const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/**
 * One canonical form for a cell from any client: numbers (also bigint/numeric text) as numbers,
 * times as ISO strings in UTC to the millisecond, booleans as t/f (psql's spelling), text as is.
 */
function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return value;
  const text = String(value);
  if (text === 'True' || text === 'False') return text === 'True' ? 't' : 'f';
  if (NUMBER.test(text)) return Number(text);
  const time = TIMESTAMP.exec(text);
  if (time) {
    const ms = (time[3] ?? '.000').slice(0, 4).padEnd(4, '0');
    return `${time[1]}T${time[2]}${ms}Z`;
  }
  return text;
}

function sameCell(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return sameNumber(a, b);
  return a === b;
}

function sameRow(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((cell, i) => sameCell(cell, b[i]));
}

const sortKey = (row: readonly unknown[]) =>
  JSON.stringify(row.map((c) => (typeof c === 'number' ? Number(c.toPrecision(12)) : c)));

async function oracle(text: string): Promise<Answer> {
  const result = await oraclePool.query({ text, rowMode: 'array' });
  return { names: result.fields.map((f) => f.name), rows: result.rows as unknown[][] };
}

async function check(statement: ReplayStatement): Promise<void> {
  const expected = await oracle(statement.oracle(ctx));
  const actual = await viaClient(statement);
  const want = expected.rows.map((r) => r.map(canonical));
  let got = actual.rows.map((r) => r.map(canonical));
  const { compare } = statement;

  if (typeof compare === 'object') {
    const positions = compare.columns.map((name) => actual.names.indexOf(name));
    expect(positions, `columns ${compare.columns.join(', ')} in ${actual.names}`).not.toContain(-1);
    expect(got.length).toBe(Math.min(compare.subset, want.length));
    const pool = new Map<string, number>();
    for (const row of want) pool.set(sortKey(row), (pool.get(sortKey(row)) ?? 0) + 1);
    const missing: unknown[][] = [];
    for (const row of got) {
      const key = sortKey(positions.map((p) => row[p]));
      const left = pool.get(key) ?? 0;
      if (left === 0) missing.push(positions.map((p) => row[p]));
      else pool.set(key, left - 1);
    }
    expect(missing.slice(0, 5), 'rows that are not source rows').toEqual([]);
    return;
  }

  if (statement.checkNames !== false) expect(actual.names).toEqual(expected.names);
  else expect(actual.names).toHaveLength(expected.names.length);
  expect(got.length, 'row count').toBe(want.length);
  if (compare === 'unordered') {
    want.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    got = [...got].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  }
  const mismatches = got
    .map((row, i) => ({ i, row, expected: want[i] ?? [] }))
    .filter(({ row, expected: w }) => !sameRow(row, w))
    .slice(0, 5);
  expect(mismatches).toEqual([]);
}

describe('replayed tool SQL against oracles on the source tables', () => {
  const passed: string[] = [];
  afterAll(() => {
    console.log(
      `SQL replay: ${passed.length}/${REPLAY_STATEMENTS.length} statements pass ` +
        `(${REPLAY_EXPECTED_FAILURES.size} expected failures)`,
    );
  });

  test('the corpus: at least 30 distinct statements, every expected failure names one', () => {
    const ids = REPLAY_STATEMENTS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(REPLAY_STATEMENTS.map((s) => squash(s.sql(ctx)))).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(30);
    for (const id of REPLAY_EXPECTED_FAILURES) expect(ids).toContain(id);
  });

  test('every oracle has rows to compare', async () => {
    for (const statement of REPLAY_STATEMENTS) {
      const { rows } = await oracle(statement.oracle(ctx));
      expect(rows.length, statement.id).toBeGreaterThan(0);
    }
  });

  for (const statement of REPLAY_STATEMENTS) {
    const run = expectedToFail(REPLAY_EXPECTED_FAILURES, statement.id) ? test.fails : test;
    run(
      `${statement.tool} via ${statement.client}: ${statement.what} [${statement.id}]`,
      async () => {
        await check(statement);
        passed.push(statement.id);
      },
    );
  }
});

describe('statements that reach past Cube are refused, and the session stays usable', () => {
  const refused = [
    'SELECT * FROM public.exports LIMIT 1',
    'SELECT count(*) FROM (SELECT * FROM exports) AS t',
    'SELECT e.format FROM exports_overview e JOIN public.exports x ON true LIMIT 1',
    "SELECT pg_read_file('/etc/passwd')",
    "COPY (SELECT 1) TO PROGRAM 'id'",
    "SELECT lo_import('/etc/passwd')",
    "SELECT * FROM dblink('host=127.0.0.1 dbname=postgres', 'select 1') AS t(a int)",
    'SELECT rolname, rolpassword FROM pg_catalog.pg_authid',
    'CREATE TEMP TABLE mine AS SELECT 1 AS a',
    'SELECT 1 AS a INTO TEMP TABLE mine',
    'EXPLAIN ANALYZE SELECT * FROM public.exports',
  ];
  test.each(refused)('%s', async (text) => {
    const client = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'cube' });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const error = await client.query(text).then(
        () => undefined,
        (e: { code?: string }) => e,
      );
      expect(error?.code, 'a Postgres error with an SQLSTATE').toMatch(/^[0-9A-Z]{5}$/);
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end().catch(() => undefined);
    }
  });

  test("no session sees another's temporary tables: none can be made, none is there to read", async () => {
    const connect = async () => {
      const client = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'cube' });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    };
    const [a, b] = [await connect(), await connect()];
    try {
      const code = (text: string, client: pg.Client) =>
        client.query(text).then(
          () => 'rows',
          (e: { code?: string }) => e.code,
        );
      // Session a tries to leave a table behind; b, still connected beside it, looks for one.
      expect(await code('CREATE TEMP TABLE shared_secret AS SELECT 1 AS a', a)).toBe('25006');
      expect(await code('SELECT 1 AS a INTO TEMP TABLE shared_secret', a)).toBe('0A000');
      expect(await code('SELECT * FROM pg_temp.shared_secret', b)).toBe('42P01');
      // The composed statement a runs keeps its Cube rows in parameters, never in a table.
      await a.query('SELECT count(*) FROM (SELECT format FROM exports_overview GROUP BY 1) t');
      const temporary = await b.query(
        "SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relpersistence = 't'",
      );
      expect(temporary.rows).toEqual([]);
    } finally {
      await Promise.all([a.end(), b.end()].map((p) => p.catch(() => undefined)));
    }
  });
});
