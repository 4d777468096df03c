/**
 * What a large run writes (bench/report.ts): BENCHMARKS.md's latest-run section without the
 * per-query table, which goes to the run's own markdown beside its JSON, both linked from there;
 * the text outside the markers is kept.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { renderMarkdown, updateBenchmarksMd } from '../../bench/report';
import type { BenchReport } from '../../bench/types';

const SAVED = path.resolve(import.meta.dirname, '../../bench/results/2026-12-01-3.json');

let dir: string | null = null;
afterEach(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
  dir = null;
});

test('the latest run in BENCHMARKS.md leaves every query to the run’s own report', async () => {
  const report = JSON.parse(await fs.readFile(SAVED, 'utf8')) as BenchReport;
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-report-'));
  const results = path.join(dir, 'results', 'run.json');
  await fs.mkdir(path.dirname(results));
  await fs.copyFile(SAVED, results);
  const benchmarks = path.join(dir, 'BENCHMARKS.md');
  await fs.writeFile(
    benchmarks,
    '# Benchmarks\n\nMethod.\n\n<!-- bench:latest:start -->\nstale latest run\n<!-- bench:latest:end -->\n\nAfter.\n',
  );

  await updateBenchmarksMd(report, results, benchmarks);

  const written = await fs.readFile(benchmarks, 'utf8');
  expect(written.startsWith('# Benchmarks\n\nMethod.\n\n')).toBe(true);
  expect(written.endsWith('\n\nAfter.\n')).toBe(true);
  expect(written).not.toContain('stale latest run');
  expect(written).toContain('### Targets');
  expect(written).not.toContain('### Every query the tab sends');
  expect(written).toContain("Every query's row: [`results/run.md`](results/run.md).");
  expect(written).toContain('Raw figures: [`results/run.json`](results/run.json).');

  const full = await fs.readFile(path.join(dir, 'results', 'run.md'), 'utf8');
  expect(full).toBe(`${renderMarkdown(report)}\n`);
  expect(full).toContain('### Every query the tab sends');
  for (const q of report.queries) expect(full).toContain(`| ${q.id} `);
});
