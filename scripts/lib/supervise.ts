/**
 * How a long-running launcher (`npm start`) learns it must stop. A process manager signals only
 * the top process (npm); npm forwards SIGTERM/SIGINT to its script's shell, and a shell that is
 * not `exec`ed dies without passing it on. So the launcher stops on any stop signal and also
 * when its parent goes away (it was re-parented: npm or the shell was killed), rather than
 * living on as an orphan that holds the ports.
 */

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const PARENT_POLL_MS = 500;

/**
 * Calls `stop` once, on the first stop signal or when the parent process exits. Later signals
 * are swallowed (a terminal and npm both deliver Ctrl-C) so a second one cannot cut the
 * shutdown short. Returns the function that removes the hooks.
 */
export function onStopRequest(stop: (reason: string) => void): () => void {
  let requested = false;
  const request = (reason: string) => {
    if (requested) return;
    requested = true;
    stop(reason);
  };
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = () => request(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) request(`parent process ${parent} exited`);
  }, PARENT_POLL_MS);
  watch.unref();
  return () => {
    clearInterval(watch);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
