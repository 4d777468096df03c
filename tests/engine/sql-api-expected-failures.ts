/**
 * The SQL API statements the native-free engine cannot answer yet, in one place: each runs as
 * `test.fails`, so CI stays green while the pass count stays visible, and a statement that starts
 * to pass fails its test until it is removed from here. Shrink these lists; never delete a case.
 * `SQL_API_EXPECTED_FAILURES=off` runs every case as a plain test, to read why each one fails.
 */

/** Whether `key` of `list` runs as an expected failure in this run. */
export function expectedToFail(list: ReadonlySet<string>, key: string): boolean {
  return process.env.SQL_API_EXPECTED_FAILURES !== 'off' && list.has(key);
}

/** Driver-suite cases (tests/engine/conformance/sql-api-cases.ts), by test name. */
export const DRIVER_SQL_EXPECTED_FAILURES: ReadonlySet<string> = new Set<string>([
  // ORDER BY totalSales DESC: Postgres (source and rollup tables here) sorts NULLs first; stock's
  // snapshot reads the ungrouped rollup from Cube Store, which sorts them last.
  'SQL API: ungrouped pre-agg',
  // ROLLUP(row, order): Postgres's grammar does not take the reserved word order as a column
  // there (42601); stock parses SQL with its own parser.
  'SQL API: Extended nested Rollup over asterisk',
  // A multi_stage (time-shift) measure with another measure: stock's JS planner inner-joins the
  // two and drops the months one of them has no rows for (8 rows). This engine runs each as its
  // own Cube query and full-joins them, as Tesseract does: the 11 rows of the case
  // 'Tesseract: SQL API: Timeshift measure from cube', which passes.
  'SQL API: Timeshift measure from cube',
  // Real Postgres answers this LEFT JOIN with true and false rows (not every customer is in the
  // top 3); stock's push-down turns it into a filter and answers one row.
  'SQL API: SQL push down push to cube quoted alias',
]);

/** Replayed tool statements (bench/sql-replay.ts), by id. */
export const REPLAY_EXPECTED_FAILURES: ReadonlySet<string> = new Set<string>([]);
