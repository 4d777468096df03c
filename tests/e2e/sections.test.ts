/**
 * The six Phase 2 sections in Chromium against the seeded stack of tests/setup/global-e2e.ts:
 * time to all data per section (first visit and warm), every number of every widget at every
 * timeframe a section offers against hand-written SQL (oracles/pages.ts), the release drill-down,
 * the URL round trip, keyboard reach and bad links (their look: tests/e2e/visual.test.ts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { installTimeToData, readTimeToData, type TimeToData } from '../../lib/time-to-data';
import { SECTION_IDS, SECTIONS, type SectionId } from '../../web/lib/analytics/sections';
import { TIMEFRAMES, type WindowTimeframe } from '../../web/lib/timeframe';
import { createOracle } from '../support/oracle';
import {
  CONTEXT_DEFAULTS,
  chartTabStops,
  launchChromium,
  readChartDrawingProblems,
  signIn,
  tabStopsWithoutFocusStyle,
  waitForDashboard,
  waitForHydration,
  watchChartDrawings,
} from './browser';
import { expectSectionOracle as expectSectionOracleOn, waitForSection } from './section-view';

const e2e = inject('e2e');
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TIMINGS_FILE = path.join(ROOT, '.data', 'e2e-section-timings.json');
const ANALYTICS = `${e2e.webUrl}/admin/analytics`;
const db = createOracle(e2e.pg);

let browser: Browser;
let adminState: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  const context = await browser.newContext(CONTEXT_DEFAULTS);
  await signIn(await context.newPage(), e2e.webUrl, 'admin');
  adminState = await context.storageState();
  await context.close();
});
afterAll(async () => {
  await browser?.close();
  await db.end();
});

async function newPage(options: BrowserContextOptions = {}) {
  const context = await browser.newContext({
    ...CONTEXT_DEFAULTS,
    storageState: adminState,
    ...options,
  });
  return { context, page: await context.newPage() };
}

const expectSectionOracle = (
  page: Page,
  section: SectionId,
  timeframe: WindowTimeframe,
  now: number,
) => expectSectionOracleOn(db, page, section, timeframe, now);

const param = (page: Page, key: string) => new URL(page.url()).searchParams.get(key);

/** What the top row shows and asks for: its URL key, header and every widget's numbers. */
async function topRow(page: Page) {
  return {
    tf: param(page, 'tf'),
    ...(await page.$eval('[data-testid=analytics-dashboard]', (row) => ({
      timeframe: row.getAttribute('data-timeframe'),
      header: row.querySelector('h1')?.parentElement?.textContent ?? '',
      notes: row.querySelectorAll('.notice').length,
      charts: [...row.querySelectorAll('[data-bucket-count]')].map(
        (c) =>
          `${c.getAttribute('data-testid')}:${c.getAttribute('data-bucket-count')}:${c.getAttribute('data-total')}:${c.getAttribute('data-granularity')}`,
      ),
      leaders: [...row.querySelectorAll('[data-testid=leaderboard-row]')].map(
        (r) => `${r.getAttribute('data-id')}=${r.getAttribute('data-count')}`,
      ),
    }))),
  };
}

/** The open section's URL keys, header and notes. */
async function sectionState(page: Page) {
  return {
    section: param(page, 'section'),
    stf: param(page, 'stf'),
    ...(await page.$eval('[data-testid=sections]', (panel) => ({
      timeframe: panel.getAttribute('data-timeframe'),
      label: panel.querySelector('[data-testid=section-timeframe-label]')?.textContent ?? '',
      notes: panel.querySelectorAll('.notice').length,
    }))),
  };
}

describe.sequential('Phase 2 sections in Chromium', () => {
  test('time to all data per section: first visit and warm (median of 3 reloads)', async () => {
    const { context, page } = await newPage();
    await installTimeToData(context);
    const timings: Record<string, { first: TimeToData; warmMs: number[]; warmMedianMs: number }> =
      {};
    for (const section of SECTION_IDS) {
      const tf = SECTIONS[section].defaultTimeframe;
      // The probe (lib/time-to-data.ts) times the whole page, this section's widgets included.
      await page.goto(`${ANALYTICS}?section=${section}`, { waitUntil: 'commit' });
      const first = await readTimeToData(page);
      await waitForSection(page, section, tf);
      const warm: number[] = [];
      for (let i = 0; i < 3; i++) {
        await page.reload({ waitUntil: 'commit' });
        warm.push(Math.round((await readTimeToData(page)).dataMs));
        await waitForSection(page, section, tf);
      }
      const sorted = [...warm].sort((a, b) => a - b);
      timings[section] = { first, warmMs: warm, warmMedianMs: sorted[1] ?? 0 };
    }
    console.log(
      `[e2e] time to all section data (navigation → every widget of the section showing data): ${Object.entries(
        timings,
      )
        .map(([s, t]) => `${s} first ${Math.round(t.first.dataMs)} ms, warm ${t.warmMedianMs} ms`)
        .join('; ')}`,
    );
    await fs.mkdir(path.dirname(TIMINGS_FILE), { recursive: true });
    await fs.writeFile(
      TIMINGS_FILE,
      `${JSON.stringify({ measuredAt: new Date().toISOString(), timings }, null, 2)}\n`,
    );
    await context.close();
  });

  test.each(SECTION_IDS)(
    '%s: at every timeframe it offers, every number equals the SQL oracle',
    async (section) => {
      // A fixed clock so the page and SQL agree on `now`; a viewer east of UTC.
      const { context, page } = await newPage({ timezoneId: 'Asia/Kolkata' });
      // The server renders in UTC; hydrating in another zone must not mismatch (React #418).
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      const now = Date.now();
      await context.clock.setFixedTime(now);
      await watchChartDrawings(context);
      await page.goto(`${ANALYTICS}?section=${section}`);
      // Chip clicks update the URL in place once React has hydrated the tab (charts' Recharts
      // code may still be loading: the drawings of the first paint stand in for it).
      await waitForHydration(page);
      for (const timeframe of SECTIONS[section].timeframes) {
        await page.click(`[data-testid=section-timeframes] [data-value="${timeframe}"]`);
        await expectSectionOracle(page, section, timeframe, now);
        // Every frame since the page loaded, this chip's transition included: each chart once.
        expect
          .soft(await readChartDrawingProblems(page), `charts drawn at ${section}@${timeframe}`)
          .toEqual([]);
        expect
          .soft(await chartTabStops(page), `tab stops in charts at ${section}@${timeframe}`)
          .toEqual([]);
        expect(param(page, 'section')).toBe(section);
        expect(param(page, 'stf')).toBe(timeframe);
        expect(param(page, 'tf')).toBeNull();
        expect(
          await page.getAttribute(
            `[data-testid=section-timeframes] [data-value="${timeframe}"]`,
            'aria-current',
          ),
        ).toBe('true');
      }
      expect(pageErrors).toEqual([]);
      await context.close();
    },
    600_000,
  );

  test('the release drill-down shows the release’s title, version, date, views and media', async () => {
    const { context, page } = await newPage();
    await page.goto(`${ANALYTICS}?section=releases&stf=all`);
    const view = await waitForSection(page, 'releases', 'all');
    const list = view.widgets['widget-releases-list'];
    if (list?.state !== 'ready') throw new Error('the seeded data has no releases');
    // The list arrives in the server's HTML; its buttons answer once React has hydrated it.
    await waitForHydration(page);
    const first = page.locator('[data-testid=widget-releases-list] tbody tr').first();
    const id = await first.getAttribute('data-release-id');
    await first.locator('button').click();
    const detail = page.locator('[data-testid=release-detail]');
    expect(await detail.getAttribute('data-release-id')).toBe(id);
    const row = await db.one(
      `SELECT title, version, view_count, video_url, thumbnail_url FROM changelog_entries WHERE id::text = $1`,
      [id],
    );
    const text = (await detail.textContent()) ?? '';
    expect(text).toContain(String(row.title));
    expect(text).toContain(String(row.version));
    expect(Number(await detail.locator('[data-metric$=".views"]').getAttribute('data-value'))).toBe(
      Number(row.view_count),
    );
    expect(await detail.locator('a', { hasText: 'Watch video' }).count()).toBe(
      row.video_url ? 1 : 0,
    );
    expect(await detail.locator('a', { hasText: 'Open thumbnail' }).count()).toBe(
      row.thumbnail_url ? 1 : 0,
    );
    // The open release is in the URL: Back closes it, Forward and reload reopen it.
    expect(param(page, 'release')).toBe(id);
    await page.goBack();
    await page.waitForFunction(() => !document.querySelector('[data-testid=release-detail]'));
    expect(param(page, 'release')).toBeNull();
    await page.goForward();
    await page.waitForSelector(`[data-testid=release-detail][data-release-id="${id}"]`);
    await page.reload();
    await waitForHydration(page);
    expect(await detail.getAttribute('data-release-id')).toBe(id);
    // Escape closes it.
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('[data-testid=release-detail]'));
    expect(param(page, 'release')).toBeNull();
    // Any cell of the row opens it (here the views), and Close closes it.
    await first.locator('td').last().click();
    expect(await detail.getAttribute('data-release-id')).toBe(id);
    expect(await detail.textContent()).toContain('lifetime');
    await detail.locator('button', { hasText: 'Close' }).click();
    // Closing is a navigation (the URL drops `release`): the detail goes once it has applied.
    await detail.waitFor({ state: 'detached' });
    expect(param(page, 'release')).toBeNull();
    // A section or timeframe change closes it (the links drop `release`).
    expect(
      new URLSearchParams(
        (await page.getAttribute('[data-testid=section-timeframes] [data-value="90d"]', 'href')) ??
          '',
      ).get('release'),
    ).toBeNull();
    await context.close();
  });

  test('section and timeframe round-trip through the URL (click, reload, back)', async () => {
    const { context, page } = await newPage();
    await page.goto(`${ANALYTICS}?section=llm&stf=30d`);
    await waitForSection(page, 'llm', '30d');
    await page.click('[data-testid=section-tabs] [data-value="assets"]');
    await waitForSection(page, 'assets', '30d');
    expect(param(page, 'section')).toBe('assets');
    expect(param(page, 'stf')).toBe('30d');
    await page.reload();
    await waitForSection(page, 'assets', '30d');
    expect(
      await page.getAttribute('[data-testid=section-tabs] [data-value="assets"]', 'aria-current'),
    ).toBe('page');
    await page.goBack();
    await waitForSection(page, 'llm', '30d');
    // A section's links keep the timeframe only when the section offers it.
    const releasesHref = await page.getAttribute(
      '[data-testid=section-tabs] [data-value="releases"]',
      'href',
    );
    expect(new URLSearchParams(releasesHref ?? '').get('stf')).toBe('30d');
    await page.click('[data-testid=section-timeframes] [data-value="24h"]');
    await waitForSection(page, 'llm', '24h');
    const href = await page.getAttribute(
      '[data-testid=section-tabs] [data-value="releases"]',
      'href',
    );
    expect(new URLSearchParams(href ?? '').get('stf')).toBeNull();
    await context.close();
  });

  test('section controls never change the top row, and the top row never changes the section', async () => {
    const { context, page } = await newPage();
    await page.goto(`${ANALYTICS}?tf=7d`);
    await waitForDashboard(page, '7d');
    await waitForSection(page, 'releases', SECTIONS.releases.defaultTimeframe);
    await waitForHydration(page);
    const before = await topRow(page);
    expect(before.tf).toBe('7d');
    for (const section of SECTION_IDS) {
      await page.click(`[data-testid=section-tabs] [data-value="${section}"]`);
      await page.waitForURL((url) => url.searchParams.get('section') === section);
      // The section timeframe chosen in the previous section carries over when offered.
      const opened = (param(page, 'stf') ?? SECTIONS[section].defaultTimeframe) as WindowTimeframe;
      await waitForSection(page, section, opened);
      expect(await topRow(page), `top row after opening ${section}`).toEqual(before);
      for (const timeframe of SECTIONS[section].timeframes) {
        await page.click(`[data-testid=section-timeframes] [data-value="${timeframe}"]`);
        await waitForSection(page, section, timeframe);
        expect(await topRow(page), `top row after ${section}@${timeframe}`).toEqual(before);
      }
    }
    // The other way: every top-row chip leaves the open section, its key and its notes alone.
    const last = SECTION_IDS[SECTION_IDS.length - 1] as SectionId;
    const sectionTf = SECTIONS[last].timeframes[0] as WindowTimeframe;
    await page.click(`[data-testid=section-timeframes] [data-value="${sectionTf}"]`);
    await waitForSection(page, last, sectionTf);
    const sectionBefore = await sectionState(page);
    for (const timeframe of TIMEFRAMES) {
      await page.click(`[data-testid=timeframe-chips] [data-value="${timeframe}"]`);
      await waitForDashboard(page, timeframe);
      await waitForSection(page, last, sectionTf);
      expect(param(page, 'tf')).toBe(timeframe);
      expect(await sectionState(page), `section after top row ${timeframe}`).toEqual(sectionBefore);
    }
    await context.close();
  });

  test('keyboard only: Tab reaches every section, Enter opens it', async () => {
    const { context, page } = await newPage();
    await page.goto(ANALYTICS);
    await waitForSection(page, 'releases', '30d');
    const reached = new Set<string>();
    for (let i = 0; i < 80 && reached.size < SECTION_IDS.length; i++) {
      await page.keyboard.press('Tab');
      const value = await page.evaluate(() => {
        const el = document.activeElement;
        return el?.closest('[data-testid=section-tabs]') ? el.getAttribute('data-value') : null;
      });
      if (value) reached.add(value);
      if (value === 'monetization') {
        await page.keyboard.press('Enter');
        await waitForSection(page, 'monetization', SECTIONS.monetization.defaultTimeframe);
      }
    }
    expect([...reached].sort()).toEqual([...SECTION_IDS].sort());
    expect(param(page, 'section')).toBe('monetization');
    // Every stop on the way shows where the focus is.
    await waitForHydration(page);
    expect(await tabStopsWithoutFocusStyle(page, 120)).toEqual([]);
    await context.close();
  });

  test('an unknown section or a timeframe the section does not offer falls back with a note', async () => {
    const { context, page } = await newPage();
    await page.goto(`${ANALYTICS}?section=bogus&stf=24h`);
    await waitForSection(page, 'releases', '30d');
    expect(await page.locator('[data-testid=section-notice]').textContent()).toContain('bogus');
    expect(await page.locator('[data-testid=section-timeframe-notice]').textContent()).toContain(
      '24h',
    );
    await page.goto(`${ANALYTICS}?section=exports&stf=90d&tf=30d`);
    await waitForSection(page, 'exports', '7d');
    expect(await page.locator('[data-testid=section-notice]').count()).toBe(0);
    expect(await page.locator('[data-testid=section-timeframe-notice]').textContent()).toContain(
      '90d',
    );
    // The section's bad timeframe is the section's alone: the top row shows its own, no note.
    expect(await page.locator('[data-testid=timeframe-notice]').count()).toBe(0);
    expect(await page.getAttribute('[data-testid=analytics-dashboard]', 'data-timeframe')).toBe(
      '30d',
    );
    // And the top row's bad timeframe is the top row's alone.
    await page.goto(`${ANALYTICS}?section=exports&stf=24h&tf=90d`);
    await waitForSection(page, 'exports', '24h');
    expect(await page.locator('[data-testid=timeframe-notice]').textContent()).toContain('90d');
    expect(await page.locator('[data-testid=section-timeframe-notice]').count()).toBe(0);
    await context.close();
  });
});
