/**
 * docker-compose.yml cannot run here (no Docker engine), so it is checked by the tools that can:
 * `docker-compose config` validates and resolves it (anchors, variables), and each service's
 * environment is held against the code it runs: no variable that code never reads, none it needs
 * missing (database, secrets, the web app's sign-in, the Cube roles of cube/roles.ts). Commands
 * must be package.json scripts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { readCubeEnv } from '../../cube/env';
import { roleEnv, roleFromEnv, splitPorts } from '../../cube/roles';
import { configuredDatabase } from '../../db/connection';
import { accountByKey } from '../../web/lib/auth/accounts';
import { cubeApiSecret, demoLoginEnabled, sessionSecret } from '../../web/lib/env';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The variables docs/scaling-out.md documents for compose (values are placeholders of valid shape). */
const DOCUMENTED = {
  POSTGRES_PASSWORD: 'postgres-password',
  CUBEJS_API_SECRET: 'a-cube-api-secret-of-32-characters',
  CUBEJS_SQL_PASSWORD: 'sql-password',
  SESSION_SECRET: 'a-session-secret-of-32-characters',
  ADMIN_EMAIL: 'admin@company.example',
  ADMIN_PASSWORD: 'first-admin-password',
};

function compose(args: string[], env: Record<string, string>) {
  const { PATH, HOME } = process.env;
  return spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...args], {
    cwd: ROOT,
    env: { PATH, HOME, ...env },
    encoding: 'utf8',
  });
}

const serviceSchema = z
  .object({
    build: z.unknown().optional(),
    image: z.string().optional(),
    command: z.array(z.string()).optional(),
    environment: z.record(z.string(), z.string().nullable()).optional(),
  })
  .loose();
const configSchema = z.object({ services: z.record(z.string(), serviceSchema) }).loose();

function resolvedConfig() {
  const result = compose(['config'], DOCUMENTED);
  expect(result.status, result.stderr).toBe(0);
  // docker-compose prints YAML; its own Python YAML module turns it into JSON.
  const json = execFileSync(
    'python3',
    ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'],
    { input: result.stdout, encoding: 'utf8' },
  );
  return configSchema.parse(JSON.parse(json)).services;
}

function sources(dir: string): string {
  let text = '';
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.name === 'node_modules' || entry.name === '.next') continue;
    if (entry.isDirectory()) text += sources(rel);
    else if (/\.(ts|tsx)$/.test(entry.name) && !entry.name.includes('.test.'))
      text += fs.readFileSync(path.join(ROOT, rel), 'utf8');
  }
  return text;
}

/** Names Cube itself reads from the environment (its env module). */
const cubeOwn = new Set(
  fs
    .readFileSync(path.join(ROOT, 'node_modules/@cubejs-backend/shared/dist/src/env.js'), 'utf8')
    .match(/CUBEJS_[A-Z0-9_]+/g),
);
const readBy = (text: string) => (name: string) =>
  new RegExp(`\\b${name}\\b`).test(text) || cubeOwn.has(name);

const scripts = z
  .object({ scripts: z.record(z.string(), z.string()) })
  .parse(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))).scripts;

function env(service: z.infer<typeof serviceSchema> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service?.environment ?? {}).map(([k, v]) => [k, v ?? '']),
  );
}

describe('docker-compose.yml', () => {
  test('validates with the documented variables, and names a missing one', () => {
    const valid = compose(['config', '-q'], DOCUMENTED);
    expect(valid.status, valid.stderr).toBe(0);
    const { ADMIN_PASSWORD: _left, ...withoutAdmin } = DOCUMENTED;
    const invalid = compose(['config', '-q'], withoutAdmin);
    expect(invalid.status).not.toBe(0);
    expect(invalid.stderr).toContain('set ADMIN_PASSWORD');
  });

  const services = resolvedConfig();
  const ours = Object.entries(services).filter(([, service]) => service.build !== undefined);
  const code = {
    migrate: readBy(sources('db')),
    cube_api: readBy(sources('cube') + sources('db')),
    cube_refresh_worker: readBy(sources('cube') + sources('db')),
    web: readBy(sources('web')),
  } as Record<string, (name: string) => boolean>;

  test('every service built from this repo is known here, and runs a package.json script', () => {
    expect(ours.map(([name]) => name).sort()).toEqual(Object.keys(code).sort());
    for (const [name, service] of ours) {
      const [npm, run, script] = service.command ?? [];
      expect([npm, run], name).toEqual(['npm', 'run']);
      expect(scripts[script ?? ''], `${name}: npm run ${script}`).toBeDefined();
    }
  });

  test('no service gets a variable its code never reads', () => {
    for (const [name, service] of ours) {
      const reads = code[name] as (variable: string) => boolean;
      const unread = Object.keys(env(service)).filter((variable) => !reads(variable));
      expect(unread, name).toEqual([]);
    }
  });

  test('each service gets what its code needs', () => {
    expect(configuredDatabase(env(services.migrate))).not.toBeNull();

    const api = env(services.cube_api);
    expect(api).toMatchObject(roleEnv('api'));
    expect(roleFromEnv(api)).toBe('api');
    expect(configuredDatabase(api)).not.toBeNull();
    expect(readCubeEnv(api).apiSecret).toBe(DOCUMENTED.CUBEJS_API_SECRET);

    const worker = env(services.cube_refresh_worker);
    expect(worker).toMatchObject(roleEnv('refresh-worker'));
    expect(roleFromEnv(worker)).toBe('refresh-worker');
    expect(worker.CUBE_PORT).toBe(String(splitPorts(4000).worker));
    expect(readCubeEnv(worker).apiSecret).toBe(DOCUMENTED.CUBEJS_API_SECRET);

    // The web app: secrets it throws without, and a way to sign in (no demo sign-in here).
    const web = env(services.web);
    expect(cubeApiSecret(web)).toBe(DOCUMENTED.CUBEJS_API_SECRET);
    expect(sessionSecret(web)).toBe(DOCUMENTED.SESSION_SECRET);
    expect(demoLoginEnabled(web)).toBe(false);
    expect(accountByKey('admin', web)).toMatchObject({
      email: DOCUMENTED.ADMIN_EMAIL,
      password: DOCUMENTED.ADMIN_PASSWORD,
    });
  });

  test('long-running services restart when they exit; Cube and the web app report health', () => {
    const runtime = z.object({
      restart: z.string().optional(),
      healthcheck: z
        .object({ test: z.array(z.string()) })
        .loose()
        .optional(),
      depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
    });
    const oneShot = new Set(['migrate']);
    for (const [name, service] of Object.entries(services)) {
      const { restart } = runtime.parse(service);
      expect(restart, name).toBe(oneShot.has(name) ? undefined : 'unless-stopped');
    }
    // Each probe asks the port that service listens on for its health route.
    const probes = {
      cube_api: 'http://localhost:4000/readyz',
      cube_refresh_worker: `http://localhost:${splitPorts(4000).worker}/livez`,
      web: 'http://localhost:3000/api/health',
    };
    for (const [name, url] of Object.entries(probes)) {
      const test = runtime.parse(services[name]).healthcheck?.test ?? [];
      expect(test.slice(0, 3), name).toEqual(['CMD', 'node', '-e']);
      expect(test[3], name).toContain(`fetch('${url}')`);
    }
    expect(runtime.parse(services.web).depends_on?.cube_api?.condition).toBe('service_healthy');
  });

  test('the Dockerfile runs only package.json scripts', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const runs = [...dockerfile.matchAll(/^(?:RUN|CMD)\s+(.+)$/gm)].map((m) => m[1] ?? '');
    expect(runs.filter((line) => /\bnpx\b/.test(line))).toEqual([]);
    for (const line of runs) {
      const script = /npm run ([\w:-]+)/.exec(line)?.[1];
      if (script) expect(scripts[script], line).toBeDefined();
      else expect(line).toMatch(/^npm ci\b/);
    }
  });
});
