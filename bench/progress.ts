/**
 * Progress lines with an estimate of what is left: a `large` run takes many minutes and whoever
 * started it should know, after the first few queries, whether it fits their time.
 */

/** "4m05s", "38s". */
export function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export type Progress = {
  /** One step of `total` done: returns "[i/total · elapsed · ETA …]" for the log line. */
  step(): string;
};

/**
 * Counts steps of a phase; the ETA is the phase's remaining steps at its mean step time so far,
 * plus `laterSeconds()`: an estimate of the phases still to come (recomputed at every step).
 */
export function progress(total: number, runStarted: number, laterSeconds: () => number): Progress {
  const started = performance.now();
  let done = 0;
  return {
    step() {
      done++;
      const now = performance.now();
      const perStep = (now - started) / 1000 / done;
      const left = perStep * (total - done) + laterSeconds();
      return `[${done}/${total} · ${fmtDuration((now - runStarted) / 1000)} · ETA ${fmtDuration(left)}]`;
    },
  };
}
