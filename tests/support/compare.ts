/**
 * Comparing Cube's answers with the SQL oracle (`oracles/`): number comparison (integers exactly,
 * everything else to 1e-9 relative; null only equals null).
 */
import { expect } from 'vitest';
import type { CubeRow } from '../../lib/cube-client';
import { num } from '../../lib/cube-client';
import { type Timeframe, timeframeWindow } from '../../web/lib/timeframe';
import type { DateRange } from './cube';

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
