/**
 * Admin → Analytics in Chromium against the seeded stack of tests/setup/global-e2e.ts: sign-in,
 * time to data (cold and warm), every chip's numbers against hand-written SQL, the URL as the
 * view state, bad links, the 403 for non-admins, the server-rendered first paint, and that every
 * query the browser sent was answered from a pre-aggregation.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import {
  describeTimeToData,
  E2E_TIMINGS_FILE,
  type E2eTimings,
  installTimeToData,
  readTimeToData,
  type TimeToData,
} from '../../lib/time-to-data';
import { phase1Queries, tabQueries, wowQueries } from '../../web/lib/analytics/registry';
import {
  DEFAULT_TIMEFRAME,
  DEFAULT_WOW_WEEKS,
  TIMEFRAMES,
  type Timeframe,
  type WowWeeks,
} from '../../web/lib/timeframe';
import { createOracle } from '../support/oracle';
import {
  CONTEXT_DEFAULTS,
  chartTabStops,
  expectPressed,
  launchChromium,
  PHASE1_WIDGETS,
  readChartDrawingProblems,
  readLeaderboard,
  readSparkline,
  signIn,
  waitForDashboard,
  waitForHydration,
  watchChartDrawings,
} from './browser';
import { type CubeLoad, exactTabQuery, recordCubeLoads, shape, tabShapes } from './cube-loads';
import { expectPhase1Oracles } from './phase1-view';

const e2e = inject('e2e');
const ROOT = path.resolve(import.meta.dirname, '..', '..');
// The server-rendered page as a picture, for a person to look at (the visual suite,
// tests/e2e/visual.test.ts, compares the hydrated page with its baselines).
const SCREENSHOTS = path.join(ROOT, '.data', 'screenshots');
const ANALYTICS = `${e2e.webUrl}/admin/analytics`;
const db = createOracle(e2e.pg);

let browser: Browser;
let adminState: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;
const recorders: ReturnType<typeof recordCubeLoads>[] = [];
/** The fixed-clock run over every chip: its `now` and the /load answers it saw. */
let oracleRun: { now: number; recorder: ReturnType<typeof recordCubeLoads> } | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await db.end();
});

async function newContext(
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; recorder: ReturnType<typeof recordCubeLoads> }> {
  const context = await browser.newContext({ ...CONTEXT_DEFAULTS, ...options });
  const recorder = recordCubeLoads(context);
  recorders.push(recorder);
  return { context, page: await context.newPage(), recorder };
}

function adminSession(): BrowserContextOptions {
  if (!adminState) throw new Error('the admin sign-in test did not run');
  return { storageState: adminState };
}

const expectOracles = (page: Page, timeframe: Timeframe, weeks: WowWeeks, now: number) =>
  expectPhase1Oracles(db, page, timeframe, weeks, now);

const searchParam = (page: Page, key: string) => new URL(page.url()).searchParams.get(key);

describe.sequential('Admin → Analytics in Chromium', () => {
  test('an admin signs in with one click; time to all Phase 1 data, cold and warm', async () => {
    const { context, page } = await newContext();
    await signIn(page, e2e.webUrl, 'admin');
    adminState = await context.storageState();
    const loadsBefore = recorders.reduce((n, r) => n + r.loads.length, 0);

    // Cold: the first /load since Cube started (rollups are built, the result cache is empty),
    // a fresh browser cache and the first render of the route. Navigation returns at the first
    // byte; the probe (lib/time-to-data.ts) times what the page showed, in its own clock.
    await installTimeToData(context);
    await page.goto(ANALYTICS, { waitUntil: 'commit' });
    const cold = await readTimeToData(page);
    const coldSettled = await waitForDashboard(page, DEFAULT_TIMEFRAME);
    expect(coldSettled.states).toEqual(Object.fromEntries(PHASE1_WIDGETS.map((w) => [w, 'ready'])));
    // Warm: reloads (Cube answers from its cache; the browser from its HTTP cache).
    const warm: TimeToData[] = [];
    for (let i = 0; i < 5; i++) {
      await page.reload({ waitUntil: 'commit' });
      warm.push(await readTimeToData(page));
    }
    expect(await page.getAttribute('[data-testid=tab-analytics]', 'aria-current')).toBe('page');

    const warmMedian = [...warm].sort((a, b) => a.dataMs - b.dataMs)[2] as TimeToData;
    const timings: E2eTimings = {
      measuredAt: new Date().toISOString(),
      what: 'navigation start → first frame with every widget showing data (charts drawn), in-page clock',
      url: '/admin/analytics',
      timeframe: DEFAULT_TIMEFRAME,
      cold,
      coldWasFirstCubeLoad: loadsBefore === 0,
      warm,
      cpus: os.cpus().length,
      loadAverage: os.loadavg()[0] ?? 0,
      stackSetupSeconds: e2e.setupSeconds,
    };
    console.log(
      `[e2e] time to data (${DEFAULT_TIMEFRAME}, navigation → every widget showing data): ` +
        `cold ${Math.round(cold.dataMs)} ms, warm ${Math.round(warmMedian.dataMs)} ms ` +
        `(median of ${warm.map((w) => Math.round(w.dataMs)).join(', ')}); ` +
        `${timings.cpus} CPUs, load average ${timings.loadAverage.toFixed(2)}\n` +
        `[e2e]   cold: ${describeTimeToData(cold)}\n` +
        `[e2e]   warm median: ${describeTimeToData(warmMedian)}`,
    );
    await fs.mkdir(path.dirname(E2E_TIMINGS_FILE), { recursive: true });
    await fs.writeFile(E2E_TIMINGS_FILE, `${JSON.stringify(timings, null, 2)}\n`);
    await context.close();
  });

  test('every chip: leaderboard, sparklines and WoW cards equal the SQL oracles', async () => {
    // A viewer east of UTC (+05:30, not a whole hour) and a fixed clock: the page and the SQL
    // agree on `now`, so an hour or day turning mid-test cannot split them.
    const { context, page, recorder } = await newContext({
      ...adminSession(),
      timezoneId: 'Asia/Kolkata',
    });
    const now = Date.now();
    await context.clock.setFixedTime(now);
    oracleRun = { now, recorder };
    await watchChartDrawings(context);

    // Open the tab from another admin page.
    await page.goto(`${e2e.webUrl}/admin/settings`);
    await page.click('[data-testid=tab-analytics]');
    await page.waitForURL((url) => url.pathname === '/admin/analytics');
    await waitForDashboard(page, DEFAULT_TIMEFRAME);
    await expectPressed(page, 'timeframe-chips', DEFAULT_TIMEFRAME);
    await expectPressed(page, 'wow-weeks', String(DEFAULT_WOW_WEEKS));

    for (const timeframe of TIMEFRAMES) {
      await page.click(`[data-testid=timeframe-chips] [data-value="${timeframe}"]`);
      await waitForDashboard(page, timeframe);
      expect(searchParam(page, 'tf')).toBe(timeframe);
      await expectPressed(page, 'timeframe-chips', timeframe);
      await expectOracles(page, timeframe, DEFAULT_WOW_WEEKS, now);
      // Every frame since the page loaded, the chip's transition included: each chart once.
      expect.soft(await readChartDrawingProblems(page), `charts drawn at ${timeframe}`).toEqual([]);
      expect.soft(await chartTabStops(page), `tab stops in charts at ${timeframe}`).toEqual([]);
    }

    // The WoW window selector (2 and 4 weeks), on the last timeframe.
    const last = TIMEFRAMES[TIMEFRAMES.length - 1] as Timeframe;
    for (const weeks of [2, 4] as const) {
      await page.click(`[data-testid=wow-weeks] [data-value="${weeks}"]`);
      await waitForDashboard(page, last, { weeks });
      expect(searchParam(page, 'wow')).toBe(String(weeks));
      expect(searchParam(page, 'tf')).toBe(last);
      await expectPressed(page, 'wow-weeks', String(weeks));
      await expectOracles(page, last, weeks, now);
    }
    await context.close();
  });

  test('the chip round-trips through the URL (click, reload, back)', async () => {
    const { context, page } = await newContext(adminSession());
    await page.goto(`${ANALYTICS}?tf=30d&wow=2`);
    await waitForDashboard(page, '30d', { weeks: 2 });
    await expectPressed(page, 'timeframe-chips', '30d');

    await page.click('[data-testid=timeframe-chips] [data-value="24h"]');
    await waitForDashboard(page, '24h', { weeks: 2 });
    expect(searchParam(page, 'tf')).toBe('24h');
    expect(searchParam(page, 'wow')).toBe('2');

    await page.reload();
    await waitForDashboard(page, '24h', { weeks: 2 });
    await expectPressed(page, 'timeframe-chips', '24h');
    await expectPressed(page, 'wow-weeks', '2');
    expect((await readSparkline(page, 'exports')).bucketCount).toBe(24);

    await page.goBack();
    await waitForDashboard(page, '30d', { weeks: 2 });
    await expectPressed(page, 'timeframe-chips', '30d');
    expect((await readSparkline(page, 'exports')).bucketCount).toBe(30);
    await context.close();
  });

  test('a direct load of every timeframe shows no broken image (thumbnails served by the app)', async () => {
    const { context, page } = await newContext(adminSession());
    for (const timeframe of TIMEFRAMES) {
      await page.goto(`${ANALYTICS}?tf=${timeframe}`);
      await waitForDashboard(page, timeframe);
      await waitForHydration(page);
      // Every image has finished: loaded, or failed (then the monogram replaces it).
      await page.waitForFunction(() => [...document.images].every((img) => img.complete));
      const images = await page.$$eval('img', (imgs) =>
        imgs.map((img) => ({ src: img.getAttribute('src'), naturalWidth: img.naturalWidth })),
      );
      expect(
        images.filter((i) => i.naturalWidth === 0),
        `broken images at ${timeframe}`,
      ).toEqual([]);
      // The seeded thumbnails are real images here, not all placeholders.
      if ((await readLeaderboard(page)).length > 0) {
        expect(images.length, `thumbnails at ${timeframe}`).toBeGreaterThan(0);
      }
    }
    await context.close();
  });

  test('an unknown ?tf= (and ?wow=) falls back to the default with a visible note', async () => {
    const { context, page } = await newContext(adminSession());
    const response = await page.goto(`${ANALYTICS}?tf=bogus&wow=3`);
    expect(response?.status()).toBe(200);
    const settled = await waitForDashboard(page, DEFAULT_TIMEFRAME, { weeks: DEFAULT_WOW_WEEKS });
    expect(Object.values(settled.states)).not.toContain('error');
    await expectPressed(page, 'timeframe-chips', DEFAULT_TIMEFRAME);
    const note = page.locator('[data-testid=timeframe-notice]');
    expect(await note.isVisible()).toBe(true);
    expect(await note.textContent()).toContain('bogus');
    expect(await page.locator('[data-testid=wow-notice]').isVisible()).toBe(true);
    await context.close();
  });

  test('a signed-in non-admin gets the 403 page and no Cube token', async () => {
    const { context, page, recorder } = await newContext();
    await signIn(page, e2e.webUrl, 'member');
    const response = await page.goto(ANALYTICS);
    expect(response?.status()).toBe(403);
    expect(await page.locator('[data-testid=forbidden]').isVisible()).toBe(true);
    expect(await page.locator('[data-testid=analytics-dashboard]').count()).toBe(0);
    const token = await context.request.get(`${e2e.webUrl}/api/cube-token`);
    expect(token.status()).toBe(403);
    expect(await recorder.settle()).toEqual([]);
    await context.close();
  });

  test("the server's HTML alone shows every widget's data, charts drawn (JavaScript off)", async () => {
    const { context, page } = await newContext({ ...adminSession(), javaScriptEnabled: false });
    await page.goto(ANALYTICS);
    const frames = await page.$$eval('[data-state]', (els) =>
      els.map((el) => ({
        id: el.getAttribute('data-testid'),
        state: el.getAttribute('data-state'),
        charts: el.querySelectorAll('[data-chart]').length,
        drawn: el.querySelectorAll('[data-chart] svg :is(path, rect)').length,
      })),
    );
    expect(frames.length).toBeGreaterThan(PHASE1_WIDGETS.length);
    expect(frames.filter((f) => f.state !== 'ready' && f.state !== 'empty')).toEqual([]);
    // The sparklines and the default section's bars, each drawn with at least one mark.
    expect(frames.filter((f) => f.charts > 0).length).toBeGreaterThanOrEqual(4);
    expect(frames.filter((f) => f.charts > 0 && f.drawn === 0)).toEqual([]);
    await page.screenshot({
      path: path.join(SCREENSHOTS, 'analytics-first-paint.png'),
      fullPage: true,
    });
    await context.close();
  });

  test('every query the browser sent is in the registry and answered from a pre-aggregation', async () => {
    const loads: CubeLoad[] = (await Promise.all(recorders.map((r) => r.settle()))).flat();
    expect(loads.length).toBeGreaterThan(0);
    const shapes = tabShapes(Date.now());
    const problems = new Set<string>();
    for (const load of loads) {
      const tabQuery = shapes.get(shape(load.query));
      // Named by the list's entry, else by its shape (dates blanked) so repeats collapse.
      const what = tabQuery?.name ?? shape(load.query);
      if (load.status !== 200 || load.error !== null) {
        problems.add(`${what}: HTTP ${load.status} ${load.error ?? ''}`);
      } else if (!tabQuery) {
        problems.add(`${what}: not in web/lib/analytics/registry.ts (the tab's query list)`);
      } else if (!tabQuery.deliberatelyRaw && load.preAggregations.some((p) => p.length === 0)) {
        problems.add(`${what}: answered from the source tables (no usedPreAggregations)`);
      }
    }
    expect.soft([...problems], 'Cube /load answers the browser got').toEqual([]);

    // The chip run sent exactly the list's queries at its `now` (date ranges included), and
    // every one of Phase 1.
    if (!oracleRun) throw new Error('the chip test did not run');
    const { now, recorder } = oracleRun;
    const unlisted = new Set<string>();
    const sent = new Set<string>();
    for (const load of recorder.loads) {
      const match = exactTabQuery(load.query, now);
      if (match) sent.add(match.name);
      else unlisted.add(JSON.stringify(load.query));
    }
    expect.soft([...unlisted], 'sent by the chip run but not listed at its now').toEqual([]);
    // The first view's queries ran on the web server (data in the first paint, see
    // web/embed/server.ts prefetchTab), so the browser never had to send them.
    const serverRendered = new Set(
      [...phase1Queries(DEFAULT_TIMEFRAME, now), ...wowQueries(DEFAULT_WOW_WEEKS, now)].map(
        (q) => q.name,
      ),
    );
    const phase1 = tabQueries(now).filter((q) => q.phase === 1);
    expect(phase1.length).toBeGreaterThan(0);
    const missing = phase1
      .filter((q) => !sent.has(q.name) && !serverRendered.has(q.name))
      .map((q) => q.name);
    expect(missing, 'Phase 1 queries the chip run never sent').toEqual([]);
  });
});
