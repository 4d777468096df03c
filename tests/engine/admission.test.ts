/**
 * The admission gate in front of Cube's `/load` (cube/compat/admission.ts): never more than its bound
 * inside, the rest admitted in arrival order, and a failing request frees its place.
 */
import { describe, expect, test } from 'vitest';
import { AdmissionGate, maxActiveLoadsFrom } from '../../cube/compat/admission';

/** A request the test finishes by hand. */
function held() {
  let finish: (ok: boolean) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = (ok) => (ok ? resolve() : reject(new Error('failed')));
  });
  return { done, finish };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('AdmissionGate', () => {
  test('admits at most its bound, then in arrival order as places free up', async () => {
    const gate = new AdmissionGate(2);
    const started: number[] = [];
    const requests = Array.from({ length: 5 }, () => held());
    const runs = requests.map((r, i) =>
      gate
        .run(async () => {
          started.push(i);
          await r.done;
        })
        .catch(() => undefined),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    expect([gate.active, gate.waiting]).toEqual([2, 3]);

    requests[1]?.finish(true);
    await settle();
    expect(started).toEqual([0, 1, 2]);

    // A failing request frees its place too.
    requests[0]?.finish(false);
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    expect([gate.active, gate.waiting]).toEqual([2, 1]);

    for (const r of requests) r.finish(true);
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect([gate.active, gate.waiting]).toEqual([0, 0]);
  });

  test('passes results and errors through', async () => {
    const gate = new AdmissionGate(1);
    await expect(gate.run(async () => 42)).resolves.toBe(42);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(gate.active).toBe(0);
  });

  test('its bound comes from CUBE_MAX_ACTIVE_LOADS; unset or 0 is off; nonsense is refused', () => {
    expect(maxActiveLoadsFrom({})).toBe(0);
    expect(maxActiveLoadsFrom({ CUBE_MAX_ACTIVE_LOADS: '4' })).toBe(4);
    expect(maxActiveLoadsFrom({ CUBE_MAX_ACTIVE_LOADS: '0' })).toBe(0);
    expect(() => maxActiveLoadsFrom({ CUBE_MAX_ACTIVE_LOADS: 'many' })).toThrow();
    expect(() => new AdmissionGate(0)).toThrow();
  });
});
