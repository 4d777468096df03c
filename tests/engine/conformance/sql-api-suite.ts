/**
 * Runs the driver suite's SQL API cases through node-postgres against the conformance Cube's SQL
 * API and compares each answer with stock Cube's snapshot: the same rows in the same order, the
 * same column names (an unaliased expression's name aside, see `expressionNamePair`), the same values (numbers to 1e-9 relative, timestamps as UTC instants).
 * Cube's jest also compares the JS type node-postgres gives each value (bigint and numeric as
 * text, int4 and float8 as numbers), which follows the column's Postgres type: a case passes on
 * values, and the summary line says how many of the passing ones also match stock's types.
 */
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { sameNumber } from '../../support/compare';
import { DRIVER_SQL_EXPECTED_FAILURES, expectedToFail } from '../sql-api-expected-failures';
import { DRIVER_SQL_CASES } from './sql-api-cases';
import stock from './stock-snapshots.json';

type Cell = unknown;
type Row = Record<string, Cell>;
const stockCases = stock.cases as Record<string, Row[]>;

/** Stock ran with TZ=UTC: a `timestamp` is UTC wall time. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.TIMESTAMP && format !== 'binary')
      return (value: string) => new Date(`${value.replace(' ', 'T')}Z`);
    return pg.types.getTypeParser(oid, format);
  },
};

/** A cell as the snapshot spells it: `Date` → `{ $date }`, everything else as is. */
function asSnapshotCell(value: Cell): Cell {
  return value instanceof Date ? { $date: value.toISOString() } : value;
}

const NUMERIC = /^-?\d+(\.\d+)?$/;
const asNumber = (value: Cell): number | undefined =>
  typeof value === 'number'
    ? value
    : typeof value === 'string' && NUMERIC.test(value)
      ? Number(value)
      : undefined;

function sameCell(actual: Cell, expected: Cell, strictTypes: boolean): boolean {
  if (strictTypes && typeof expected !== typeof actual) return false;
  const [a, e] = [asNumber(actual), asNumber(expected)];
  if (a !== undefined && e !== undefined) return sameNumber(a, e);
  return JSON.stringify(actual) === JSON.stringify(expected);
}

/**
 * The SQL API names an unaliased expression as Postgres does (`sum`), where stock Cube's
 * DataFusion writes the expression (`SUM(ECommerce.count)`): when exactly one column of the answer
 * and one of stock's differ by name, and stock's is such an expression, they are the same column.
 */
function expressionNamePair(actual: Row[], expected: Row[]): [string, string] | undefined {
  const got = Object.keys(actual[0] ?? {});
  const want = Object.keys(expected[0] ?? {});
  const onlyGot = got.filter((k) => !want.includes(k));
  const onlyWant = want.filter((k) => !got.includes(k));
  const [from, to] = [onlyGot[0], onlyWant[0]];
  if (onlyGot.length !== 1 || onlyWant.length !== 1 || !from || !to || !to.includes('('))
    return undefined;
  return [from, to];
}

function renamed(rows: Row[], pair: [string, string] | undefined): Row[] {
  if (!pair) return rows;
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k === pair[0] ? pair[1] : k, v])),
  );
}

/** Differences between the rows, as readable lines (empty when they match). */
function snapshotDiff(actual: Row[], expected: Row[], strictTypes = false): string[] {
  const diff: string[] = [];
  if (actual.length !== expected.length)
    diff.push(`row count: got ${actual.length}, stock ${expected.length}`);
  for (let i = 0; i < Math.min(actual.length, expected.length) && diff.length < 10; i++) {
    const got = Object.fromEntries(
      Object.entries(actual[i] ?? {}).map(([k, v]) => [k, asSnapshotCell(v)]),
    );
    const want = expected[i] ?? {};
    const keys = [...new Set([...Object.keys(got), ...Object.keys(want)])].sort();
    for (const key of keys) {
      if (!(key in got) || !(key in want) || !sameCell(got[key], want[key], strictTypes))
        diff.push(
          `row ${i} "${key}": got ${JSON.stringify(got[key])}, stock ${JSON.stringify(want[key])}`,
        );
    }
  }
  return diff;
}

export function describeDriverSqlCases(connection: () => pg.ClientConfig): void {
  describe("Cube's driver suite: SQL API cases against stock snapshots", () => {
    const passed: string[] = [];
    const sameTypes: string[] = [];
    const sameNames: string[] = [];
    const runnable = DRIVER_SQL_CASES.filter((c) => !c.skip);
    afterAll(() => {
      console.log(
        `SQL API driver cases: ${passed.length}/${runnable.length} pass ` +
          `(${sameTypes.length} of them with stock's value types too, ` +
          `${sameNames.length} with stock's names for unaliased expressions too), ` +
          `${DRIVER_SQL_EXPECTED_FAILURES.size} expected failures, ` +
          `${DRIVER_SQL_CASES.length - runnable.length} Tesseract-only skipped`,
      );
    });

    test('every case has a stock snapshot and every snapshot a case', () => {
      expect(DRIVER_SQL_CASES.map((c) => c.name).sort()).toEqual(Object.keys(stockCases).sort());
      for (const name of DRIVER_SQL_EXPECTED_FAILURES)
        expect(
          runnable.map((c) => c.name),
          name,
        ).toContain(name);
    });

    for (const testCase of DRIVER_SQL_CASES) {
      if (testCase.skip) {
        test.skip(`${testCase.name} (${testCase.skip})`, () => undefined);
        continue;
      }
      const run = expectedToFail(DRIVER_SQL_EXPECTED_FAILURES, testCase.name) ? test.fails : test;
      run(testCase.name, async () => {
        const client = new pg.Client({ ...connection(), types });
        client.on('error', () => undefined);
        await client.connect();
        try {
          const { rows } = await client.query(testCase.sql);
          const expected = stockCases[testCase.name] ?? [];
          const pair = expressionNamePair(rows, expected);
          expect(snapshotDiff(renamed(rows, pair), expected)).toEqual([]);
          passed.push(testCase.name);
          if (!pair) sameNames.push(testCase.name);
          if (snapshotDiff(renamed(rows, pair), expected, true).length === 0)
            sameTypes.push(testCase.name);
        } finally {
          await client.end().catch(() => undefined);
        }
      });
    }
  });
}
