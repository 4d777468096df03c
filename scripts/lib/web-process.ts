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

type ServeInput = { port: number; env: NodeJS.ProcessEnv; quiet?: boolean };

/** A Node child serving HTTP on `port`, once `healthPath` answers (stopped if it never does). */
async function spawnServing(
  name: string,
  portVariable: string,
  args: string[],
  input: ServeInput & { healthPath: string; cwd?: string },
): Promise<Child> {
  await assertPortFree(input.port, portVariable);
  const child = startChild(name, process.execPath, args, {
    ...(input.cwd ? { cwd: input.cwd } : {}),
    env: input.env,
    quiet: input.quiet,
  });
  try {
    await waitForHttp(`http://localhost:${input.port}${input.healthPath}`, child, 60_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return child;
}

export async function spawnWeb(input: ServeInput): Promise<WebProcess> {
  const child = await spawnServing(
    'web',
    'WEB_PORT',
    [NEXT_BIN, 'start', WEB, '-p', String(input.port)],
    {
      ...input,
      env: { ...process.env, ...input.env, NEXT_TELEMETRY_DISABLED: '1' },
      healthPath: '/api/health',
    },
  );
  return { ...child, url: `http://localhost:${input.port}` };
}

/**
 * The MCP endpoint on its own plain Node HTTP listener (scripts/mcp-http.ts): the web app's
 * `/api/mcp` handler without the Next.js request pipeline, a few ms less a tool call.
 */
export async function spawnMcp(input: ServeInput): Promise<WebProcess> {
  const args = ['--import', 'tsx', path.join(ROOT, 'scripts', 'mcp-http.ts')];
  const child = await spawnServing('mcp', 'MCP_PORT', args, {
    ...input,
    cwd: ROOT,
    env: { ...process.env, ...input.env, MCP_PORT: String(input.port) },
    healthPath: '/healthz',
  });
  return { ...child, url: `http://localhost:${input.port}/mcp` };
}
