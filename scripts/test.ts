/**
 * The vitest part of `npm test`: the browser end-to-end project in one vitest process and the
 * other projects (web, node, topology) in a second one, side by side.
 *
 * Why two processes: each of these projects runs its files one at a time (they share a stack
 * whose Postgres a test pauses, or start processes on fixed ports), and vitest runs such projects
 * one after another in a single queue, so on two cores one file ran at a time overall although
 * most of that time is spent waiting on Postgres, Cube, Next and Chromium. The two groups share
 * nothing: their own Postgres data folders, ports (TEST_E2E_* and TEST_START_* against TEST_*,
 * TEST_SPLIT_* …) and build outputs (only the e2e builds the web app; the compiled Cube entry is
 * written atomically by whoever spawns Cube).
 *
 * Each group's lines are prefixed with its name; each group writes vitest's JSON report to
 * `.data/vitest-<group>.json` and the summary at the end names the slowest files from them.
 * With arguments (`npm test -- tests/db`) it is one plain `vitest run <args>`, as before.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const VITEST = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const GROUPS: ReadonlyArray<{ name: string; projects: string[] }> = [
  { name: 'e2e', projects: ['e2e'] },
  { name: 'rest', projects: ['web', 'node', 'topology'] },
];

type Finished = { name: string; code: number; seconds: number; report: string | null };

// Each vitest runs in its own process group and gets a signal from here only, once: vitest exits
// on the first SIGINT/SIGTERM through its exit hooks (which stop the stacks' processes), while a
// second one, as a terminal's Ctrl-C to the whole group would add, kills it before those hooks.
const children: ChildProcess[] = [];
let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = true;
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  });
}

function run(name: string, args: string[], report: string | null): Promise<Finished> {
  const started = performance.now();
  const child = spawn(process.execPath, [VITEST, 'run', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
    detached: true,
  });
  children.push(child);
  const prefixed = (out: NodeJS.WriteStream) => {
    let pending = '';
    return (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) out.write(`${name} │ ${line}\n`);
    };
  };
  child.stdout?.on('data', prefixed(process.stdout));
  child.stderr?.on('data', prefixed(process.stderr));
  return new Promise((resolve) =>
    child.once('exit', (code, signal) =>
      resolve({
        name,
        code: code ?? (signal ? 1 : 0),
        seconds: (performance.now() - started) / 1000,
        report,
      }),
    ),
  );
}

type JsonReport = {
  testResults?: Array<{ name: string; startTime: number; endTime: number; status: string }>;
};

function slowestFiles(finished: Finished[], count: number): string[] {
  const files = finished.flatMap(({ name, report }) => {
    if (!report || !fs.existsSync(report)) return [];
    const json = JSON.parse(fs.readFileSync(report, 'utf8')) as JsonReport;
    return (json.testResults ?? []).map((r) => ({
      group: name,
      file: path.relative(ROOT, r.name),
      seconds: (r.endTime - r.startTime) / 1000,
    }));
  });
  return files
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, count)
    .map((f) => `  ${f.seconds.toFixed(1).padStart(6)} s  ${f.group} │ ${f.file}`);
}

const extra = process.argv.slice(2);
if (extra.length > 0) {
  const { code } = await run('vitest', extra, null);
  process.exit(code);
}

fs.mkdirSync(path.join(ROOT, '.data'), { recursive: true });
const finished = await Promise.all(
  GROUPS.map(({ name, projects }) => {
    const report = path.join(ROOT, '.data', `vitest-${name}.json`);
    fs.rmSync(report, { force: true });
    return run(
      name,
      [
        ...projects.map((p) => `--project=${p}`),
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${report}`,
      ],
      report,
    );
  }),
);
console.log(
  `\nvitest groups: ${finished.map((f) => `${f.name} ${f.seconds.toFixed(0)} s (exit ${f.code})`).join(', ')}`,
);
console.log(`slowest files:\n${slowestFiles(finished, 8).join('\n')}`);
process.exit(finished.some((f) => f.code !== 0) ? 1 : 0);
