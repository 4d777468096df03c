import { type ChildProcess, spawn } from 'node:child_process';

/** Children started here and not yet exited, so a launcher can stop them all, even mid-start. */
const live = new Set<Child>();

export type Child = {
  name: string;
  process: ChildProcess;
  /** Resolves once the process has exited. */
  exited: Promise<number | null>;
  /** Its last output lines (stdout and stderr), for error messages and tests. */
  recentOutput(): string[];
  stop(): Promise<void>;
};

/**
 * Runs a child with its output prefixed by its name. `stop()` sends SIGTERM to the child's whole
 * process group (Next and tsx start grandchildren) and SIGKILLs it if it lingers.
 */
export function startChild(
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; quiet?: boolean } = {},
): Child {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const recent: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() === '') continue;
      recent.push(line);
      if (recent.length > 200) recent.shift();
    }
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => `[${name}] ${line}\n`)
      .join('');
  if (!options.quiet) {
    child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(prefix(chunk)));
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  } else {
    child.stdout?.resume();
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const handle: Child = {
    name,
    process: child,
    exited,
    recentOutput: () => [...recent],
    async stop() {
      signalGroup('SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), 8000).unref(),
      );
      if ((await Promise.race([exited, timeout])) === 'timeout') signalGroup('SIGKILL');
      await exited;
    },
  };
  live.add(handle);
  void exited.then(() => live.delete(handle));
  return handle;
}

/** Stops every child still running, in parallel (each one's whole process group). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].reverse().map((child) => child.stop()));
}

/** Polls `url` until it answers 2xx, the child dies, or the deadline passes. */
export async function waitForHttp(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let died = false;
  void child.exited.then(() => {
    died = true;
  });
  while (Date.now() < deadline) {
    if (died) {
      const last = child.recentOutput().slice(-3).join(' | ');
      throw new Error(`${child.name} exited before it was ready${last ? `: ${last}` : ''}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${child.name} was not ready at ${url} within ${Math.round(timeoutMs / 1000)} s`);
}
