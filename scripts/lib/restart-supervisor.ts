/**
 * Keeps one Cube process of the split topology running: a process that exits while nobody asked
 * it to stop is started again after a growing pause, and the others are left alone. Only a crash
 * loop (`RESTART_POLICY.maxCrashes` exits within `windowMs`) gives up, because restarting a
 * process that dies at once on every start would only hide its error behind an endless loop.
 */
import type { CubeProcess } from '../../cube/process';

export type RestartPolicy = {
  /** This many unexpected exits within `windowMs` is a crash loop: give up. */
  maxCrashes: number;
  windowMs: number;
  /** The pause before the first restart; it doubles with each recent crash, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
};

export const RESTART_POLICY: RestartPolicy = {
  maxCrashes: 5,
  windowMs: 60_000,
  firstDelayMs: 500,
  maxDelayMs: 8_000,
};

export type SupervisedProcess = {
  name: string;
  port: number;
  apiUrl: string;
  /** The running process, or null between an exit and the restart's readiness. */
  current(): CubeProcess | null;
  /** How many times it was restarted so far. */
  restarts(): number;
  /** Resolves with the give-up message once a crash loop ends supervision (never otherwise). */
  gaveUp: Promise<string>;
  /** Stops supervising and stops the process (one being restarted included). */
  stop(): Promise<void>;
};

/** "exit code 1" or "signal SIGKILL": how a child ended, as a log line says it. */
export function exitCause(child: CubeProcess, code: number | null): string {
  const signal = child.process.signalCode;
  if (signal) return `signal ${signal}`;
  return `exit code ${code ?? 'unknown'}`;
}

export function superviseProcess(input: {
  first: CubeProcess;
  start: () => Promise<CubeProcess>;
  policy?: RestartPolicy;
  log?: (line: string) => void;
  /** Called as soon as the process is gone (before the pause), e.g. to take it out of rotation. */
  onExit?: () => void;
}): SupervisedProcess {
  const policy = input.policy ?? RESTART_POLICY;
  const log = input.log ?? ((line: string) => console.error(line));
  const { name, port, apiUrl } = input.first;
  let current: CubeProcess | null = input.first;
  let restarts = 0;
  let halted = false;
  let pause: NodeJS.Timeout | undefined;
  let wakeUp: (() => void) | undefined;
  const crashes: number[] = [];
  let giveUp: (message: string) => void = () => undefined;
  const gaveUp = new Promise<string>((resolve) => {
    giveUp = resolve;
  });

  /** Records a crash; returns the pause before the next start, or null for a crash loop. */
  const recordCrash = (cause: string, detail: string): number | null => {
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && (crashes[0] ?? now) < now - policy.windowMs) crashes.shift();
    if (crashes.length >= policy.maxCrashes) {
      const message =
        `${name} crashed ${crashes.length} times within ${policy.windowMs / 1000} s ` +
        `(last: ${cause}${detail ? `: ${detail}` : ''}); giving up on it.`;
      log(message);
      halted = true;
      giveUp(message);
      return null;
    }
    return Math.min(policy.firstDelayMs * 2 ** (crashes.length - 1), policy.maxDelayMs);
  };

  const lastLine = (child: CubeProcess) => child.recentOutput().at(-1)?.trim() ?? '';

  const watch = (child: CubeProcess) => {
    void child.exited.then(async (code) => {
      if (halted) return;
      current = null;
      input.onExit?.();
      const cause = exitCause(child, code);
      let delay = recordCrash(cause, lastLine(child));
      if (delay === null) return;
      log(
        `${name} (pid ${child.process.pid}) exited unexpectedly (${cause}); ` +
          `restarting in ${delay / 1000} s (restart ${restarts + 1}).`,
      );
      for (;;) {
        await new Promise<void>((resolve) => {
          wakeUp = resolve;
          pause = setTimeout(resolve, delay ?? 0);
        });
        if (halted) return;
        restarts++;
        try {
          const next = await input.start();
          if (halted) {
            await next.stop();
            return;
          }
          current = next;
          log(`${name} is up again on :${port} (pid ${next.process.pid}, restart ${restarts}).`);
          watch(next);
          return;
        } catch (error) {
          if (halted) return;
          const reason = error instanceof Error ? error.message : String(error);
          delay = recordCrash('failed to start', reason);
          if (delay === null) return;
          log(
            `${name} failed to start (${reason}); ` +
              `retrying in ${delay / 1000} s (restart ${restarts + 1}).`,
          );
        }
      }
    });
  };
  watch(input.first);

  return {
    name,
    port,
    apiUrl,
    current: () => current,
    restarts: () => restarts,
    gaveUp,
    async stop() {
      halted = true;
      clearTimeout(pause);
      wakeUp?.();
      await current?.stop();
    },
  };
}
