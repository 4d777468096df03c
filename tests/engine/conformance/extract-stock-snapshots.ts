/**
 * Converts the SQL API entries of Cube's driver-suite snapshot for Postgres
 * (`packages/cubejs-testing-drivers/test/__snapshots__/postgres-full.test.ts.snap`, stock Cube's
 * answers as its jest recorded them) into `stock-snapshots.json`, so the conformance suite can
 * compare the native-free SQL API with them without jest's snapshot format.
 *
 *   git -C <cube checkout> show HEAD:packages/cubejs-testing-drivers/test/__snapshots__/postgres-full.test.ts.snap > /tmp/pg.snap
 *   npx tsx tests/engine/conformance/extract-stock-snapshots.ts /tmp/pg.snap "cube v1.5.0 (commit …)"
 *
 * jest prints a `Date` unquoted (`2020-01-01T00:00:00.000Z`); it becomes `{ "$date": "…" }` so a
 * time stays distinguishable from text. Strings stay strings (node-postgres hands bigint and
 * numeric over as text) and numbers stay numbers (int4 and float8).
 */
import fs from 'node:fs';
import path from 'node:path';

const PREFIX = 'Queries with the @cubejs-backend/postgres-driver ';

export function extractSqlApiSnapshots(snap: string): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const entry = /^exports\[`([^`]+)`\] = `\n([\s\S]*?)\n`;$/gm;
  for (const match of snap.matchAll(entry)) {
    const [, rawName = '', body = ''] = match;
    if (!rawName.startsWith(PREFIX) || !rawName.includes('SQL API:')) continue;
    // `<test name>: <snapshot hint> 1` or `<test name> 1`: the test name is the key.
    const name = rawName
      .slice(PREFIX.length)
      .replace(/ \d+$/, '')
      .replace(/: [a-z0-9_]+$/, '');
    const json = body
      .replace(/\bArray \[/g, '[')
      .replace(/\bObject \{/g, '{')
      .replace(/: (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z),?$/gm, ': {"$date": "$1"},')
      .replace(/,(\s*[\]}])/g, '$1');
    out[name] = JSON.parse(json) as unknown[];
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const [snapPath, version] = process.argv.slice(2);
  if (!snapPath || !version)
    throw new Error('usage: extract-stock-snapshots.ts <file.snap> <cube version and commit>');
  const cases = extractSqlApiSnapshots(fs.readFileSync(snapPath, 'utf8'));
  const target = path.join(import.meta.dirname, 'stock-snapshots.json');
  const document = {
    source: `${version}: packages/cubejs-testing-drivers/test/__snapshots__/postgres-full.test.ts.snap`,
    generatedBy: 'tests/engine/conformance/extract-stock-snapshots.ts',
    cases,
  };
  fs.writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`${Object.keys(cases).length} SQL API cases → ${target}`);
}
