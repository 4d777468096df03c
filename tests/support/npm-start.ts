/**
 * `npm start` as a process manager runs it: its own process (group), a test-owned data folder and
 * ports, its output collected; and the process tree under it, read from /proc, to check that a
 * stop leaves nothing behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export type NpmStart = {
  process: ChildProcess;
  pid: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when the output contains `text`; rejects if npm exits first or on timeout. */
  waitFor(text: string, timeoutMs: number): Promise<void>;
};

export function npmStart(args: string[], env: NodeJS.ProcessEnv): NpmStart {
  const child = spawn('npm', ['start', '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own group, as under a supervisor: no signal reaches it except the ones a test sends.
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  if (child.pid === undefined) throw new Error('npm did not start');
  return {
    process: child,
    pid: child.pid,
    output: () => output,
    exited,
    async waitFor(text, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let done = false;
      void exited.then(() => {
        done = true;
      });
      while (!output.includes(text)) {
        if (done) throw new Error(`npm start exited before "${text}":\n${output}`);
        if (Date.now() > deadline)
          throw new Error(`no "${text}" within ${timeoutMs / 1000} s:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
  };
}

export type ProcessInfo = { pid: number; ppid: number; pgid: number; command: string };

export function processTable(): ProcessInfo[] {
  const table: ProcessInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      // Zombies (state Z) have exited; only their parent has yet to reap them.
      if (fields[0] === 'Z') continue;
      table.push({ pid: Number(name), ppid: Number(fields[1]), pgid: Number(fields[2]), command });
    } catch {
      // exited while being read
    }
  }
  return table;
}

/** Every live process below `pid` (children, grandchildren, …). */
export function descendants(pid: number): ProcessInfo[] {
  const table = processTable();
  const found: ProcessInfo[] = [];
  const parents = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const info of table) {
      if (parents.has(info.ppid) && !parents.has(info.pid)) {
        parents.add(info.pid);
        found.push(info);
        grew = true;
      }
    }
  }
  return found;
}

export function alive(pids: number[]): ProcessInfo[] {
  const wanted = new Set(pids);
  return processTable().filter((info) => wanted.has(info.pid));
}

/** Polls until none of `pids` is alive (true) or the deadline passes (false). */
export async function waitGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pids).length > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return true;
}

/** Last resort for a failed test: SIGKILL what is left, so no run leaves orphans behind. */
export function killAll(processes: ProcessInfo[]): void {
  for (const info of alive(processes.map((p) => p.pid))) {
    try {
      process.kill(info.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}
