/**
 * Cube's launcher (`cube/launch.ts`) as one compiled JavaScript file, so the Cube process runs
 * plain `node` instead of loading TypeScript through tsx's hooks and source maps on every start
 * and keeping them on its hot path (measured in bench/results/history.md, "Where a request's CPU
 * goes").
 *
 * The project's own modules are bundled; packages stay `node_modules` imports, resolved from the
 * project root as before. It is rebuilt on every spawn (esbuild, well under a second), so it can
 * never be older than the sources; concurrent spawns each write a complete file and rename it into
 * place, so a reader never sees a partial one.
 *
 * `import.meta.dirname` and `import.meta.url` keep meaning the source file's folder and URL
 * (`MODEL_DIR`, `createRequire` of Cube's packages), rewritten relative to the output file so the
 * checkout can move.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SOURCE = path.join(ROOT, 'cube', 'launch.ts');
/** Named after its source, so process listings still say which program this is. */
export const COMPILED_CUBE_ENTRY = path.join(ROOT, '.build', 'cube', 'launch.mjs');
const OUT_DIR = path.dirname(COMPILED_CUBE_ENTRY);

const BANNER = [
  "import { join as __sourceJoin } from 'node:path';",
  "import { pathToFileURL as __sourceUrl } from 'node:url';",
  'const __sourceDir = (relative) => __sourceJoin(import.meta.dirname, relative);',
  'const __sourceFileUrl = (relative, file) => __sourceUrl(__sourceJoin(__sourceDir(relative), file)).href;',
].join('\n');

/** Rewrites `import.meta.dirname` / `.url` of each bundled source to that source's own location. */
const sourceLocation: Plugin = {
  name: 'source-location',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await fs.readFile(args.path, 'utf8');
      if (!source.includes('import.meta.')) return { contents: source, loader: 'ts' };
      const relative = JSON.stringify(path.relative(OUT_DIR, path.dirname(args.path)));
      const file = JSON.stringify(path.basename(args.path));
      return {
        contents: source
          .replaceAll('import.meta.dirname', `__sourceDir(${relative})`)
          .replaceAll('import.meta.url', `__sourceFileUrl(${relative}, ${file})`),
        loader: 'ts',
      };
    });
  },
};

/** Compiles `cube/launch.ts` and its project imports; returns the file to run with `node`. */
export async function compileCubeEntry(): Promise<string> {
  const result = await build({
    entryPoints: [SOURCE],
    outfile: COMPILED_CUBE_ENTRY,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    packages: 'external',
    banner: { js: BANNER },
    plugins: [sourceLocation],
    write: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no output for cube/launch.ts');
  await fs.mkdir(OUT_DIR, { recursive: true });
  const current = await fs.readFile(COMPILED_CUBE_ENTRY, 'utf8').catch(() => null);
  if (current !== output.text) {
    const partial = `${COMPILED_CUBE_ENTRY}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await fs.writeFile(partial, output.text);
    await fs.rename(partial, COMPILED_CUBE_ENTRY);
  }
  return COMPILED_CUBE_ENTRY;
}
