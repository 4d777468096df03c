/**
 * The embed in a second host: examples/host-admin (its own layout and stub sign-in) is built
 * (only when stale) and started against the e2e stack's Cube. Its sign-in leads to the mounted
 * tab, whose Phase 1 widgets and default section equal the SQL oracles; its own route handler
 * returns the server function's typed result; no session gets the host's own refusal; each
 * misconfiguration is one message inside the live host page; its client bundle holds no secret.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
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
const HOST = path.join(ROOT, 'examples', 'host-admin');
const NEXT_BIN = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const HOST_URL = `http://localhost:${e2e.hostAdminPort}`;
const db = createOracle(e2e.pg);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.next' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** The host build is fresh when newer than its own sources and the web folder it embeds. */
function hostBuildIsFresh(): boolean {
  const buildId = path.join(HOST, '.next', 'BUILD_ID');
  if (!fs.existsSync(buildId)) return false;
  const built = fs.statSync(buildId).mtimeMs;
  return built >= newestMtime(HOST) && built >= newestMtime(path.join(ROOT, 'web'));
}

let browser: Browser;
let host: Child | undefined;

beforeAll(async () => {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  if (!hostBuildIsFresh()) {
    // Built with the secret in its environment, as a host's server has it: the bundle scan
    // below then shows that nothing inlines it into the browser's code.
    const build = startChild('host build', process.execPath, [NEXT_BIN, 'build', HOST], {
      env: { ...env, CUBEJS_API_SECRET: e2e.cubeApiSecret },
      quiet: true,
    });
    const code = await build.exited;
    if (code !== 0)
      throw new Error(
        `next build examples/host-admin failed: ${build.recentOutput().slice(-15).join('\n')}`,
      );
  }
  await assertPortFree(e2e.hostAdminPort, 'TEST_E2E_HOST_PORT');
  host = startChild(
    'host-admin',
    process.execPath,
    [NEXT_BIN, 'start', HOST, '-p', String(e2e.hostAdminPort)],
    {
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
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await db.end();
});

describe.sequential('the example host admin', () => {
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
    const page = await context.newPage();
    await page.goto(`${HOST_URL}/sign-in`);
    await page.click('[data-testid=acme-sign-in] button');
    await page.waitForURL((url) => url.pathname === '/admin/analytics');
    const now = Date.now();
    const settled = await waitForDashboard(page, DEFAULT_TIMEFRAME);
    expect(Object.keys(settled.states).sort()).toEqual([...PHASE1_WIDGETS].sort());
    expect(await page.isVisible('[data-testid=acme-header]')).toBe(true);
    // The host's theme reached the tab through its CSS variable.
    const accent = await page.$eval('[data-testid=admin-analytics]', (el) =>
      getComputedStyle(el).getPropertyValue('--accent').trim(),
    );
    expect(accent).toBe('#0f766e');
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
    const page = await context.newPage();
    await page.goto(`${HOST_URL}/sign-in`);
    await page.click('[data-testid=acme-sign-in] button');
    await page.waitForURL((url) => url.pathname === '/admin/analytics');
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
