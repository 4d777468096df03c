/**
 * Visual regression of Admin → Analytics in Chromium, on the seeded data at a fixed `now`
 * (tests/e2e/visual-stack.ts): the top row at every timeframe, every section at every timeframe
 * it offers, the page in dark mode and at 390 px, each compared with its committed baseline in
 * tests/e2e/baselines/ (tests/e2e/baseline.ts; `UPDATE_SCREENSHOTS=1` rewrites them). On every
 * state visited it also checks what a screenshot alone may miss:
 * - each `[data-chart]` box shows exactly one chart drawing, in every frame (chip transitions
 *   included), and no chart adds a tab stop;
 * - a direct load shows no broken `<img>` (naturalWidth 0);
 * - every keyboard stop shows a focus indicator;
 * - a section's chip sends only that section's queries, a top-row chip only the top row's (at
 *   `all`, a part that draws a series also reads every series' query for the page's first week).
 * The page's real-time parts (widgets' "Data as of", the rollups' build time) are replaced by a
 * fixed text in the screenshots (VOLATILE_CSS); anything else that shows the wall clock must be
 * added there.
 */
import type {
  Browser,
  BrowserContext,
  BrowserContextOptions,
  Locator,
  Page,
} from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type TabQuery, tabQueries } from '../../web/lib/analytics/registry';
import { SECTION_IDS, SECTIONS, type SectionId } from '../../web/lib/analytics/sections';
import { TIMEFRAMES, type Timeframe, type WindowTimeframe } from '../../web/lib/timeframe';
import { type BaselineCheck, baselineNames, checkBaseline } from './baseline';
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
import { type CubeLoad, canonical, recordCubeLoads } from './cube-loads';
import { waitForSection } from './section-view';
import { FIXED_NOW, startVisualStack, type VisualStack } from './visual-stack';

const e2e = inject('e2e');

/** Shown instead of the wall-clock parts of the page while a screenshot is taken. */
const VOLATILE_CSS = `
[data-testid=data-as-of] > * { display: none !important; }
[data-testid=data-as-of]::after { content: '(time hidden in screenshots)'; }
`;
const WIDE = { width: 1280, height: 900 };
/** Tall enough that a section's screenshot never passes under the sticky top bar. */
const TALL = { width: 1280, height: 2400 };
const NARROW = { width: 390, height: 844 };
const DEFAULT_SECTION = 'releases';

let stack: VisualStack;
let browser: Browser;
let adminState: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;
const registry = tabQueries(Date.parse(FIXED_NOW));
const checked = new Set<string>();

beforeAll(async () => {
  stack = await startVisualStack(e2e.pg);
  console.log(`[visual] stack at ${FIXED_NOW} ready: ${JSON.stringify(stack.seconds)}`);
  browser = await launchChromium();
  const context = await browser.newContext(CONTEXT_DEFAULTS);
  await signIn(await context.newPage(), stack.webUrl, 'admin');
  adminState = await context.storageState();
  await context.close();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function newPage(
  options: BrowserContextOptions & { viewport: { width: number; height: number } },
) {
  const context = await browser.newContext({
    ...CONTEXT_DEFAULTS,
    timezoneId: 'UTC',
    storageState: adminState,
    ...options,
  });
  // The app's clock is pinned by ANALYTICS_FIXED_NOW; the browser's too, for anything else.
  await context.clock.setFixedTime(FIXED_NOW);
  await watchChartDrawings(context);
  const recorder = recordCubeLoads(context);
  const page = await context.newPage();
  const errors: string[] = [];
  // Any page error fails the state, hydration mismatches (React #418) included.
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${String(error)}`));
  return { context, page, recorder, errors, viewport: options.viewport };
}

const analytics = (query: string) => `${stack.webUrl}/admin/analytics${query}`;

/** Compares one screenshot with its baseline; the mismatch is reported, the test goes on. */
async function shoot(
  page: Page,
  viewport: { width: number; height: number },
  name: string,
  target: Locator | 'page',
): Promise<BaselineCheck> {
  // Every chart drawn by Recharts (its code loads lazily: until then the box shows the
  // first-paint drawing, at another height), no hover, no focus ring, fonts loaded.
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('[data-chart]')].every((box) =>
        box.querySelector('svg.recharts-surface'),
      ),
    undefined,
    { timeout: 60_000 },
  );
  await page.mouse.move(viewport.width - 1, viewport.height - 1);
  await page.evaluate(async () => {
    (document.activeElement as HTMLElement | null)?.blur();
    await document.fonts.ready;
  });
  const options = { animations: 'disabled', caret: 'hide', style: VOLATILE_CSS } as const;
  const png =
    target === 'page'
      ? await page.screenshot({ ...options, fullPage: true })
      : await target.screenshot(options);
  checked.add(name);
  const result = await checkBaseline(name, png);
  if (result.diffShare) {
    console.log(`[visual] ${name}: ${(result.diffShare * 100).toFixed(3)} % of pixels differ`);
  }
  expect.soft(result.problem, `screenshot ${name}`).toBeNull();
  return result;
}

/** Every frame so far drew each chart once; no chart holds a tab stop. */
async function expectChartsDrawnOnce(page: Page, state: string) {
  expect.soft(await readChartDrawingProblems(page), `charts drawn at ${state}`).toEqual([]);
  expect.soft(await chartTabStops(page), `tab stops in charts at ${state}`).toEqual([]);
}

/** After a direct load: no image failed to load (naturalWidth 0 once complete). */
async function expectNoBrokenImages(page: Page, state: string) {
  await page.waitForFunction(
    () => [...document.images].every((img) => img.complete || img.loading === 'lazy'),
    undefined,
    { timeout: 30_000 },
  );
  const broken = await page.$$eval('img', (imgs) =>
    imgs
      .filter((img) => img.complete && img.naturalWidth === 0)
      .map(
        (img) =>
          `${img.closest('[data-testid]')?.getAttribute('data-testid') ?? '?'}: ${img.currentSrc || img.src || img.alt}`,
      ),
  );
  expect.soft(broken, `broken images at ${state}`).toEqual([]);
}

/** Every keyboard stop of the page shows a focus indicator. */
async function expectFocusStyles(page: Page, state: string) {
  const stops = await page.$$eval(
    'a[href], button:not([disabled]), input, select, textarea, summary, [tabindex]',
    (els) => els.filter((el) => (el as HTMLElement).tabIndex >= 0).length,
  );
  expect
    .soft(await tabStopsWithoutFocusStyle(page, stops + 2), `stops without focus style at ${state}`)
    .toEqual([]);
}

/**
 * The Cube loads recorded since `from` that `part` of the page does not send, by registry name (a query
 * may be several widgets' at once: one allowed name is enough).
 */
function foreignLoads(loads: CubeLoad[], from: number, part: (q: TabQuery) => boolean) {
  // A part of the page that draws a series at `all` also reads every series' weekly query, the
  // page's first all-time week (web/lib/analytics/allTime.ts); a part that draws none reads none.
  const drawsSeries = registry.some((q) => q.pageStart === true && part(q));
  const expected = (q: TabQuery) => part(q) || (drawsSeries && q.pageStart === true);
  return loads.slice(from).flatMap((load) => {
    const sent = canonical(load.query);
    const matches = registry.filter((q) => canonical(q.query) === sent);
    if (matches.some(expected)) return [];
    return [matches.length > 0 ? matches.map((q) => q.name).join(' = ') : `unlisted ${sent}`];
  });
}

describe.sequential('Admin → Analytics looks as its baselines, drawn once', () => {
  test('the top row at every timeframe (direct loads, then chips)', async () => {
    const { context, page, recorder, errors, viewport } = await newPage({ viewport: WIDE });
    for (const tf of TIMEFRAMES) {
      await page.goto(analytics(`?tf=${tf}`));
      await waitForDashboard(page, tf);
      await waitForSection(page, DEFAULT_SECTION, SECTIONS[DEFAULT_SECTION].defaultTimeframe);
      await waitForHydration(page);
      await expectNoBrokenImages(page, `?tf=${tf}`);
      await expectChartsDrawnOnce(page, `?tf=${tf}`);
      await shoot(page, viewport, `top-${tf}`, page.getByTestId('analytics-dashboard'));
    }
    await expectFocusStyles(page, '?tf=all');
    // Chips: each sends its own row's queries and nothing of the open section's.
    for (const tf of [...TIMEFRAMES].reverse()) {
      const from = (await recorder.settle()).length;
      await page.click(`[data-testid=timeframe-chips] [data-value="${tf}"]`);
      await waitForDashboard(page, tf);
      await expectChartsDrawnOnce(page, `top-row chip ${tf}`);
      expect
        .soft(
          foreignLoads(await recorder.settle(), from, (q) => q.phase === 1 && q.timeframe === tf),
          `queries sent by the top row's ${tf} chip that are not the top row's at ${tf}`,
        )
        .toEqual([]);
      await shoot(page, viewport, `top-${tf}`, page.getByTestId('analytics-dashboard'));
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  test.each(SECTION_IDS)(
    '%s at every timeframe it offers (a direct load, then chips)',
    async (section: SectionId) => {
      const { context, page, recorder, errors, viewport } = await newPage({ viewport: TALL });
      const [first, ...rest] = SECTIONS[section].timeframes;
      await page.goto(analytics(`?section=${section}&stf=${first}`));
      await waitForSection(page, section, first);
      await waitForHydration(page);
      await expectNoBrokenImages(page, `${section}@${first}`);
      await expectChartsDrawnOnce(page, `${section}@${first}`);
      await shoot(page, viewport, `section-${section}-${first}`, page.getByTestId('sections'));
      await expectFocusStyles(page, `${section}@${first}`);
      for (const tf of rest as WindowTimeframe[]) {
        const from = (await recorder.settle()).length;
        await page.click(`[data-testid=section-timeframes] [data-value="${tf}"]`);
        await waitForSection(page, section, tf);
        await expectChartsDrawnOnce(page, `${section}@${tf}`);
        expect
          .soft(
            foreignLoads(
              await recorder.settle(),
              from,
              (q) => q.section === section && q.timeframe === tf,
            ),
            `queries sent by ${section}'s ${tf} chip that are not ${section}'s at ${tf}`,
          )
          .toEqual([]);
        await shoot(page, viewport, `section-${section}-${tf}`, page.getByTestId('sections'));
      }
      expect(errors).toEqual([]);
      await context.close();
    },
  );

  const pages: Array<{ name: string; options: BrowserContextOptions; viewport: typeof WIDE }> = [
    { name: 'page-7d', options: {}, viewport: WIDE },
    { name: 'page-7d-dark', options: { colorScheme: 'dark' }, viewport: WIDE },
    { name: 'page-7d-390', options: {}, viewport: NARROW },
  ];
  test.each(pages)('the whole page: $name', async ({ name, options, viewport }) => {
    const { context, page, errors } = await newPage({ ...options, viewport });
    const tf: Timeframe = '7d';
    await page.goto(analytics(`?tf=${tf}`));
    await waitForDashboard(page, tf);
    await waitForSection(page, DEFAULT_SECTION, SECTIONS[DEFAULT_SECTION].defaultTimeframe);
    await waitForHydration(page);
    await expectNoBrokenImages(page, name);
    await expectChartsDrawnOnce(page, name);
    expect
      .soft(
        await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
        `${name}: horizontal overflow (px)`,
      )
      .toBeLessThanOrEqual(0);
    await shoot(page, viewport, name, 'page');
    if (options.colorScheme === 'dark') await expectFocusStyles(page, name);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('every baseline was compared (none left over from a removed state)', async () => {
    expect((await baselineNames()).filter((name) => !checked.has(name))).toEqual([]);
  });
});
