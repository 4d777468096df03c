/**
 * Week-over-week delta maths: absolute = current − previous; relative =
 * (current − previous) / previous, null when previous is 0. For a rate expressed in percent,
 * the absolute delta is in percentage points. Pure.
 */

export interface Delta {
  /** current − previous (percentage points for rates); null when either side is unknown. */
  readonly deltaAbs: number | null;
  /** (current − previous) / previous × 100, in percent; null when previous is 0 or unknown. */
  readonly deltaPct: number | null;
}

export function computeDelta(current: number | null, previous: number | null): Delta {
  if (current === null || previous === null) return { deltaAbs: null, deltaPct: null };
  const deltaAbs = current - previous;
  return { deltaAbs, deltaPct: previous === 0 ? null : (deltaAbs / previous) * 100 };
}

/** completed ÷ all in percent (0–100); null when there is nothing to divide by. */
export function ratePercent(part: number, whole: number): number | null {
  return whole === 0 ? null : (part / whole) * 100;
}
