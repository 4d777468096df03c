/**
 * Interleaved A/B/C timing: in every round each contender runs once, in a rotating order
 * (abc, bca, cab), so drift (caches warming, a background checkpoint, thermal throttling) is
 * shared by all three instead of landing on whichever ran last. Raw SQL is often orders of
 * magnitude slower than the other two, so it may stop after fewer rounds than Cube (its
 * samples still come from the same interleaved rounds).
 */
import { type Summary, summarize } from './stats';

export const CONTENDERS = ['a', 'b', 'c'] as const;
export type Contender = (typeof CONTENDERS)[number];

export const CONTENDER_LABELS: Record<Contender, string> = {
  a: 'raw SQL on the source tables',
  b: 'Cube /load, result cache bypassed (rollup read)',
  c: 'Cube /load, warm (result cache hit)',
};

/** Runs one contender once and returns its wall time in ms. */
export type Runner = () => Promise<number>;

export type Plan = {
  /** Rounds for Cube (b, c). */
  rounds: number;
  /** Rounds in which raw SQL also runs (the first ones), ≤ rounds. */
  rawRounds: number;
};

const ORDERS: readonly (readonly Contender[])[] = [
  ['a', 'b', 'c'],
  ['b', 'c', 'a'],
  ['c', 'a', 'b'],
];

export async function interleave(
  runners: Record<Contender, Runner>,
  plan: Plan,
): Promise<Record<Contender, number[]>> {
  const samples: Record<Contender, number[]> = { a: [], b: [], c: [] };
  for (let round = 0; round < plan.rounds; round++) {
    for (const who of ORDERS[round % ORDERS.length] ?? CONTENDERS) {
      if (who === 'a' && round >= plan.rawRounds) continue;
      samples[who].push(await runners[who]());
    }
  }
  return samples;
}

export type Budget = {
  /** Cube rounds. */
  rounds: number;
  /** Raw SQL gets as many rounds as fit in this many ms (judged by its warm-up time)… */
  rawBudgetMs: number;
  /** …but at least this many. */
  minRawRounds: number;
};

/** How many raw rounds fit the budget, given one warm-up run of `warmupMs`. */
export function planFor(budget: Budget, warmupMs: number): Plan {
  const fit = Math.floor(budget.rawBudgetMs / Math.max(warmupMs, 1));
  const rawRounds = Math.min(budget.rounds, Math.max(budget.minRawRounds, fit));
  return { rounds: budget.rounds, rawRounds };
}

export function summaries(samples: Record<Contender, number[]>): Record<Contender, Summary> {
  return { a: summarize(samples.a), b: summarize(samples.b), c: summarize(samples.c) };
}

/** Times an async function (ms). */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}
