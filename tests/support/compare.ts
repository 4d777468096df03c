/**
 * Comparing Cube's answers with the SQL oracle: windows as half-open UTC intervals for SQL, and
 * number comparison (integers exactly, everything else to 1e-9 relative; null only equals null).
 */
import { expect } from 'vitest';
import type { CubeRow } from '../../lib/cube-client';
import { num } from '../../lib/cube-client';
import {
  parseCubeTimestamp,
  type Timeframe,
  timeframeWindow,
  toCubeTimestamp,
} from '../../web/lib/timeframe';
import type { DateRange } from './cube';

/** A Cube date range [start, end] (end inclusive, ms) as the SQL interval [from, to). */
export interface SqlWindow {
  readonly from: string;
  readonly to: string;
}

export function sqlWindow(range: DateRange): SqlWindow {
  return {
    from: `${range[0]}Z`,
    to: `${toCubeTimestamp(parseCubeTimestamp(range[1]) + 1)}Z`,
  };
}

export function timeframeRange(timeframe: Timeframe, now: number): DateRange {
  return timeframeWindow(timeframe, now).dateRange;
}

export const RELATIVE_TOLERANCE = 1e-9;

/** true when both are null, or equal integers, or within 1e-9 relative of each other. */
export function sameNumber(actual: number | null, expected: number | null): boolean {
  if (actual === null || expected === null) return actual === expected;
  if (Number.isInteger(expected) && Number.isInteger(actual)) return actual === expected;
  const scale = Math.max(Math.abs(expected), Math.abs(actual), Number.MIN_VALUE);
  return Math.abs(actual - expected) / scale <= RELATIVE_TOLERANCE || actual === expected;
}

/** Every member of `expected` in `row` equals the oracle's value. */
export function expectMembers(
  row: CubeRow | undefined,
  expected: Record<string, number | null>,
  label = '',
): void {
  const got: Record<string, number | null> = {};
  for (const member of Object.keys(expected)) got[member] = num(row, member);
  const mismatches = Object.keys(expected).filter(
    (m) => !sameNumber(got[m] ?? null, expected[m] ?? null),
  );
  expect(
    mismatches.map((m) => `${m}: cube ${got[m]} ≠ sql ${expected[m]}`),
    `${label} (cube ${JSON.stringify(got)})`,
  ).toEqual([]);
}

/** `a / b`, or null when b is 0 or null (what NULLIF gives). */
export function ratio(a: number | null, b: number | null): number | null {
  if (b === null || b === 0) return null;
  return (a ?? 0) / b;
}

/** PERCENTILE_CONT(p) of the values (continuous, linear interpolation); null when empty. */
export function percentileCont(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const lo = sorted[lower] as number;
  const hi = sorted[upper] as number;
  return lo + (hi - lo) * (position - lower);
}
