/**
 * Builds @admin-analytics/embed from the sources in place (web/embed and the web/lib,
 * web/components and cube modules it imports): one compiled ES module per source file, so each
 * file's 'use client' directive stays where React's server/client split needs it; relative
 * imports rewritten to the emitted `.js` names; CSS Modules compiled to class-name maps with all
 * their rules appended to theme.css (one stylesheet; without it the tab is unstyled, not
 * broken); `.d.ts` files by tsc. Output: packages/embed/dist (git-ignored). `npm pack` in
 * packages/embed then makes the tarball.
 *
 *   tsx packages/embed/build.ts
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

const PKG_DIR = import.meta.dirname;
const ROOT = path.resolve(PKG_DIR, '..', '..');
const DIST = path.join(PKG_DIR, 'dist');
const ENTRIES = ['web/embed/index.ts', 'web/embed/server.ts'].map((f) => path.join(ROOT, f));
const THEME = path.join(ROOT, 'web', 'embed', 'theme.css');
const pkg = JSON.parse(fs.readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  peerDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};

const isCssModule = (file: string) => file.endsWith('.module.css');

/** Every source file the two entries reach (a bundle pass that only records its inputs). */
async function sourceFiles(): Promise<string[]> {
  const result = await esbuild.build({
    entryPoints: ENTRIES,
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    splitting: true,
    format: 'esm',
    outdir: DIST,
    packages: 'external',
    jsx: 'automatic',
    loader: { '.css': 'local-css' },
    logLevel: 'silent',
  });
  checkDeclared(result.metafile);
  return Object.keys(result.metafile.inputs).map((f) => path.join(ROOT, f));
}

/** A package the sources import but package.json does not declare would fail in the host only. */
function checkDeclared(metafile: esbuild.Metafile): void {
  const declared = new Set([
    ...Object.keys(pkg.dependencies),
    ...Object.keys(pkg.peerDependencies),
  ]);
  const undeclared = new Set<string>();
  for (const input of Object.values(metafile.inputs)) {
    for (const { path: specifier, external } of input.imports) {
      if (!external || specifier.startsWith('.') || specifier.startsWith('node:')) continue;
      const parts = specifier.split('/');
      const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? '');
      if (!declared.has(name)) undeclared.add(name);
    }
  }
  if (undeclared.size > 0)
    throw new Error(
      `packages/embed/package.json declares neither dependency nor peer: ${[...undeclared].join(', ')}`,
    );
}

/** The emitted name of a relative import: `./x` (x.ts, x.tsx or x/index.ts) → `./x.js`. */
function emittedSpecifier(importer: string, specifier: string): string {
  const target = path.resolve(path.dirname(importer), specifier);
  if (isCssModule(target)) return `${specifier}.js`;
  for (const ext of ['.ts', '.tsx']) if (fs.existsSync(target + ext)) return `${specifier}.js`;
  if (fs.existsSync(path.join(target, 'index.ts'))) return `${specifier}/index.js`;
  throw new Error(`${importer}: cannot resolve ${specifier}`);
}

/** Compiles each file on its own: every import stays an import (relative ones renamed). */
const oneFileAtATime: esbuild.Plugin = {
  name: 'one-file-at-a-time',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (!args.path.startsWith('.')) return { path: args.path, external: true };
      return { path: emittedSpecifier(args.importer, args.path), external: true };
    });
  },
};

const peerDefines = {
  __EMBED_NAME__: JSON.stringify(pkg.name),
  __EMBED_VERSION__: JSON.stringify(pkg.version),
  __EMBED_PEERS__: JSON.stringify(pkg.peerDependencies),
};

async function compileScripts(files: string[]): Promise<void> {
  await esbuild.build({
    entryPoints: files,
    absWorkingDir: ROOT,
    outbase: ROOT,
    outdir: DIST,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2023',
    jsx: 'automatic',
    plugins: [oneFileAtATime],
    logLevel: 'warning',
  });
  // The package's own entry files: the peer check, then the shared sources' public modules.
  await esbuild.build({
    entryPoints: ['peers.ts', 'next-peer.ts'].map((f) => path.join(PKG_DIR, 'src', f)),
    outdir: DIST,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2023',
    define: peerDefines,
    plugins: [oneFileAtATime],
    logLevel: 'warning',
  });
  const entries = { index: ['./peers.js'], server: ['./peers.js', './next-peer.js'] };
  for (const [name, checks] of Object.entries(entries)) {
    const js = `${checks.map((c) => `import '${c}';\n`).join('')}export * from './web/embed/${name}.js';\n`;
    fs.writeFileSync(path.join(DIST, `${name}.js`), js);
    fs.writeFileSync(path.join(DIST, `${name}.d.ts`), `export * from './web/embed/${name}';\n`);
  }
}

/** CSS Modules → `x.module.css.js` class maps (one build, so names never collide) + theme.css. */
async function compileStyles(modules: string[]): Promise<void> {
  const result = await esbuild.build({
    entryPoints: modules.map((file) => ({
      in: `css-module:${file}`,
      out: path.relative(ROOT, file),
    })),
    absWorkingDir: ROOT,
    outdir: DIST,
    bundle: true,
    format: 'esm',
    metafile: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'css-module-map',
        setup(build) {
          build.onResolve({ filter: /^css-module:/ }, (args) => ({
            path: args.path.slice('css-module:'.length),
            namespace: 'css-module',
          }));
          build.onLoad({ filter: /.*/, namespace: 'css-module' }, (args) => ({
            contents: `export { default } from ${JSON.stringify(args.path)};`,
            resolveDir: path.dirname(args.path),
            loader: 'js',
          }));
        },
      },
    ],
    loader: { '.css': 'local-css' },
  });
  const rules: string[] = [fs.readFileSync(THEME, 'utf8')];
  for (const out of Object.keys(result.metafile.outputs).sort()) {
    const full = path.join(ROOT, out);
    if (!out.endsWith('.css')) continue;
    rules.push(fs.readFileSync(full, 'utf8'));
    fs.rmSync(full);
  }
  fs.writeFileSync(path.join(DIST, 'theme.css'), rules.join('\n'));
}

/** `.d.ts` for every source file (tsc follows the entries' imports; CSS types from Next's). */
function emitTypes(): void {
  // Written inside dist (git-ignored), so a lint or git run beside a build never sees it.
  const tsconfig = path.join(DIST, 'tsconfig.types.json');
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(ROOT, 'web', 'tsconfig.json'),
      compilerOptions: {
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        rootDir: ROOT,
        outDir: DIST,
        plugins: [],
      },
      files: [...ENTRIES, path.join(ROOT, 'web', 'next-types.d.ts')],
      include: [],
    }),
  );
  try {
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', tsconfig], { stdio: 'inherit' });
  } finally {
    fs.rmSync(tsconfig);
  }
}

function checkPeerRanges(): void {
  for (const [peer, range] of Object.entries(pkg.peerDependencies)) {
    if (['react', 'next'].includes(peer) && !/^>=\d+(\.\d+)*\s+<\d+$/.test(range))
      throw new Error(`${peer}: src/peers.ts checks ranges of the form ">=A <B", got "${range}"`);
  }
}

checkPeerRanges();
fs.rmSync(DIST, { recursive: true, force: true });
const files = await sourceFiles();
const scripts = files.filter((f) => /\.tsx?$/.test(f));
await compileScripts(scripts);
await compileStyles(files.filter(isCssModule));
emitTypes();
console.log(`${pkg.name}@${pkg.version}: ${scripts.length} modules → ${path.relative(ROOT, DIST)}`);
