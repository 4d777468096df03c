/**
 * The Cube the vitest global setup started, as the one Node client (lib/cube-client.ts) with a
 * short-lived admin token signed by the engine's own `signCubeToken`.
 */
import { inject } from 'vitest';
import { z } from 'zod';
import { signCubeToken } from '../../cube/auth';
import { CubeClient } from '../../lib/cube-client';

export type DateRange = readonly [start: string, end: string];

const providedCubeSchema = z
  .object({ apiUrl: z.string().url(), apiSecret: z.string().min(16) })
  .loose();

/** A client signed in as an admin of the Cube at `apiUrl`; rollups may take minutes to build. */
export function adminClient(apiUrl: string, apiSecret: string, sub = 'model-tests'): CubeClient {
  const token = signCubeToken(apiSecret, { sub, role: 'admin' });
  return new CubeClient({ apiUrl, token, timeoutMs: 240_000 });
}

/** The client for the Cube the vitest global setup started (`inject('cube')`). */
export function cubeFromTestStack(): CubeClient {
  // Read by name and validated here, so this file compiles whatever else the setup provides.
  const provided = (inject as unknown as (key: string) => unknown)('cube');
  const parsed = providedCubeSchema.safeParse(provided);
  if (!parsed.success) {
    throw new Error(
      "The test stack provides no Cube: tests/setup/global-stack.ts must provide('cube', { apiUrl, apiSecret }).",
    );
  }
  return adminClient(parsed.data.apiUrl, parsed.data.apiSecret);
}
