/**
 * Ctrl-C during a bench run must not leave Cube or the bench Postgres running (both are separate
 * processes). Whatever the run starts registers how to stop it; `npm run bench` installs the
 * signal handlers that run those stops, newest first.
 */
const stops = new Set<() => Promise<void>>();

/** Registers a stop for an interrupted run; returns the function that unregisters it. */
export function stopOnInterrupt(stop: () => Promise<void>): () => void {
  stops.add(stop);
  return () => {
    stops.delete(stop);
  };
}

export function installInterruptHandlers(): void {
  let stopping = false;
  const handler = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping Cube and the bench Postgres…`);
    for (const stop of [...stops].reverse()) await stop().catch(() => undefined);
    process.exit(130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
