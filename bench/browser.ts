/**
 * Time to data in a real browser, in the bench run itself: the production web app (`next start`,
 * built when stale) against the bench's Cube and data, driven in Debian's Chromium
 * (playwright-core). An admin signs in (demo sign-in), then opens the Analytics tab: the first
 * visit (fresh browser cache, Cube's result cache still empty for the tab's queries: this runs
 * right after the full rollup build), then reloads (browser and Cube caches warm).
 *
 * "Data" is what the e2e times too (lib/time-to-data.ts): the first animation frame in which every
 * widget frame is ready or empty, not busy, with its charts drawn, in the page's clock (ms since
 * navigation start). Navigation does not wait for `load`; the report breaks each visit down into
 * first contentful paint, DOMContentLoaded, hydration and `load`.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CONTEXT_DEFAULTS, launchChromium, signInAsDemoAdmin } from '../lib/chromium';
import {
  E2E_TIMINGS_FILE,
  E2eTimingsSchema,
  installTimeToData,
  readTimeToData,
  type TimeToData,
} from '../lib/time-to-data';
import { buildWeb, spawnWeb, webBuildIsFresh } from '../scripts/lib/web-process';
import type { BenchCube } from './cube';
import { summarize } from './stats';
import type { BrowserReport, Scale } from './types';

const WARM_VISITS = 5;
const PATH = '/admin/analytics';
/**
 * The tab state another admin opens first, on the freshly started web server: it shares no query
 * with the measured (default) state (other timeframe, WoW weeks and section), so the measured
 * first visit still finds Cube's result cache empty for every query it sends.
 */
export const SERVER_WARMUP_PATH = `${PATH}?tf=all&wow=4&section=llm&stf=all`;

/**
 * A browser context as the bench measures in (no animations, en-US, 1280×900), signed in as the
 * demo admin, recording time to data for each navigation.
 */
export async function signedInAdmin(
  browser: Browser,
  base: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(CONTEXT_DEFAULTS);
  const page = await context.newPage();
  await signInAsDemoAdmin(page, base);
  await installTimeToData(context);
  return { context, page };
}

/** Builds the web app when its `.next` is older than its sources (the e2e setup's rule). */
export async function ensureWebBuild(log: (line: string) => void): Promise<void> {
  if (webBuildIsFresh()) return;
  log('Building the web app for the browser timings (next build, once)…');
  const started = performance.now();
  await buildWeb();
  log(`  built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
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
    charts: 0,
    first: null,
    warm: summarize([]),
    warmPhase1: summarize([]),
    warmMedian: null,
    serverFirst: null,
    loadAverage: os.loadavg()[0] ?? 0,
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
    // A deployed web server has rendered the tab before an admin's first visit: the first request
    // a fresh `next start` serves pays once per process for instantiating the route's modules and
    // for code V8 has not optimised yet (bench/first-visit.ts separates it). Another admin's
    // visit of a disjoint tab state takes that cost, reported on its own.
    const { context: other, page: otherPage } = await signedInAdmin(browser, base);
    await otherPage.goto(`${base}${SERVER_WARMUP_PATH}`, { waitUntil: 'commit' });
    const serverFirst = await readTimeToData(otherPage);
    await other.close();
    const { context, page } = await signedInAdmin(browser, base);
    await page.goto(`${base}${PATH}`, { waitUntil: 'commit' });
    const first = await readTimeToData(page);
    const warm: TimeToData[] = [];
    for (let i = 0; i < WARM_VISITS; i++) {
      await page.reload({ waitUntil: 'commit' });
      warm.push(await readTimeToData(page));
    }
    const report: BrowserReport = {
      ...empty,
      widgets: first.widgets,
      charts: first.charts,
      first,
      warm: summarize(warm.map((v) => v.dataMs)),
      warmPhase1: summarize(warm.map((v) => v.phase1Ms)),
      warmMedian: medianVisit(warm),
      serverFirst,
      loadAverage: os.loadavg()[0] ?? 0,
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

/** The visit whose time to data is the median (the upper one of an even count). */
export function medianVisit(visits: readonly TimeToData[]): TimeToData | null {
  return [...visits].sort((a, b) => a.dataMs - b.dataMs)[Math.floor(visits.length / 2)] ?? null;
}

/**
 * The last e2e run's time to data (small scale, its own date), labelled as such; null when there
 * is no file or it predates the in-page probe. Never as good as measuring here: other data,
 * other machine load.
 */
export async function readE2eTimings(file = E2E_TIMINGS_FILE): Promise<BrowserReport | null> {
  const text = await fs.readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  const parsed = E2eTimingsSchema.safeParse(JSON.parse(text));
  if (!parsed.success) return null;
  const t = parsed.data;
  return {
    source: `e2e timings file ${path.relative(path.resolve(import.meta.dirname, '..'), file)}`,
    measuredAt: t.measuredAt,
    scale: 'small',
    url: t.url,
    widgets: t.cold.widgets,
    charts: t.cold.charts,
    first: t.cold,
    warm: summarize(t.warm.map((v) => v.dataMs)),
    warmPhase1: summarize(t.warm.map((v) => v.phase1Ms)),
    warmMedian: medianVisit(t.warm),
    loadAverage: t.loadAverage,
  };
}
