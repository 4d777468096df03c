/**
 * Driving the Admin → Analytics tab in Debian's Chromium (playwright-core): launch, sign in,
 * wait for the dashboard to settle, and read what the widgets show from their data attributes.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { CONTEXT_DEFAULTS, launchChromium } from '../../lib/chromium';

export { CONTEXT_DEFAULTS, launchChromium };

import type { TrendMetric, WowMetric } from '../../web/lib/analytics/schemas';
import type { Timeframe, WowWeeks } from '../../web/lib/timeframe';

export const TREND_METRICS: readonly TrendMetric[] = ['exports', 'prompts', 'paywall'];
export const WOW_METRICS: readonly WowMetric[] = ['export_success', 'paying_users'];
/** Every Phase 1 widget of the tab, by its test id. */
export const PHASE1_WIDGETS: readonly string[] = [
  ...TREND_METRICS.map((m) => `widget-trend-${m}`),
  'widget-top-templates',
  ...WOW_METRICS.map((m) => `widget-wow-${m}`),
];

/** One click on the sign-in page; lands on `next` (a page that does not query Cube by default). */
export async function signIn(
  page: Page,
  baseUrl: string,
  account: 'admin' | 'member',
  next = '/admin/settings',
): Promise<void> {
  await page.goto(`${baseUrl}/sign-in?next=${encodeURIComponent(next)}`);
  await page.click(`[data-testid=demo-sign-in-${account}]`);
  const target = new URL(next, baseUrl).pathname;
  await page.waitForURL((url) => url.pathname === target);
}

export type Settled = {
  /** `performance.now()` in the page when every widget had settled: ms since navigation start. */
  readonly atMs: number;
  /** DOMContentLoaded of the document (ms since navigation start): the app shell, before data. */
  readonly shellMs: number;
  /** Resource timing of the Cube token fetch and the Cube `/load` requests (ms since navigation). */
  readonly network: {
    tokenEndMs: number | null;
    cubeLoads: number;
    firstCubeStartMs: number | null;
    lastCubeEndMs: number | null;
    /** Duration of each `/load` request, as the browser saw it (incl. queueing). */
    cubeLoadMs: number[];
  };
  readonly states: Record<string, string>;
};

/**
 * Waits until the dashboard shows `timeframe` and every Phase 1 widget has settled (ready or
 * empty, not busy); `extra` may demand more of the page (e.g. a WoW window). Fails at once,
 * with the widget's message, when a widget shows an error.
 */
/**
 * The tab arrives with data in the server's HTML; its buttons (menus, drill-downs) and the
 * browser's own clock apply once React has hydrated it (AdminAnalyticsClient's data-hydrated).
 */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=admin-analytics][data-hydrated=true]', {
    timeout: 60_000,
  });
}

export async function waitForDashboard(
  page: Page,
  timeframe: Timeframe,
  options: { weeks?: WowWeeks; timeoutMs?: number } = {},
): Promise<Settled> {
  const handle = await page.waitForFunction(
    ({ timeframe, widgets, weeks }) => {
      const dashboard = document.querySelector(
        `[data-testid=analytics-dashboard][data-timeframe="${timeframe}"]`,
      );
      if (!dashboard) return false;
      if (weeks !== null) {
        const chip = document.querySelector(`[data-testid=wow-weeks] [data-value="${weeks}"]`);
        if (chip?.getAttribute('aria-pressed') !== 'true') return false;
        const subtitles = [...document.querySelectorAll('[data-testid^=widget-wow-]')].map(
          (w) => w.querySelector('[data-testid=widget-subtitle]')?.textContent ?? '',
        );
        if (!subtitles.every((s) => s.includes(`Last ${weeks * 7} days`))) return false;
      }
      const states: Record<string, string> = {};
      for (const id of widgets) {
        const el = document.querySelector(`[data-testid="${id}"]`);
        const state = el?.getAttribute('data-state') ?? 'missing';
        if (state === 'error') {
          const message = el?.querySelector('[data-testid=widget-error-message]')?.textContent;
          return { error: `${id}: ${message ?? 'error'}` };
        }
        if (el?.getAttribute('aria-busy') === 'true') return false;
        if (state !== 'ready' && state !== 'empty') return false;
        states[id] = state;
      }
      const navigation = performance.getEntriesByType('navigation')[0] as
        | PerformanceNavigationTiming
        | undefined;
      const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const token = resources.filter((r) => r.name.includes('/api/cube-token'));
      const loads = resources.filter((r) => /\/load(-batch)?$/.test(new URL(r.name).pathname));
      const round = (ms: number) => Math.round(ms);
      return {
        atMs: performance.now(),
        shellMs: navigation?.domContentLoadedEventEnd ?? Number.NaN,
        network: {
          tokenEndMs: token.length ? round(Math.min(...token.map((r) => r.responseEnd))) : null,
          cubeLoads: loads.length,
          firstCubeStartMs: loads.length ? round(Math.min(...loads.map((r) => r.startTime))) : null,
          lastCubeEndMs: loads.length ? round(Math.max(...loads.map((r) => r.responseEnd))) : null,
          cubeLoadMs: loads.map((r) => round(r.duration)),
        },
        states,
      };
    },
    { timeframe, widgets: PHASE1_WIDGETS, weeks: options.weeks ?? null },
    { polling: 'raf', timeout: options.timeoutMs ?? 60_000 },
  );
  const result = (await handle.jsonValue()) as Settled | { error: string };
  if ('error' in result) throw new Error(`A widget failed: ${result.error}`);
  return result;
}

const attrNumber = (value: string | null): number | null =>
  value === null || value === '' ? null : Number(value);

export type LeaderboardRow = { rank: number; id: string; count: number };

export async function readLeaderboard(page: Page): Promise<LeaderboardRow[]> {
  return page.$$eval('[data-testid=widget-top-templates] [data-testid=leaderboard-row]', (rows) =>
    rows.map((row) => ({
      rank: Number(row.getAttribute('data-rank')),
      id: row.getAttribute('data-id') ?? '',
      count: Number(row.getAttribute('data-count')),
    })),
  );
}

export type SparklineView = {
  bucketCount: number;
  total: number;
  granularity: string;
  /** Per bucket, oldest first, from the chart's text alternative (its hidden table). */
  counts: number[];
};

export async function readSparkline(page: Page, metric: TrendMetric): Promise<SparklineView> {
  return page.$eval(`[data-testid=sparkline-${metric}]`, (figure) => ({
    bucketCount: Number(figure.getAttribute('data-bucket-count')),
    total: Number(figure.getAttribute('data-total')),
    granularity: figure.getAttribute('data-granularity') ?? '',
    counts: [...figure.querySelectorAll('figcaption tbody tr td:nth-child(2)')].map((td) =>
      Number((td.textContent ?? '').replace(/[^\d.-]/g, '')),
    ),
  }));
}

export type WowView = {
  current: number | null;
  previous: number | null;
  deltaAbs: number | null;
  deltaPct: number | null;
};

export async function readWow(page: Page, metric: WowMetric): Promise<WowView> {
  const raw = await page.$eval(`[data-testid=wow-card-${metric}]`, (card) => ({
    current: card.getAttribute('data-current'),
    previous: card.getAttribute('data-previous'),
    deltaAbs: card.getAttribute('data-delta-abs'),
    deltaPct: card.getAttribute('data-delta-pct'),
  }));
  return {
    current: attrNumber(raw.current),
    previous: attrNumber(raw.previous),
    deltaAbs: attrNumber(raw.deltaAbs),
    deltaPct: attrNumber(raw.deltaPct),
  };
}

export async function widgetState(page: Page, testId: string): Promise<string | null> {
  return page.getAttribute(`[data-testid=${testId}]`, 'data-state');
}

/** The value of each chip's aria-pressed in a chip group. */
export async function pressedChips(page: Page, group: string): Promise<Record<string, string>> {
  return page.$$eval(`[data-testid=${group}] button`, (buttons) =>
    Object.fromEntries(
      buttons.map((b) => [
        b.getAttribute('data-value') ?? '',
        b.getAttribute('aria-pressed') ?? '',
      ]),
    ),
  );
}

/** Exactly `value` is pressed in the chip group. */
export async function expectPressed(page: Page, group: string, value: string): Promise<void> {
  const pressed = await pressedChips(page, group);
  expect(
    Object.entries(pressed)
      .filter(([, p]) => p === 'true')
      .map(([v]) => v),
  ).toEqual([value]);
}

/** A chart box whose number of visible chart drawings was not exactly one, and when. */
export type ChartDrawingProblem = { chart: string; visible: number; atMs: number };

/**
 * Watches every frame (from DOMContentLoaded: hydration, Recharts loading, chip transitions) that
 * each `[data-chart]` box shows exactly one visible chart-sized SVG: the first-paint drawing or
 * Recharts' own, never both (a chart drawn twice) and never none. Legend icons and other small
 * SVGs are not drawings; a box that takes no space (a hidden panel) is skipped. Install before
 * the page loads; read with `readChartDrawingProblems`.
 */
export async function watchChartDrawings(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    type Problem = { chart: string; visible: number; atMs: number };
    const problems: Problem[] = [];
    const seen = new Set<string>();
    (window as unknown as { __chartDrawingProblems: Problem[] }).__chartDrawingProblems = problems;
    const check = () => {
      const boxes = [...document.querySelectorAll('[data-chart]')];
      boxes.forEach((box, i) => {
        const b = box.getBoundingClientRect();
        if (b.width === 0 || b.height === 0) return;
        const visible = [...box.querySelectorAll('svg')].filter((svg) => {
          if (svg.parentElement?.closest('svg')) return false;
          const r = svg.getBoundingClientRect();
          if (r.width < b.width * 0.4 || r.height < 24) return false;
          return svg.checkVisibility({ opacityProperty: true, visibilityProperty: true });
        }).length;
        if (visible === 1) return;
        const owner = box.closest('[data-testid^=widget-]')?.getAttribute('data-testid') ?? '?';
        const chart = `${owner} chart ${i} (${location.search || 'no query'})`;
        const key = `${chart}:${visible}`;
        if (seen.has(key) || problems.length >= 50) return;
        seen.add(key);
        problems.push({ chart, visible, atMs: Math.round(performance.now()) });
      });
    };
    const loop = () => {
      check();
      requestAnimationFrame(loop);
    };
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', () => requestAnimationFrame(loop));
    } else requestAnimationFrame(loop);
  });
}

/** What `watchChartDrawings` saw in the page's current document so far (then forgets it). */
export async function readChartDrawingProblems(page: Page): Promise<ChartDrawingProblem[]> {
  return page.evaluate(() => {
    const w = window as unknown as { __chartDrawingProblems?: ChartDrawingProblem[] };
    const found = [...(w.__chartDrawingProblems ?? [])];
    w.__chartDrawingProblems?.splice(0);
    return found;
  });
}

/**
 * Elements inside chart boxes that Tab would stop on. A chart is one image with a text
 * alternative (and a table beside it): any stop inside it is invisible and leads nowhere.
 */
export async function chartTabStops(page: Page): Promise<string[]> {
  return page.$$eval('[data-chart]', (boxes) =>
    boxes.flatMap((box) =>
      [box, ...box.querySelectorAll('*')]
        .filter((el) => (el as HTMLElement | SVGElement).tabIndex >= 0)
        .map(
          (el) =>
            `${box.closest('[data-testid^=widget-]')?.getAttribute('data-testid') ?? '?'}: <${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}">`,
        ),
    ),
  );
}

/**
 * Presses Tab `count` times from the top of the page and returns every element focused on
 * the way that shows no focus indicator (no outline and no box-shadow while focused).
 */
export async function tabStopsWithoutFocusStyle(page: Page, count: number): Promise<string[]> {
  const missing = new Set<string>();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    const problem = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const outline = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0;
      if (outline || style.boxShadow !== 'none') return null;
      const id = el.closest('[data-testid]')?.getAttribute('data-testid') ?? '?';
      return `${id}: <${el.tagName.toLowerCase()}> “${(el.textContent ?? '').trim().slice(0, 30)}”`;
    });
    if (problem) missing.add(problem);
  }
  return [...missing];
}
