/**
 * PATCHES `@cubejs-backend/api-gateway` gateway.js `ApiGateway.prototype.load`
 *   (wrapped by a FIFO gate), only when `CUBE_MAX_ACTIVE_LOADS` is set.
 * GAIN: none claimed (measurements inconclusive, below; BENCHMARKS.md's "50 clients" and
 *   "200 clients" rows are measured without it).
 * OFF: by default; `CUBE_MAX_ACTIVE_LOADS` unset or 0. Guard: tests/compat/cube-compat.test.ts.
 *
 * Admission for Cube's `/load` (REST, GraphQL and WebSocket all go through `ApiGateway.load`):
 * at most `maxActive` requests are inside Cube's pipeline at once, the rest wait in arrival order.
 *
 * Why: one Node event loop serves every request, and each costs milliseconds of CPU (compile
 * lookups, orchestrator, result transform). Measured with `npm run bench:load` (bench/load.ts),
 * 50-200 admins firing the tab's 6 queries each put 300-1,200 requests in flight at once; all of
 * them advanced a few awaits at a time, interleaved, so some finished in 0.3 s and others waited
 * 20-35 s, and every one held its parsed query, compiled SQL and result in memory meanwhile. With
 * a bounded number inside, waiting requests hold only their socket, answers come out roughly in
 * the order they came in, and Cube's memory stays bounded however many clients connect.
 */
import type { ApiGateway as ApiGatewayClass } from '@cubejs-backend/api-gateway';
import { z } from 'zod';

/**
 * Off unless `CUBE_MAX_ACTIVE_LOADS` is set: on the shared 2-core machine the measurements were
 * inconclusive (answers came out in order, but throughput did not rise and a few waited past 30 s
 * behind uncached queries), so the stock behaviour stays the default and the bound is an
 * operator's knob for Cube's memory under many clients. See BENCHMARKS.md, "Load".
 */
export const DEFAULT_MAX_ACTIVE_LOADS = 0;

/** `CUBE_MAX_ACTIVE_LOADS`: requests inside Cube's pipeline at once (0 = no bound). */
export function maxActiveLoadsFrom(env: NodeJS.ProcessEnv = process.env): number {
  return z.coerce
    .number()
    .int()
    .min(0)
    .default(DEFAULT_MAX_ACTIVE_LOADS)
    .parse(env.CUBE_MAX_ACTIVE_LOADS || undefined);
}

export class AdmissionGate {
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(readonly maxActive: number) {
    if (!Number.isInteger(maxActive) || maxActive < 1)
      throw new Error(`maxActive must be a positive integer, got ${maxActive}`);
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#active >= this.maxActive) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active++;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next in line (active stays the same), or free it.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }
}

let installed: AdmissionGate | null = null;

/** Puts every `ApiGateway.load` (and subclasses') behind one gate; returns it (null when off). */
export function installLoadAdmission(
  Gateway: typeof ApiGatewayClass,
  maxActive = maxActiveLoadsFrom(),
): AdmissionGate | null {
  if (installed || maxActive === 0) return installed;
  const gate = new AdmissionGate(maxActive);
  const proto = Gateway.prototype as unknown as { load(request: unknown): Promise<unknown> };
  const load = proto.load;
  proto.load = function admittedLoad(this: unknown, request: unknown) {
    return gate.run(() => load.call(this, request));
  };
  installed = gate;
  return gate;
}
