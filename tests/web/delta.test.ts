import { expect, test } from 'vitest';
import { computeDelta, ratePercent } from '../../web/lib/delta';

test.each([
  // current, previous, deltaAbs, deltaPct
  [57, 48, 9, 18.75],
  [48, 57, -9, (-9 / 57) * 100],
  [10, 10, 0, 0],
  [12, 0, 12, null],
  [0, 0, 0, null],
  [0, 5, -5, -100],
  [null, 5, null, null],
  [5, null, null, null],
])('current %s vs previous %s → Δ %s, Δ%% %s', (current, previous, deltaAbs, deltaPct) => {
  const d = computeDelta(current, previous);
  expect(d.deltaAbs).toBe(deltaAbs);
  if (deltaPct === null) expect(d.deltaPct).toBeNull();
  else expect(d.deltaPct).toBeCloseTo(deltaPct, 10);
});

test('a rate delta is in percentage points: 94.8% vs 92.1% → +2.7 pp, +2.93%', () => {
  const current = ratePercent(806, 850);
  const previous = ratePercent(748, 812);
  expect(current).toBeCloseTo(94.8235, 3);
  expect(previous).toBeCloseTo(92.1182, 3);
  const d = computeDelta(current, previous);
  expect(d.deltaAbs).toBeCloseTo(2.7053, 3);
  expect(d.deltaPct).toBeCloseTo(2.9368, 3);
});

test.each([
  [0, 0, null],
  [0, 10, 0],
  [10, 10, 100],
  [1, 3, 100 / 3],
])('rate %s of %s → %s%%', (part, whole, expected) => {
  const r = ratePercent(part, whole);
  if (expected === null) expect(r).toBeNull();
  else expect(r).toBeCloseTo(expected, 10);
});
