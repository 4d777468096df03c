import type { Rng } from './rng';

// Sampling helpers. All take the generator explicitly, so the draw order is the code order.

/** Standard normal (Box–Muller; one value per call keeps the draw order obvious). */
export function normal(rng: Rng): number {
  const u = 1 - rng.float();
  const v = rng.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Log-normal with the given median and log-space sigma: long right tail (latencies, sizes). */
export function logNormal(rng: Rng, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(rng));
}

/** Exponential with the given mean. */
export function exponential(rng: Rng, mean: number): number {
  return -Math.log(1 - rng.float()) * mean;
}

/** Poisson count with mean `lambda` (Knuth below 30, normal approximation above). */
export function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = rng.float();
    while (p > limit) {
      k++;
      p *= rng.float();
    }
    return k;
  }
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rng)));
}

/** Number of failures before the first success, for a given mean (geometric). */
export function geometric(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  const p = 1 / (1 + mean);
  return Math.floor(Math.log(1 - rng.float()) / Math.log(1 - p));
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/** Picks among weighted options by one cumulative-table lookup. */
export class Weighted<T> {
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(private readonly entries: readonly (readonly [T, number])[]) {
    let sum = 0;
    this.cumulative = entries.map(([, weight]) => {
      sum += weight;
      return sum;
    });
    this.total = sum;
  }

  sample(rng: Rng): T {
    const target = rng.float() * this.total;
    const { cumulative } = this;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    const entry = this.entries[lo];
    if (entry === undefined) throw new Error('Weighted: no entries');
    return entry[0];
  }
}

/** Zipf-like popularity: rank r (0-based) has weight 1 / (r + 1)^s. Returns a rank. */
export class Zipf {
  private readonly weighted: Weighted<number>;

  constructor(size: number, exponent: number) {
    this.weighted = new Weighted(
      Array.from({ length: size }, (_, rank) => [rank, 1 / (rank + 1) ** exponent] as const),
    );
  }

  sample(rng: Rng): number {
    return this.weighted.sample(rng);
  }
}

/** Index of the last element ≤ value in an ascending array (−1 if none). */
export function lastAtOrBefore(
  sorted: readonly number[],
  value: number,
  end = sorted.length,
): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? Number.POSITIVE_INFINITY) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
