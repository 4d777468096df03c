/**
 * `CUBE_COMPAT_OFF`: speed patches of Cube to leave out, comma-separated (`all` for every one).
 * For a Cube upgrade whose guard flags a patch (docs/upgrading-cube.md): with the patch off, Cube
 * runs its own code there, slower but as Cube wrote it. An unknown name is refused at start, so a
 * typo never leaves a patch on unnoticed. Default: every patch on.
 */
import { z } from 'zod';

export const SPEED_PATCHES = [
  'version-entries-cache',
  'rollup-listing',
  'date-parse-memo',
  'cache-lookup-cost',
  'env-cache',
  'stack-traces',
  'sql-cache-first',
  'postgres-driver',
] as const;
export type SpeedPatch = (typeof SPEED_PATCHES)[number];

const offSchema = z
  .string()
  .default('')
  .transform((text) =>
    text
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  )
  .pipe(z.array(z.enum([...SPEED_PATCHES, 'all'])));

/** Parsed once per value: `sql-cache-first` asks on every planned query. */
const parsed = new Map<string | undefined, readonly string[]>();

/** Whether a speed patch is on (not named in `CUBE_COMPAT_OFF`). */
export function compatPatchOn(patch: SpeedPatch, env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CUBE_COMPAT_OFF;
  let off = parsed.get(value);
  if (!off) {
    off = offSchema.parse(value);
    parsed.set(value, off);
  }
  return !off.includes('all') && !off.includes(patch);
}
