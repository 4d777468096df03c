/**
 * The embed as a host installs it: packages/embed is built and packed (`npm pack`), the template
 * examples/host-admin is copied to a temporary folder outside this repository (its own
 * package.json, tsconfig and stylesheet; no path to our sources or node_modules), the tarball is
 * installed there with npm beside the host's own Next.js and React, and the host is built with
 * `next build` and started against the e2e stack's Cube. Its stub sign-in leads to the mounted
 * tab, whose Phase 1 widgets and default section equal the SQL oracles; its own route handler
 * returns the server function's typed result; no session gets the host's own refusal; each
 * misconfiguration is one message inside the live host page; without any stylesheet the tab
 * still shows its data; its client bundle holds no secret.
 *
 * `HOST_NEXT_VERSION` / `HOST_REACT_VERSION` install other versions into the host (the lowest
 * of the package's peer ranges, run by hand; docs/embedding.md records the result).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type Child, startChild, waitForHttp } from '../../lib/child';
import { assertPortFree } from '../../lib/ports';
import { leaderboardOracle } from '../../oracles/pages';
import { topTemplatesSchema } from '../../web/lib/analytics/schemas';
import { DEFAULT_SECTION, SECTIONS } from '../../web/lib/analytics/sections';
import { DEFAULT_TIMEFRAME, DEFAULT_WOW_WEEKS } from '../../web/lib/timeframe';
import { createOracle } from '../support/oracle';
import { CONTEXT_DEFAULTS, launchChromium, PHASE1_WIDGETS, waitForDashboard } from './browser';
import { expectPhase1Oracles } from './phase1-view';
import { expectSectionOracle } from './section-view';

const e2e = inject('e2e');
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PACKAGE = path.join(ROOT, 'packages', 'embed');
const TEMPLATE = path.join(ROOT, 'examples', 'host-admin');
const HOST_URL = `http://localhost:${e2e.hostAdminPort}`;
const db = createOracle(e2e.pg);

/** The host's folder, outside the repository (removed after the run). */
const HOST = fs.mkdtempSync(path.join(os.tmpdir(), 'acme-admin-'));

async function run(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = HOST,
) {
  const child = startChild(name, command, args, { env, cwd, quiet: true });
  const code = await child.exited;
  if (code !== 0) throw new Error(`${name} failed:\n${child.recentOutput().slice(-25).join('\n')}`);
  return child.recentOutput();
}

/** Copies the template and points its `@admin-analytics/embed` dependency at the tarball. */
function writeHost(tarball: string): void {
  fs.cpSync(TEMPLATE, HOST, {
    recursive: true,
    filter: (src) => !/(^|\/)(node_modules|\.next|next-env\.d\.ts)$/.test(src),
  });
  const manifestPath = path.join(HOST, 'package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
    dependencies: Record<string, string>;
  };
  manifest.dependencies['@admin-analytics/embed'] = `file:${tarball}`;
  const { HOST_NEXT_VERSION, HOST_REACT_VERSION } = process.env;
  if (HOST_NEXT_VERSION) manifest.dependencies.next = HOST_NEXT_VERSION;
  if (HOST_REACT_VERSION) {
    manifest.dependencies.react = HOST_REACT_VERSION;
    manifest.dependencies['react-dom'] = HOST_REACT_VERSION;
  }
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
}

/** Through the host's own stub sign-in, which lands on the tab. */
async function signedIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${HOST_URL}/sign-in`);
  await page.click('[data-testid=acme-sign-in] button');
  await page.waitForURL((url) => url.pathname === '/admin/analytics');
  return page;
}

let browser: Browser;
let host: Child | undefined;

beforeAll(async () => {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  const started = Date.now();
  await run(
    'embed build',
    process.execPath,
    ['--import', 'tsx', path.join(PACKAGE, 'build.ts')],
    env,
    ROOT,
  );
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', HOST], {
      cwd: PACKAGE,
      encoding: 'utf8',
    }),
  ) as Array<{ filename: string; size: number; unpackedSize: number; entryCount: number }>;
  if (!packed) throw new Error('npm pack made no tarball');
  const tarball = path.join(HOST, packed.filename);
  writeHost(tarball);
  // The npm cache answers when it can (CI's `npm ci` filled it with the same versions).
  const install = await run(
    'host npm install',
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund'],
    env,
  );
  const installed = Date.now();
  // Built with the secret in its environment, as a host's server has it: the bundle scan
  // below then shows that nothing inlines it into the browser's code.
  const nextBin = path.join(HOST, 'node_modules', 'next', 'dist', 'bin', 'next');
  await run('host next build', process.execPath, [nextBin, 'build'], {
    ...env,
    CUBEJS_API_SECRET: e2e.cubeApiSecret,
  });
  console.log(
    `embed ${packed.filename}: ${(packed.size / 1024).toFixed(1)} kB packed, ` +
      `${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked, ${packed.entryCount} files; ` +
      `pack + install ${((installed - started) / 1000).toFixed(1)} s, ` +
      `host next build ${((Date.now() - installed) / 1000).toFixed(1)} s` +
      `${install.some((line) => /peer/i.test(line)) ? `\nnpm: ${install.join('\n')}` : ''}`,
  );
  await assertPortFree(e2e.hostAdminPort, 'TEST_E2E_HOST_PORT');
  host = startChild(
    'host-admin',
    process.execPath,
    [nextBin, 'start', '-p', String(e2e.hostAdminPort)],
    {
      cwd: HOST,
      env: {
        ...env,
        HOST_SESSION_SECRET: randomBytes(24).toString('hex'),
        CUBEJS_API_SECRET: e2e.cubeApiSecret,
        ACME_CUBE_API_URL: e2e.cubeApiUrl,
      },
      quiet: true,
    },
  );
  await waitForHttp(`${HOST_URL}/sign-in`, host, 60_000);
  browser = await launchChromium();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await db.end();
  fs.rmSync(HOST, { recursive: true, force: true });
});

describe.sequential('a host outside the repository, with the packed embed installed', () => {
  test('no session: the host refuses (its own sign-in), page and route handler', async () => {
    const context = await browser.newContext(CONTEXT_DEFAULTS);
    const page = await context.newPage();
    await page.goto(`${HOST_URL}/admin/analytics`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.isVisible('[data-testid=acme-sign-in]')).toBe(true);
    const api = await context.request.get(`${HOST_URL}/api/top-templates`);
    expect(api.status()).toBe(401);
    expect(await api.json()).toStrictEqual({ error: 'Sign in to Acme first' });
    const token = await context.request.get(`${HOST_URL}/api/cube-token`);
    expect(token.status()).toBe(401);
    await context.close();
  });

  test('sign-in → the tab inside the host; Phase 1 and the default section equal SQL; its route handler too', async () => {
    const context = await browser.newContext(CONTEXT_DEFAULTS);
    const page = await signedIn(context);
    const now = Date.now();
    const settled = await waitForDashboard(page, DEFAULT_TIMEFRAME);
    expect(Object.keys(settled.states).sort()).toEqual([...PHASE1_WIDGETS].sort());
    expect(await page.isVisible('[data-testid=acme-header]')).toBe(true);
    // The host's theme reached the tab through its CSS variable.
    const accent = await page.$eval('[data-testid=admin-analytics]', (el) =>
      getComputedStyle(el).getPropertyValue('--accent').trim(),
    );
    expect(accent).toBe('#0f766e');
    if (process.env.HOST_SCREENSHOT) {
      // docs/embedding.md's picture of a themed host (written only when asked for).
      await page.screenshot({ path: process.env.HOST_SCREENSHOT, fullPage: false });
    }
    await expectPhase1Oracles(db, page, DEFAULT_TIMEFRAME, DEFAULT_WOW_WEEKS, now);
    await expectSectionOracle(
      db,
      page,
      DEFAULT_SECTION,
      SECTIONS[DEFAULT_SECTION].defaultTimeframe,
      now,
    );

    const res = await context.request.get(`${HOST_URL}/api/top-templates?tf=30d`);
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { value: unknown; fromPreAggregations: unknown };
    const rows = topTemplatesSchema.parse(body.value);
    const expected = await leaderboardOracle(db, '30d', Date.now());
    expect(rows.map((r) => ({ id: r.id, count: r.usageCount }))).toEqual(expected);
    expect(body.fromPreAggregations).toBe(true);
    const bad = await context.request.get(`${HOST_URL}/api/top-templates?tf=1y`);
    expect(bad.status()).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(
      /getTopTemplates: invalid input/,
    );
    await context.close();
  });

  test('misconfiguration: one message naming it, inside the live host page', async () => {
    const context = await browser.newContext(CONTEXT_DEFAULTS);
    const page = await signedIn(context);
    const cases: Array<[string, RegExp]> = [
      ['no-url', /cubeApiUrl — missing: the Cube REST API URL/],
      ['no-provider', /getToken — missing: pass getToken/],
      ['throws', /The token provider threw: Acme session store is unreachable/],
      ['garbage', /The token provider returned no usable token/],
      ['expired', /The token provider returned an expired token/],
    ];
    for (const [fault, message] of cases) {
      const response = await page.goto(`${HOST_URL}/admin/misconfigured?fault=${fault}`);
      expect(response?.status(), fault).toBe(200);
      const errors = await page.$$eval('[data-testid=embed-error]', (els) =>
        els.map((e) => e.textContent ?? ''),
      );
      expect(errors, fault).toHaveLength(1);
      expect(errors[0], fault).toMatch(message);
      expect(await page.isVisible('[data-testid=acme-alive]'), fault).toBe(true);
      expect(await page.isVisible('[data-testid=acme-header]'), fault).toBe(true);
    }
    await context.close();
  });

  test('a host that forgot the stylesheet: the unstyled tab still shows the same numbers', async () => {
    const context = await browser.newContext(CONTEXT_DEFAULTS);
    await (await signedIn(context)).close();
    const page = await context.newPage();
    // No stylesheet reaches the page at all (theme.css is bundled with the host's own CSS).
    await page.route(/\.css(\?|$)/, (route) => route.abort());
    const scripts: Promise<number>[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script')
        scripts.push(response.body().then((body) => gzipSync(body).length));
    });
    await page.goto(`${HOST_URL}/admin/analytics`, { waitUntil: 'load' });
    const firstLoad = await Promise.all(scripts);
    const now = Date.now();
    const settled = await waitForDashboard(page, DEFAULT_TIMEFRAME);
    expect(Object.keys(settled.states).sort()).toEqual([...PHASE1_WIDGETS].sort());
    const bg = await page.$eval('[data-testid=admin-analytics]', (el) =>
      getComputedStyle(el).getPropertyValue('--bg'),
    );
    expect(bg).toBe('');
    await expectPhase1Oracles(db, page, DEFAULT_TIMEFRAME, DEFAULT_WOW_WEEKS, now);
    console.log(
      `host /admin/analytics first-load JS: ${firstLoad.length} scripts, ` +
        `${(firstLoad.reduce((a, b) => a + b, 0) / 1024).toFixed(1)} kB gzipped (by the load event)`,
    );
    await context.close();
  });

  test("the host's client bundle holds neither the Cube secret nor its name", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.js')) files.push(full);
      }
    };
    walk(path.join(HOST, '.next', 'static'));
    expect(files.length).toBeGreaterThan(0);
    const leaks = files.filter((f) => {
      const text = fs.readFileSync(f, 'utf8');
      return text.includes('CUBEJS_API_SECRET') || text.includes(e2e.cubeApiSecret);
    });
    expect(leaks).toEqual([]);
  });
});
