/** The Next.js app as a child process: built once (rebuilt when its sources change), then served. */
import fs from 'node:fs';
import path from 'node:path';
import { type Child, startChild, waitForHttp } from '../../lib/child';
import { assertPortFree } from '../../lib/ports';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const WEB = path.join(ROOT, 'web');
const NEXT_BIN = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.next' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** True when `.next` holds a production build at least as new as every source file of the app. */
export function webBuildIsFresh(): boolean {
  const buildId = path.join(WEB, '.next', 'BUILD_ID');
  return fs.existsSync(buildId) && fs.statSync(buildId).mtimeMs >= newestMtime(WEB);
}

export async function buildWeb(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const child = startChild('web build', process.execPath, [NEXT_BIN, 'build', WEB], {
    env: { ...env, NEXT_TELEMETRY_DISABLED: '1' },
    quiet: true,
  });
  const code = await child.exited;
  if (code !== 0)
    throw new Error(`next build failed (exit ${code}); run \`npm run web:build\` to see why`);
}

export type WebProcess = Child & { url: string };

export async function spawnWeb(input: {
  port: number;
  env: NodeJS.ProcessEnv;
  quiet?: boolean;
}): Promise<WebProcess> {
  await assertPortFree(input.port, 'WEB_PORT');
  const child = startChild(
    'web',
    process.execPath,
    [NEXT_BIN, 'start', WEB, '-p', String(input.port)],
    { env: { ...process.env, ...input.env, NEXT_TELEMETRY_DISABLED: '1' }, quiet: input.quiet },
  );
  const url = `http://localhost:${input.port}`;
  try {
    await waitForHttp(`${url}/api/health`, child, 60_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { ...child, url };
}

/**
 * The MCP endpoint on its own plain Node HTTP listener (scripts/mcp-http.ts): the web app's
 * `/api/mcp` handler without the Next.js request pipeline, a few ms less a tool call.
 */
export async function spawnMcp(input: {
  port: number;
  env: NodeJS.ProcessEnv;
  quiet?: boolean;
}): Promise<WebProcess> {
  await assertPortFree(input.port, 'MCP_PORT');
  const child = startChild(
    'mcp',
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'scripts', 'mcp-http.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, ...input.env, MCP_PORT: String(input.port) },
      quiet: input.quiet,
    },
  );
  const url = `http://localhost:${input.port}`;
  try {
    await waitForHttp(`${url}/healthz`, child, 60_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { ...child, url: `${url}/mcp` };
}
