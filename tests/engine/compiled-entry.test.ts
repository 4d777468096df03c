/**
 * Cube runs from `.build/cube/launch.mjs` (cube/engine/compiled-entry.ts), so that file must load
 * under plain `node` — no tsx — with every project module and Cube package it imports, and keep
 * resolving paths (the model folder, Cube's packages) from the sources' own folders.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { COMPILED_CUBE_ENTRY, compileCubeEntry } from '../../cube/engine/compiled-entry';

const run = promisify(execFile);

describe('compiled Cube launcher', () => {
  test('compiles to one file that plain node loads, up to its database check', async () => {
    const entry = await compileCubeEntry();
    expect(entry).toBe(COMPILED_CUBE_ENTRY);
    const text = await fs.readFile(entry, 'utf8');
    // Project sources are bundled; Cube's packages stay imports from node_modules.
    expect(text).toContain('// cube/engine/native-free.ts');
    expect(text).not.toContain('node_modules/@cubejs-backend');
    // Outside the banner, every import.meta use was rewritten to its source's location.
    const body = text.slice(text.indexOf('\n', text.indexOf('__sourceFileUrl = ')));
    expect(body).not.toMatch(/import\.meta\.(dirname|url)/);
    expect(body).toContain('MODEL_DIR = path');
    const { DATABASE_URL: _url, ...env } = process.env;
    const failed = await run(process.execPath, [entry], {
      env: { ...env, CUBEJS_DB_HOST: '', NODE_OPTIONS: '' },
    }).catch((error: { code?: number; stderr?: string }) => error);
    expect('code' in failed ? failed.code : 0).toBe(2);
    expect('stderr' in failed ? failed.stderr : '').toContain('No database configured');
  }, 60_000);

  test('a second compile of unchanged sources leaves the file as it was', async () => {
    const entry = await compileCubeEntry();
    const before = await fs.stat(entry);
    await compileCubeEntry();
    expect((await fs.stat(entry)).mtimeMs).toBe(before.mtimeMs);
  }, 60_000);
});
