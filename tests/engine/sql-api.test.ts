/**
 * The native-free engine's SQL API with real clients: psql, node-postgres, psycopg2 and
 * SQLAlchemy (Debian's), against the seeded test database. Numbers are checked against REST
 * `/load` and hand-written SQL on the source tables; catalog answers against `/meta`.
 */
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { grafanaQueries, metabaseQueries } from '../support/bi-catalog-queries';
import { cubeFromTestStack } from '../support/cube';
import { oracleFromTestStack } from '../support/oracle';

const run = promisify(execFile);
const sql = inject('cube').sql;
if (!sql) throw new Error('the test Cube runs without its SQL API');
const { port, user, password, superUser } = sql;
const PYTHON = process.env.TEST_PYTHON ?? '/usr/bin/python3';
const clientEnv = { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' };
const cube = cubeFromTestStack();
const oracle = oracleFromTestStack();
afterAll(() => oracle.end());

const config = { host: '127.0.0.1', port, user, password, database: 'cube' };
async function withPg<T>(
  fn: (client: pg.Client) => Promise<T>,
  extra: Partial<pg.ClientConfig> = {},
) {
  const client = new pg.Client({ ...config, ...extra });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** psql in unaligned, tuples-only mode: one array of fields per row. */
async function psql(command: string): Promise<string[][]> {
  const { stdout } = await run(
    'psql',
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      user,
      '-d',
      'cube',
      '-X',
      '-v',
      'ON_ERROR_STOP=1',
      '-A',
      '-t',
      '-F',
      '\t',
      '-c',
      command,
    ],
    { env: clientEnv },
  );
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

async function python(script: string): Promise<unknown> {
  const { stdout } = await run(PYTHON, ['-c', script], {
    env: { ...clientEnv, SQL_PORT: String(port), SQL_USER: user, SQL_SUPER_USER: superUser },
  });
  return JSON.parse(stdout);
}

const today = new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) =>
  new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

async function publicViews() {
  return (await cube.meta()).cubes.filter((c) => c.type === 'view' && c.public !== false);
}

describe('psql', () => {
  test('a wrong password is refused with 28P01', async () => {
    await expect(
      run(
        'psql',
        ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', 'cube', '-c', 'select 1'],
        {
          env: { ...clientEnv, PGPASSWORD: 'not-the-password' },
        },
      ),
    ).rejects.toThrow(/password authentication failed/);
    const error = await withPg(async () => undefined, { password: 'not-the-password' }).catch(
      (e: { code?: string }) => e,
    );
    expect((error as { code?: string }).code).toBe('28P01');
  });

  test('\\dt lists every public view as a table', async () => {
    const rows = await psql('\\dt');
    const names = rows.map((r) => r[1]).sort();
    expect(names).toEqual((await publicViews()).map((v) => v.name).sort());
  });

  test('\\d+ exports_overview shows Cube types and the model descriptions', async () => {
    const rows = await psql('\\d+ exports_overview');
    const view = (await publicViews()).find((v) => v.name === 'exports_overview');
    if (!view) throw new Error('no exports_overview view');
    const byColumn = new Map(rows.map((r) => [r[0], r]));
    for (const member of [...view.dimensions, ...view.measures]) {
      const column = member.name.slice('exports_overview.'.length);
      const row = byColumn.get(column);
      expect(row, column).toBeDefined();
      const expectedType =
        member.type === 'time'
          ? 'timestamp without time zone'
          : member.type === 'string'
            ? 'text'
            : /^(bigint|numeric)$/;
      if (typeof expectedType === 'string') expect(row?.[1]).toBe(expectedType);
      else expect(row?.[1]).toMatch(expectedType);
      expect(row?.at(-1)).toBe(member.description ?? '');
    }
  });

  test('MEASURE by format equals SQL on the source tables', async () => {
    const rows = await psql(
      'SELECT format, MEASURE(exports) FROM exports_overview GROUP BY 1 ORDER BY 1',
    );
    const expected = await oracle.sql(
      'select format, count(*) as n from exports group by 1 order by 1',
    );
    expect(rows.map(([format, n]) => [format, Number(n)])).toEqual(
      expected.map((r) => [r.format, r.n]),
    );
  });

  test("a date_trunc('day') series over 30 days equals the REST answer", async () => {
    const from = daysAgo(29);
    const rows = await psql(
      `SELECT date_trunc('day', created_at) AS day, MEASURE(exports) FROM exports_overview
        WHERE created_at >= '${from}' AND created_at < '${nextDay(today)}' GROUP BY 1 ORDER BY 1`,
    );
    const rest = await cube.load({
      measures: ['exports_overview.exports'],
      timeDimensions: [
        { dimension: 'exports_overview.created_at', granularity: 'day', dateRange: [from, today] },
      ],
      order: [['exports_overview.created_at', 'asc']],
      timezone: 'UTC',
    });
    expect(rows.length).toBeGreaterThan(20);
    expect(rows).toEqual(
      rest.rows.map((r) => [
        `${String(r['exports_overview.created_at.day']).slice(0, 10)} 00:00:00`,
        String(r['exports_overview.exports']),
      ]),
    );
  });
});

describe('node-postgres (extended protocol)', () => {
  test('a parameterized query equals REST with the same filter', async () => {
    const { rows } = await withPg((c) =>
      c.query(
        'SELECT quality, MEASURE(exports) AS n FROM exports_overview WHERE status = $1 AND format IN ($2, $3) GROUP BY 1 ORDER BY 1',
        ['completed', 'mp4', 'webm'],
      ),
    );
    const expected = await oracle.sql(
      `select quality, count(*) as n from exports where status = 'completed' and format in ('mp4', 'webm') group by 1 order by 1`,
    );
    expect(rows.map((r) => [r.quality, Number(r.n)])).toEqual(
      expected.map((r) => [r.quality, r.n]),
    );
  });

  test('two clients prepare the same named statement independently', async () => {
    const text =
      'SELECT status, MEASURE(exports) AS n FROM exports_overview WHERE format = $1 GROUP BY 1 ORDER BY 1';
    const [a, b] = await Promise.all(
      ['mp4', 'gif'].map((format) =>
        withPg(async (c) => {
          const first = await c.query({ name: 'by_status', text, values: [format] });
          const again = await c.query({ name: 'by_status', text, values: [format] });
          expect(again.rows).toEqual(first.rows);
          return first.rows;
        }),
      ),
    );
    for (const [format, rows] of [
      ['mp4', a],
      ['gif', b],
    ] as const) {
      const expected = await oracle.sql(
        'select status, count(*) as n from exports where format = $1 group by 1 order by 1',
        [format],
      );
      expect(rows?.map((r) => [r.status, Number(r.n)])).toEqual(
        expected.map((r) => [r.status, r.n]),
      );
    }
  });

  test('50 concurrent clients × 100 queries, no error', async () => {
    const text = 'SELECT format, MEASURE(exports) AS n FROM exports_overview GROUP BY 1 ORDER BY 1';
    const expected = (await withPg((c) => c.query(text))).rows;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        withPg(async (c) => {
          let same = 0;
          for (let q = 0; q < 100; q++) {
            const { rows } = await (q % 2 === 0 ? c.query(text) : c.query({ name: `s${i}`, text }));
            if (JSON.stringify(rows) === JSON.stringify(expected)) same++;
          }
          return same;
        }),
      ),
    );
    expect(results).toEqual(Array(50).fill(100));
  }, 900_000);

  test('BI catalog queries (Grafana, Metabase) succeed through the extended protocol', async () => {
    await withPg(async (c) => {
      const queries = [
        ...grafanaQueries('exports_overview'),
        ...metabaseQueries('exports_overview'),
      ];
      for (const [i, text] of queries.entries()) {
        // A named statement makes node-postgres use Parse/Bind/Describe/Execute.
        await expect(c.query({ name: `bi${i}`, text }), text).resolves.toBeDefined();
      }
      const tables = await c.query(grafanaQueries('exports_overview')[3] ?? '');
      expect(tables.rows.map((r) => r.table)).toContain('exports_overview');
      const fields = await c.query(metabaseQueries('exports_overview')[4] ?? '');
      expect(fields.rows.find((r) => r.name === 'format')?.['field-comment']).toMatch(/mp4/);
    });
  });
});

describe('psycopg2 and SQLAlchemy', () => {
  test('the inspector lists the views and their columns as /meta does', async () => {
    const answer = (await python(`
import json, os
from sqlalchemy import create_engine, inspect
engine = create_engine(f"postgresql+psycopg2://{os.environ['SQL_USER']}:{os.environ['PGPASSWORD']}@127.0.0.1:{os.environ['SQL_PORT']}/cube")
inspector = inspect(engine)
tables = inspector.get_table_names()
print(json.dumps({
  "tables": tables,
  "columns": {t: [c["name"] for c in inspector.get_columns(t)] for t in tables},
  "pk": inspector.get_pk_constraint("exports_overview"),
  "comment": inspector.get_table_comment("exports_overview")["text"],
  # What Superset reads on top when it syncs a table (its SQLAlchemy-based metadata calls).
  "schemas": inspector.get_schema_names(),
  "views": inspector.get_view_names(),
  "fks": inspector.get_foreign_keys("exports_overview"),
  "indexes": inspector.get_indexes("exports_overview"),
  "unique": inspector.get_unique_constraints("exports_overview"),
}))
`)) as {
      tables: string[];
      columns: Record<string, string[]>;
      comment: string;
      schemas: string[];
      views: string[];
      fks: unknown[];
      indexes: unknown[];
      unique: unknown[];
    };
    expect(answer.schemas).toContain('public');
    expect(answer).toMatchObject({ views: [], fks: [], indexes: [], unique: [] });
    const views = await publicViews();
    expect([...answer.tables].sort()).toEqual(views.map((v) => v.name).sort());
    for (const view of views) {
      const members = [...view.dimensions, ...view.measures, ...view.segments].map((m) =>
        m.name.slice(view.name.length + 1),
      );
      expect([...(answer.columns[view.name] ?? [])].sort(), view.name).toEqual(members.sort());
    }
    expect(answer.comment).toBe(views.find((v) => v.name === 'exports_overview')?.description);
  });

  test('a pandas-style GROUP BY read through psycopg2 equals SQL on the source tables', async () => {
    const rows = (await python(`
import json, os, psycopg2
conn = psycopg2.connect(host="127.0.0.1", port=int(os.environ["SQL_PORT"]), user=os.environ["SQL_USER"], password=os.environ["PGPASSWORD"], dbname="cube")
cur = conn.cursor()
cur.execute("SELECT quality, MEASURE(exports) AS n FROM exports_overview WHERE format = %s GROUP BY 1 ORDER BY 1", ("mp4",))
print(json.dumps([[q, int(n)] for q, n in cur.fetchall()]))
conn.close()
`)) as Array<[string, number]>;
    const expected = await oracle.sql(
      `select quality, count(*) as n from exports where format = 'mp4' group by 1 order by 1`,
    );
    expect(rows).toEqual(expected.map((r) => [r.quality, r.n]));
  });
});

describe('__user switching (CUBEJS_SQL_SUPER_USER)', () => {
  const byFormat = (where: string) =>
    `SELECT format, MEASURE(exports) AS n FROM exports_overview WHERE ${where} GROUP BY 1 ORDER BY 1`;
  const expected = async () =>
    (await oracle.sql('select format, count(*) as n from exports group by 1 order by 1')).map(
      (r) => [r.format, Number(r.n)],
    );

  test('any other login is refused with 42501 (node-postgres and psql)', async () => {
    const error = await withPg((c) => c.query(byFormat("__user = 'cube_admin'"))).catch(
      (e: { code?: string; message?: string }) => e,
    );
    expect(error).toMatchObject({ code: '42501' });
    expect((error as Error).message).toMatch(/cannot change security context via __user/);
    await expect(psql(byFormat("__user = 'someone'"))).rejects.toThrow(
      /cannot change security context via __user from analyst to someone/,
    );
    // Naming yourself is no switch.
    const own = await withPg((c) => c.query(byFormat("__user = 'analyst'")));
    expect(own.rows.map((r) => [r.format, Number(r.n)])).toEqual(await expected());
  });

  test('the super-user runs the query as the named user (node-postgres parameter, psycopg2)', async () => {
    const rows = await withPg((c) => c.query(byFormat('__user = $1'), ['someone']), {
      user: sql.superUser,
    });
    expect(rows.rows.map((r) => [r.format, Number(r.n)])).toEqual(await expected());
    const viaPsycopg = (await python(`
import json, os, psycopg2
conn = psycopg2.connect(host="127.0.0.1", port=int(os.environ["SQL_PORT"]), user=os.environ["SQL_SUPER_USER"], password=os.environ["PGPASSWORD"], dbname="cube")
cur = conn.cursor()
cur.execute("SELECT format, MEASURE(exports) FROM exports_overview WHERE __user = %s GROUP BY 1 ORDER BY 1", ("analyst",))
print(json.dumps([[f, int(n)] for f, n in cur.fetchall()]))
conn.close()
`)) as Array<[string, number]>;
    expect(viaPsycopg).toEqual(await expected());
  });
});

describe('unsupported and bad input', () => {
  const refused: Array<[string, string]> = [
    ['SELECT * FROM exports_overview', '0A000'],
    ['SELECT format FROM exports_overview', '42803'],
    ['SELECT format, MEASURE(exports) FROM exports_overview', '42803'],
    ['SELECT SUM(exports) FROM exports_overview', '42803'],
    ['SELECT nope FROM exports_overview GROUP BY 1', '42703'],
    [
      "SELECT format, MEASURE(exports) FROM exports_overview WHERE format LIKE 'mp%' GROUP BY 1",
      '0A000',
    ],
    [
      'SELECT e.format, MEASURE(e.exports) FROM exports_overview e JOIN credits c ON true GROUP BY 1',
      '0A000',
    ],
    ['SELECT DISTINCT format FROM exports_overview GROUP BY 1', '0A000'],
    ['SELECT upper(format) FROM exports_overview GROUP BY 1', '0A000'],
    ['DELETE FROM exports_overview', '25006'],
    ['CREATE TABLE x (a int)', '25006'],
    ['SELEC 1', '42601'],
    ['SELECT 1 FROM no_such_table', '42P01'],
  ];
  test.each(refused)('%s → SQLSTATE %s, never rows', async (text, code) => {
    const error = await withPg((c) => c.query(text)).catch((e: { code?: string }) => e);
    expect((error as { code?: string }).code).toBe(code);
  });

  test('a 10 MB query is refused and other sessions keep working', async () => {
    const other = new pg.Client(config);
    await other.connect();
    const huge = `SELECT '${'x'.repeat(10 * 1024 * 1024)}'`;
    const error = await withPg((c) => c.query(huge)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(
      (await other.query('SELECT format, MEASURE(exports) FROM exports_overview GROUP BY 1'))
        .rowCount,
    ).toBeGreaterThan(0);
    await other.end();
  });

  test('1,000 connections opened and dropped leave the server answering', async () => {
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from(
          { length: 100 },
          () =>
            new Promise<void>((resolve) => {
              const socket = net.connect(port, '127.0.0.1', () => socket.destroy());
              socket.on('close', () => resolve());
              socket.on('error', () => resolve());
            }),
        ),
      );
    }
    expect((await withPg((c) => c.query('SELECT 1 AS one'))).rows).toEqual([{ one: 1 }]);
  });

  test('a cancel request stops the running statement with 57014', async () => {
    await withPg(async (c) => {
      const meta = c as unknown as { processID: number; secretKey: number };
      const running = c.query('SELECT pg_sleep(3)').catch((e: { code?: string }) => e);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const cancel = Buffer.alloc(16);
      cancel.writeInt32BE(16, 0);
      cancel.writeInt32BE(80877102, 4);
      cancel.writeInt32BE(meta.processID, 8);
      cancel.writeInt32BE(meta.secretKey, 12);
      const socket = net.connect(port, '127.0.0.1', () => socket.end(cancel));
      expect(((await running) as { code?: string }).code).toBe('57014');
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });
  });
});
