/**
 * One shape for "the answer", whoever computed it: a list of results (one per date range of a
 * `compareDateRange` query, else one), each a list of rows keyed by the Cube member names the
 * query asks for. Cube's `/load` rows and the raw SQL oracle's rows (whose columns are named
 * after the same members) both map to it, so the benchmark can check they agree before it
 * compares their speed.
 */
import type { TypedQuery } from '../web/lib/cube/query';
import type { LoadResponse } from '../web/lib/cube/response';
import { parseCubeTimestamp } from '../web/lib/timeframe';

export type Value = string | number | null;
export type Row = Record<string, Value>;
export type Answer = Row[][];

type Kind = 'measure' | 'dimension' | 'time';

/** The keys a query's rows carry, and what each holds. */
export function answerKeys(query: TypedQuery): Map<string, Kind> {
  const keys = new Map<string, Kind>();
  for (const m of query.measures ?? []) keys.set(m, 'measure');
  for (const d of query.dimensions ?? []) keys.set(d, 'dimension');
  for (const td of query.timeDimensions ?? []) {
    if (td.granularity !== undefined) keys.set(`${td.dimension}.${td.granularity}`, 'time');
  }
  return keys;
}

function normalize(kind: Kind, value: unknown): Value {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'measure': {
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isFinite(n)) throw new Error(`not a number: ${JSON.stringify(value)}`);
      return n;
    }
    case 'time': {
      if (value instanceof Date) return value.toISOString();
      return new Date(parseCubeTimestamp(String(value))).toISOString();
    }
    case 'dimension':
      return value instanceof Date ? value.toISOString() : String(value);
  }
}

function pick(keys: Map<string, Kind>, source: Record<string, unknown>, what: string): Row {
  const row: Row = {};
  for (const [key, kind] of keys) {
    if (!(key in source)) throw new Error(`${what} row has no "${key}": ${JSON.stringify(source)}`);
    row[key] = normalize(kind, source[key]);
  }
  return row;
}

/**
 * A time series (a time dimension with a granularity) is zero-filled by the tab, so a bucket
 * whose measures are all 0 (or null) says the same as a missing bucket: drop such rows on both
 * sides. (Cube returns them when a measure is filtered, e.g. conversions among all paywall
 * events; the SQL oracle filters rows first and has none.)
 */
function withoutEmptyBuckets(query: TypedQuery, keys: Map<string, Kind>, rows: Row[]): Row[] {
  const series = (query.timeDimensions ?? []).some((td) => td.granularity !== undefined);
  if (!series) return rows;
  const measures = [...keys].filter(([, kind]) => kind === 'measure').map(([key]) => key);
  return rows.filter((row) => measures.some((m) => row[m] !== null && row[m] !== 0));
}

/** Cube's `/load` answer (multi envelope) in the common shape. */
export function answerFromCube(query: TypedQuery, response: LoadResponse): Answer {
  const keys = answerKeys(query);
  return response.results.map((result) =>
    withoutEmptyBuckets(
      query,
      keys,
      result.data.map((row) => pick(keys, row, 'Cube')),
    ),
  );
}

/**
 * The oracle's rows in the common shape. Columns are named after the members; a `result`
 * column (0, 1, …) says which date range of a `compareDateRange` query a row belongs to.
 */
export function answerFromSql(query: TypedQuery, rows: readonly Record<string, unknown>[]): Answer {
  const keys = answerKeys(query);
  const results = query.timeDimensions?.[0]?.compareDateRange?.length ?? 1;
  const answer: Answer = Array.from({ length: results }, () => []);
  for (const row of rows) {
    const index = row.result === undefined ? 0 : Number(row.result);
    const target = answer[index];
    if (target === undefined) throw new Error(`oracle row for result ${index} of ${results}`);
    target.push(pick(keys, row, 'SQL'));
  }
  return answer.map((rows) => withoutEmptyBuckets(query, keys, rows));
}

function sameValue(a: Value, b: Value): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return true;
    return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  }
  return a === b;
}

function sortRows(rows: Row[]): Row[] {
  return [...rows].sort((x, y) => {
    const a = JSON.stringify(x);
    const b = JSON.stringify(y);
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/**
 * null when the answers agree; otherwise one line saying where they first differ. Row order
 * counts when the query orders its rows (a leaderboard), not otherwise.
 */
export function compareAnswers(query: TypedQuery, expected: Answer, actual: Answer): string | null {
  if (expected.length !== actual.length) {
    return `${expected.length} result(s) expected, got ${actual.length}`;
  }
  const ordered = (query.order?.length ?? 0) > 0;
  for (let r = 0; r < expected.length; r++) {
    const want = ordered ? (expected[r] ?? []) : sortRows(expected[r] ?? []);
    const got = ordered ? (actual[r] ?? []) : sortRows(actual[r] ?? []);
    const where = expected.length > 1 ? `result ${r}: ` : '';
    if (want.length !== got.length) {
      return `${where}${want.length} row(s) expected, got ${got.length} (first expected ${JSON.stringify(want[0] ?? null)}, got ${JSON.stringify(got[0] ?? null)})`;
    }
    for (let i = 0; i < want.length; i++) {
      const w = want[i] ?? {};
      const g = got[i] ?? {};
      for (const key of Object.keys(w)) {
        if (!sameValue(w[key] ?? null, g[key] ?? null)) {
          return `${where}row ${i} ${key}: expected ${JSON.stringify(w[key])}, got ${JSON.stringify(g[key])}`;
        }
      }
    }
  }
  return null;
}

/** Rows in all results (for the report). */
export function rowCount(answer: Answer): number {
  return answer.reduce((n, rows) => n + rows.length, 0);
}
