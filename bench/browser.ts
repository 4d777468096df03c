/**
 * Time to data in a real browser, in the bench run itself: the production web app (`next start`,
 * built when stale) against the bench's Cube and data, driven in Debian's Chromium
 * (playwright-core). An admin signs in (demo sign-in), then opens the Analytics tab: the first
 * visit (fresh browser cache, Cube's result cache still empty for the tab's queries: this runs
 * right after the full rollup build), then reloads (browser and Cube caches warm).
 *
 * "Data" is the page's own signal: every widget frame (`[data-state]`) ready or empty and not
 * busy, read with the page's clock (`performance.now()`, ms since navigation start). The Phase 1
 * row alone (inside `analytics-dashboard`) is reported too: it is what the e2e timed before.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../lib/chromium';
import { buildWeb, spawnWeb, webBuildIsFresh } from '../scripts/lib/web-process';
import type { BenchCube } from './cube';
import { summarize } from './stats';
import type { BrowserReport, Scale } from './types';

const WARM_VISITS = 5;
const PATH = '/admin/analytics';

/** Builds the web app when its `.next` is older than its sources (the e2e setup's rule). */
export async function ensureWebBuild(log: (line: string) => void): Promise<void> {
  if (webBuildIsFresh()) return;
  log('Building the web app for the browser timings (next build, once)…');
  const started = performance.now();
  await buildWeb();
  log(`  built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

type Visit = {
  atMs: number;
  phase1Ms: number;
  shellMs: number;
  tokenEndMs: number | null;
  cubeLoads: number;
  widgets: number;
};

/**
 * Waits until every widget frame on the page has settled; fails on a widget error. The predicate
 * runs in the page on every animation frame. It declares no named inner function: tsx (esbuild
 * keepNames) would wrap one in a `__name` call the page does not define, and the page's CSP
 * forbids evaluating a string instead.
 */
async function settle(page: Page): Promise<Visit> {
  const handle = await page.waitForFunction(
    () => {
      const w = window as unknown as { __benchPhase1?: number };
      const dashboard = document.querySelector('[data-testid=analytics-dashboard]');
      if (!dashboard) return false;
      // Per frame: 'error' | 'waiting' | 'done'; Phase 1 frames are those inside the dashboard.
      const all = [...document.querySelectorAll('[data-state]')];
      let phase1Done = true;
      let allDone = all.length > 0;
      for (const el of all) {
        const state = el.getAttribute('data-state');
        if (state === 'error') return { error: `error: ${el.getAttribute('data-testid')}` };
        const waiting =
          el.getAttribute('aria-busy') === 'true' || (state !== 'ready' && state !== 'empty');
        if (waiting) {
          allDone = false;
          if (dashboard.contains(el)) phase1Done = false;
        }
      }
      if (phase1Done && w.__benchPhase1 === undefined) w.__benchPhase1 = performance.now();
      if (!allDone) return false;
      const navigation = performance.getEntriesByType('navigation')[0] as
        | PerformanceNavigationTiming
        | undefined;
      const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const token = resources.filter((r) => r.name.includes('/api/cube-token'));
      const loads = resources.filter((r) => new URL(r.name).pathname.endsWith('/load'));
      return {
        atMs: performance.now(),
        phase1Ms: w.__benchPhase1 ?? performance.now(),
        shellMs: navigation?.domContentLoadedEventEnd ?? Number.NaN,
        tokenEndMs: token.length ? Math.min(...token.map((r) => r.responseEnd)) : null,
        cubeLoads: loads.length,
        widgets: all.length,
      };
    },
    undefined,
    { polling: 'raf', timeout: 120_000 },
  );
  const result = (await handle.jsonValue()) as Visit | { error: string };
  if ('error' in result) throw new Error(`a widget failed (${result.error})`);
  return result;
}

/**
 * Serves the web app on `port` against `cube` (whose CORS must allow `http://localhost:<port>`),
 * signs in and times the tab. Never throws: a failure is reported in the result.
 */
export async function measureBrowser(
  cube: BenchCube,
  input: { port: number; scale: Scale; log: (line: string) => void },
): Promise<BrowserReport> {
  const measuredAt = new Date().toISOString();
  const base = `http://localhost:${input.port}`;
  const empty: BrowserReport = {
    source: 'bench',
    measuredAt,
    scale: input.scale,
    url: PATH,
    widgets: 0,
    firstMs: Number.NaN,
    firstPhase1Ms: Number.NaN,
    firstShellMs: Number.NaN,
    firstTokenEndMs: null,
    firstCubeLoads: 0,
    warm: summarize([]),
    warmPhase1: summarize([]),
    warmShellMs: Number.NaN,
    warmCubeLoads: 0,
  };
  let web: Awaited<ReturnType<typeof spawnWeb>> | undefined;
  let browser: Browser | undefined;
  try {
    web = await spawnWeb({
      port: input.port,
      quiet: true,
      env: {
        SESSION_SECRET: randomBytes(24).toString('hex'),
        CUBEJS_API_SECRET: cube.apiSecret,
        CUBE_PUBLIC_API_URL: cube.apiUrl,
        DEMO_LOGIN: '1',
      },
    });
    browser = await launchChromium();
    const context = await browser.newContext({
      reducedMotion: 'reduce',
      locale: 'en-US',
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    await page.goto(`${base}/sign-in?next=${encodeURIComponent('/admin/settings')}`);
    await page.click('[data-testid=demo-sign-in-admin]');
    await page.waitForURL((url) => url.pathname === '/admin/settings');

    await page.goto(`${base}${PATH}`);
    const first = await settle(page);
    const warm: Visit[] = [];
    for (let i = 0; i < WARM_VISITS; i++) {
      await page.reload();
      warm.push(await settle(page));
    }
    const median = [...warm].sort((x, y) => x.atMs - y.atMs)[Math.floor(warm.length / 2)];
    const report: BrowserReport = {
      ...empty,
      widgets: first.widgets,
      firstMs: first.atMs,
      firstPhase1Ms: first.phase1Ms,
      firstShellMs: first.shellMs,
      firstTokenEndMs: first.tokenEndMs,
      firstCubeLoads: first.cubeLoads,
      warm: summarize(warm.map((v) => v.atMs)),
      warmPhase1: summarize(warm.map((v) => v.phase1Ms)),
      warmShellMs: median?.shellMs ?? Number.NaN,
      warmCubeLoads: median?.cubeLoads ?? 0,
    };
    await context.close();
    return report;
  } catch (error) {
    return { ...empty, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await browser?.close().catch(() => undefined);
    await web?.stop().catch(() => undefined);
  }
}

/** The e2e's own timings (`tests/e2e/analytics.test.ts` writes them), when the bench drove no browser. */
export const E2E_TIMINGS_FILE = path.resolve(
  import.meta.dirname,
  '..',
  '.data',
  'e2e-timings.json',
);

/**
 * The last e2e run's time to data (Phase 1 row, small scale, its own date), labelled as such; null
 * when there is no file. Never as good as measuring here: other data, other machine load.
 */
export async function readE2eTimings(file = E2E_TIMINGS_FILE): Promise<BrowserReport | null> {
  const text = await fs.readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  const t = JSON.parse(text) as {
    measuredAt: string;
    url: string;
    coldMs: number;
    coldShellMs: number;
    coldNetwork?: { tokenEndMs: number | null; cubeLoads: number };
    warmMs: number[];
    warmMedianShellMs: number;
    warmMedianNetwork?: { cubeLoads: number };
  };
  return {
    source: `e2e timings file ${path.relative(path.resolve(import.meta.dirname, '..'), file)}`,
    measuredAt: t.measuredAt,
    scale: 'small',
    url: t.url,
    widgets: 6,
    firstMs: t.coldMs,
    firstPhase1Ms: t.coldMs,
    firstShellMs: t.coldShellMs,
    firstTokenEndMs: t.coldNetwork?.tokenEndMs ?? null,
    firstCubeLoads: t.coldNetwork?.cubeLoads ?? 0,
    warm: summarize(t.warmMs),
    warmPhase1: summarize(t.warmMs),
    warmShellMs: t.warmMedianShellMs,
    warmCubeLoads: t.warmMedianNetwork?.cubeLoads ?? 0,
  };
}
