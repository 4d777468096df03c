/**
 * Interleaved A/B/C timing: in every round each contender runs once, in a rotating order
 * (abc, bca, cab), so drift (caches warming, a background checkpoint, thermal throttling) is
 * shared by all three instead of landing on whichever ran last. A contender much slower than the
 * others (raw SQL on the source tables, a deliberately raw query through Cube) may stop after
 * fewer rounds, within a time budget (its samples still come from the same interleaved rounds).
 */
import { type Summary, summarize } from './stats';

export const CONTENDERS = ['a', 'b', 'c'] as const;
export type Contender = (typeof CONTENDERS)[number];

/** Runs one contender once and returns its wall time in ms. */
export type Runner = () => Promise<number>;

/** Rounds per contender; each runs in the first of the shared interleaved rounds. */
export type Plan = Record<Contender, number>;

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
  const rounds = Math.max(plan.a, plan.b, plan.c);
  for (let round = 0; round < rounds; round++) {
    for (const who of ORDERS[round % ORDERS.length] ?? CONTENDERS) {
      if (round >= plan[who]) continue;
      samples[who].push(await runners[who]());
    }
  }
  return samples;
}

/**
 * How long one query (or group) may take: every contender gets `rounds`, unless that would not
 * fit `budgetMs` judged by its warm-up time; then it gets as many as fit, at least `minRounds`.
 * A 20 s raw-SQL oracle thus runs once or twice, not fifteen times, and the report shows how
 * many samples each median stands on.
 */
export type Budget = {
  rounds: number;
  /** Time one contender may spend on one query or group (ms)… */
  budgetMs: number;
  /** …but it runs at least this many rounds. */
  minRounds: number;
  /**
   * Groups only: false skips their warm-up and runs exactly `rounds` (the CI smoke test, which
   * checks that every group runs, not how fast). Queries always run once first: that run is the
   * answer the checks compare.
   */
  warmup?: boolean;
};

/** Rounds per contender given one warm-up run of each (ms). */
export function planFor(budget: Budget, warmupMs: Record<Contender, number>): Plan {
  const roundsFor = (ms: number) => {
    const n = Math.floor(budget.budgetMs / Math.max(ms, 0.001));
    return Math.min(budget.rounds, Math.max(budget.minRounds, n));
  };
  return { a: roundsFor(warmupMs.a), b: roundsFor(warmupMs.b), c: roundsFor(warmupMs.c) };
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
