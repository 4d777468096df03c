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
import { signCubeToken } from '../../cube/auth';
import { uncheckedQuery } from '../../lib/cube-client';
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
  return (await cube.meta()).cubes.filter((c) => c.public !== false);
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

describe('statements around Cube queries (what BI tools and SQL clients send)', () => {
  const byFormat = () =>
    oracle.sql('select format, count(*)::int as n from exports group by 1 order by 1');
  const num = (rows: Array<Record<string, unknown>>, key: string) =>
    rows.map((r) => ({ ...r, [key]: Number(r[key]) }));

  test('SELECT * … LIMIT 200 (a client opening a table): ungrouped rows with every column', async () => {
    const { rows, fields } = await withPg((c) =>
      c.query('SELECT * FROM exports_overview LIMIT 200'),
    );
    expect(rows).toHaveLength(200);
    expect(fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['format', 'created_at', 'exports']),
    );
    expect(fields.map((f) => f.name)).not.toContain('exports_prior_week'); // multi_stage: on its own only
    const total = await oracle.sql('select count(*)::int as n from exports');
    const all = await withPg((c) =>
      c.query('SELECT count(*)::int AS n FROM (SELECT * FROM exports_overview) t'),
    );
    expect(all.rows).toEqual(total);
  });

  test('Metabase: schema-qualified columns, count(*) cast to float', async () => {
    const { rows } = await withPg((c) =>
      c.query(
        'SELECT "public"."exports_overview"."format" AS "format", CAST(count(*) AS float) AS "count" FROM "public"."exports_overview" GROUP BY "public"."exports_overview"."format" ORDER BY "public"."exports_overview"."format" ASC',
      ),
    );
    expect(rows).toEqual((await byFormat()).map((r) => ({ format: r.format, count: r.n })));
  });

  test('Superset: SUM(measure) over a virtual dataset, ordered by its alias', async () => {
    const { rows } = await withPg((c) =>
      c.query(
        'SELECT format AS format, SUM(exports) AS "SUM(exports)" FROM (SELECT format, exports FROM exports_overview) AS virtual_table GROUP BY format ORDER BY "SUM(exports)" DESC LIMIT 1000',
      ),
    );
    const expected = (await byFormat()).sort((a, b) => Number(b.n) - Number(a.n));
    expect(num(rows, 'SUM(exports)')).toEqual(
      expected.map((r) => ({ format: r.format, 'SUM(exports)': r.n })),
    );
  });

  test('Power BI: min/max probe over a subquery with a "$Table" alias', async () => {
    const { rows } = await withPg((c) =>
      c.query(
        'select max("rows"."created_at") as "a0", min("rows"."created_at") as "a1" from (select "created_at" from "public"."exports_overview" "$Table") "rows"',
      ),
    );
    const [expected] = await oracle.sql(
      `select to_char(max(created_at) at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') as a0,
              to_char(min(created_at) at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') as a1 from exports`,
    );
    const text = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 23);
    expect({ a0: text(rows[0]?.a0), a1: text(rows[0]?.a1) }).toEqual(expected);
  });

  test('Grafana: ISO bounds with a zone, share of total with a window function', async () => {
    const from = `${daysAgo(6)}T00:00:00Z`;
    const to = `${nextDay(today)}T00:00:00Z`;
    const { rows } = await withPg((c) =>
      c.query(
        `SELECT format, MEASURE(exports) AS n, round(MEASURE(exports) * 100.0 / SUM(MEASURE(exports)) OVER (), 2) AS pct
           FROM exports_overview WHERE created_at BETWEEN $1 AND $2 GROUP BY 1 ORDER BY 1`,
        [from, to],
      ),
    );
    const expected = await oracle.sql(
      `select format, count(*)::int as n, round(count(*) * 100.0 / sum(count(*)) over (), 2)::text as pct
         from exports where created_at between $1 and $2 group by 1 order by 1`,
      [from, to],
    );
    expect(num(rows, 'n')).toEqual(expected);
  });

  test('a relative window (NOW() - INTERVAL) becomes a date range; a CTE and UNION ALL on top', async () => {
    const { rows } = await withPg((c) =>
      c.query(
        `WITH t AS (SELECT format, MEASURE(exports) AS n FROM exports_overview
                     WHERE created_at >= DATE_TRUNC('day', NOW()) - INTERVAL '6 day' GROUP BY 1)
         SELECT format, n FROM t UNION ALL SELECT 'total', SUM(n) FROM t ORDER BY 1`,
      ),
    );
    const expected = await oracle.sql(
      `with t as (select format, count(*)::int as n from exports
                   where created_at >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' - interval '6 day' group by 1)
       select format, n from t union all select 'total', sum(n)::int from t order by 1`,
    );
    expect(num(rows, 'n')).toEqual(expected);
  });

  test('ROLLUP and a CASE bucket over a count re-add Cube rows, equal to SQL on the source tables', async () => {
    const rollup = await withPg((c) =>
      c.query(
        'SELECT format, status, SUM(exports) AS n FROM exports_overview GROUP BY ROLLUP(format, status) ORDER BY 1 NULLS FIRST, 2 NULLS FIRST',
      ),
    );
    const expected = await oracle.sql(
      'select format, status, count(*)::int as n from exports group by rollup(format, status) order by 1 nulls first, 2 nulls first',
    );
    expect(num(rollup.rows, 'n')).toEqual(expected);
    const buckets = await withPg((c) =>
      c.query(
        "SELECT CASE WHEN format = 'mp4' THEN 'video' ELSE 'other' END AS kind, SUM(exports) AS n FROM exports_overview GROUP BY 1 ORDER BY 1",
      ),
    );
    expect(num(buckets.rows, 'n')).toEqual(
      await oracle.sql(
        "select case when format = 'mp4' then 'video' else 'other' end as kind, count(*)::int as n from exports group by 1 order by 1",
      ),
    );
  });

  test('EXPLAIN names the Cube queries a statement sends: the one REST answers alike, or the parts under Postgres', async () => {
    const plain = await withPg((c) =>
      c.query(
        "EXPLAIN SELECT format, MEASURE(exports) FROM exports_overview WHERE status = 'failed' GROUP BY 1",
      ),
    );
    expect(plain.rows.map((r) => r.plan_type)).toEqual(['logical_plan']);
    const request = /^CubeScan: request=(.*)$/.exec(plain.rows[0]?.plan)?.[1];
    const query = JSON.parse(request ?? 'null');
    expect(query).toMatchObject({
      measures: ['exports_overview.exports'],
      dimensions: ['exports_overview.format'],
      filters: [{ member: 'exports_overview.status', operator: 'equals', values: ['failed'] }],
    });
    const answer = await cube.load(query);
    expect(
      answer.rows
        .map((r) => ({
          format: r['exports_overview.format'],
          n: Number(r['exports_overview.exports']),
        }))
        .sort((a, b) => String(a.format).localeCompare(String(b.format))),
    ).toEqual(
      await oracle.sql(
        "select format, count(*)::int as n from exports where status = 'failed' group by 1 order by 1",
      ),
    );
    const composed = await withPg((c) =>
      c.query(
        'EXPLAIN SELECT e.format, c.n FROM (SELECT format FROM exports_overview GROUP BY 1) e CROSS JOIN (SELECT MEASURE(calls) AS n FROM llm_usage) c',
      ),
    );
    const lines = String(composed.rows[0]?.plan).split('\n');
    expect(lines[0]).toMatch(/^Projection/);
    expect(lines.filter((l) => l.includes('CubeScan: request=')).length).toBe(2);
    const options = await withPg((c) =>
      c.query('EXPLAIN ANALYZE SELECT format FROM exports_overview GROUP BY 1'),
    ).catch((e: { code?: string }) => e);
    expect((options as { code?: string }).code).toBe('0A000');
  });

  test('a Cube part over the bound is refused with 54000, and the session goes on', async () => {
    // The seed follows the hour it is made at, and the messages behind `prompts` number around
    // the bound (50,000): under it the statement must count them exactly, over it be refused.
    const [source] = await oracle.sql('select count(*)::int as n from messages');
    const overBound = Number(source?.n) >= 50_000;
    await withPg(async (c) => {
      const outcome = await c
        .query('SELECT count(*)::int AS n FROM (SELECT * FROM prompts) t')
        .then(
          (result) => ({ code: undefined, rows: result.rows }),
          (e: { code?: string }) => ({ code: e.code, rows: undefined }),
        );
      expect(outcome).toEqual(
        overBound ? { code: '54000', rows: undefined } : { code: undefined, rows: [source] },
      );
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });
  });
});

describe('POST /v1/convert-query (SQL → Cube query) through the same translation', () => {
  const stack = (inject as unknown as (key: string) => { apiUrl: string; apiSecret: string })(
    'cube',
  );
  const convert = async (query: unknown) => {
    const response = await fetch(`${stack.apiUrl}/convert-query`, {
      method: 'POST',
      headers: {
        Authorization: signCubeToken(stack.apiSecret, { sub: 'sql-tests', role: 'admin' }),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ input: 'sql', output: 'rest', query }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  test('a plain statement becomes the Cube query /load answers with the same numbers', async () => {
    const { status, body } = await convert(
      "SELECT format, MEASURE(exports) FROM exports_overview WHERE status = 'failed' GROUP BY 1 ORDER BY 1",
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      query: {
        measures: ['exports_overview.exports'],
        dimensions: ['exports_overview.format'],
        filters: [{ member: 'exports_overview.status', operator: 'equals', values: ['failed'] }],
        order: [['exports_overview.format', 'asc']],
      },
    });
    // Built by Cube's SQL API at run time, checked by Cube (and equal to the literal above).
    const answer = await cube.load(uncheckedQuery(body.query as object));
    const expected = await oracle.sql(
      "select format, count(*)::int as n from exports where status = 'failed' group by 1 order by 1",
    );
    expect(
      answer.rows.map((r) => ({
        format: r['exports_overview.format'],
        n: Number(r['exports_overview.exports']),
      })),
    ).toEqual(expected);
  });

  test('a statement that is more than one Cube query, or no SQL, gets a 400 saying why', async () => {
    const composed = await convert('SELECT count(*) FROM (SELECT * FROM exports_overview) t');
    expect([composed.status, String(composed.body.error)]).toEqual([
      400,
      expect.stringMatching(/more than one Cube query/),
    ]);
    const broken = await convert('SELEC 1');
    expect(broken.status).toBe(400);
  });
});

describe('unsupported and bad input', () => {
  const refused: Array<[string, string]> = [
    ['SELECT format, MEASURE(exports) FROM exports_overview', '42803'],
    ['SELECT nope FROM exports_overview GROUP BY 1', '42703'],
    // A ratio is never re-added from finer rows (it would be a wrong answer).
    [
      'SELECT format, status, MEASURE(success_rate) FROM exports_overview GROUP BY ROLLUP(1, 2)',
      '0A000',
    ],
    ['SELECT LOWER(format), MEASURE(success_rate) FROM exports_overview GROUP BY 1', '0A000'],
    ['SELECT SUM(format) FROM exports_overview', '42883'],
    // MEASURE() is Cube's, over a Cube table; over a join's rows it is no function.
    [
      'SELECT e.format, MEASURE(e.exports) FROM exports_overview e JOIN credits c ON true GROUP BY 1',
      '42883',
    ],
    ["SELECT pg_read_file('/etc/passwd')", '42501'],
    ["SELECT set_config('statement_timeout', '0', false)", '42501'],
    ['SELECT pg_sleep(10)', '42501'],
    ["SELECT lo_import('/etc/passwd')", '42501'],
    ['SELECT * FROM pg_catalog.pg_authid', '42501'],
    ["COPY (SELECT 1) TO PROGRAM 'id'", '25006'],
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
      // A statement that runs for seconds (the catalog's statement timeout is 5 s).
      const started = Date.now();
      const running = c
        .query('SELECT count(*) FROM generate_series(1, 2000000000)')
        .catch((e: { code?: string }) => e);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const cancel = Buffer.alloc(16);
      cancel.writeInt32BE(16, 0);
      cancel.writeInt32BE(80877102, 4);
      cancel.writeInt32BE(meta.processID, 8);
      cancel.writeInt32BE(meta.secretKey, 12);
      const socket = net.connect(port, '127.0.0.1', () => socket.end(cancel));
      const error = (await running) as { code?: string; message?: string };
      expect(error.code).toBe('57014');
      expect(error.message).toMatch(/user request/);
      expect(Date.now() - started).toBeLessThan(4_000);
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });
  });
});
