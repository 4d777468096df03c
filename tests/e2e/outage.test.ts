/**
 * Postgres stalls under the open Analytics tab (every Postgres process stopped with SIGSTOP, so
 * connections hang instead of failing): within the bounded wait each widget says the data source
 * isn't answering, keeps its previous data and offers Retry; after SIGCONT the widgets recover by
 * themselves, without a reload.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import {
  ANSWER_TIMEOUT_MS,
  RECOVERY_INTERVAL_MS,
} from '../../web/components/hooks/queries/cubeQueryState';
import { DEFAULT_TIMEFRAME } from '../../web/lib/timeframe';
import {
  CONTEXT_DEFAULTS,
  launchChromium,
  PHASE1_WIDGETS,
  readLeaderboard,
  signIn,
  waitForDashboard,
  waitForHydration,
} from './browser';

const e2e = inject('e2e');
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const DAY_MS = 86_400_000;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The postmaster (from its pid file) and every backend and worker it forked. */
function postgresPids(): number[] {
  const pidFile = path.join(ROOT, e2e.pgDataDir, 'postmaster.pid');
  const postmaster = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  const children = fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        // Fields after the parenthesised command name: state, then the parent's pid.
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

const WARNING = '[data-testid=widget-warning]';

interface FrameState {
  id: string;
  state: string | null;
  busy: boolean;
  stale: boolean;
  warning: string | null;
}

/** Every widget on the tab (Phase 1 and the open section), as the page shows it now. */
function everyWidget(page: Page): Promise<FrameState[]> {
  return page.evaluate((warning) => {
    return [...document.querySelectorAll('section[data-testid^="widget-"][data-state]')].map(
      (el) => ({
        id: el.getAttribute('data-testid') ?? '',
        state: el.getAttribute('data-state'),
        busy: el.getAttribute('aria-busy') === 'true',
        stale: el.querySelector('[data-stale]') !== null,
        warning: el.querySelector(warning)?.textContent ?? null,
      }),
    );
  }, WARNING);
}

/** Every widget shows current data: answered, nothing in flight, nothing stale, no warning. */
async function waitUntilEveryWidgetSettles(page: Page, timeoutMs: number): Promise<FrameState[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const widgets = await everyWidget(page);
    const unsettled = widgets.filter(
      (w) => !(w.state === 'ready' || w.state === 'empty') || w.busy || w.stale || w.warning,
    );
    if (widgets.length > PHASE1_WIDGETS.length && unsettled.length === 0) return widgets;
    if (Date.now() > deadline) {
      throw new Error(`Widgets not settled after ${timeoutMs} ms: ${JSON.stringify(unsettled)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('paused Postgres: message, previous data and Retry within the bound; recovery without reload', async () => {
  // A past clock of its own, so the queries after the switch below are new to Cube's cache.
  const seeded = Date.parse(e2e.seededAt);
  const context = await browser.newContext(CONTEXT_DEFAULTS);
  await context.clock.setFixedTime(seeded - 2 * DAY_MS);
  const page = await context.newPage();
  await signIn(page, e2e.webUrl, 'admin');
  await page.goto(`${e2e.webUrl}/admin/analytics`);
  // The server rendered its own hour's data; this page's clock is days earlier, so its widgets
  // load their own windows once hydrated: wait for those (the section's too) before pausing.
  await waitForHydration(page);
  await waitForDashboard(page, DEFAULT_TIMEFRAME);
  const widgetIds = (await waitUntilEveryWidgetSettles(page, 60_000)).map((w) => w.id);
  const leaderboard = await readLeaderboard(page);
  expect(leaderboard.length).toBeGreaterThan(0);

  const paused = postgresPids();
  signalAll(paused, 'SIGSTOP');
  try {
    // Another day (the tab re-reads the clock when it becomes visible): the 7-day windows move,
    // so every widget asks Cube anew.
    await page.clock.setFixedTime(seeded - 3 * DAY_MS);
    const asked = Date.now();
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    let widgets = await everyWidget(page);
    while (
      widgets.some((w) => w.warning === null) &&
      Date.now() - asked < ANSWER_TIMEOUT_MS + 10_000
    ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      widgets = await everyWidget(page);
    }
    expect(widgets.filter((w) => w.warning === null)).toEqual([]);
    expect(widgets.map((w) => w.id)).toEqual(widgetIds);
    const waitedMs = Date.now() - asked;
    console.log(`[e2e] outage message in every widget after ${waitedMs} ms`);
    for (const id of widgetIds) {
      const warning = page.locator(`[data-testid="${id}"] ${WARNING}`);
      expect(await warning.textContent(), id).toMatch(/data source isn’t answering/);
      expect(await warning.locator('button', { hasText: 'Retry' }).isVisible(), id).toBe(true);
    }
    // The previous data stays visible (dimmed) next to the message.
    expect(await readLeaderboard(page)).toEqual(leaderboard);

    // The message stays while the widgets ask again (each retry is a new bounded wait).
    const watchUntil = Date.now() + RECOVERY_INTERVAL_MS + 2_000;
    let retried = false;
    while (Date.now() < watchUntil) {
      widgets = await everyWidget(page);
      expect(widgets.filter((w) => w.warning === null)).toEqual([]);
      retried ||= widgets.some((w) => w.busy);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(retried).toBe(true);
  } finally {
    signalAll(postgresPids(), 'SIGCONT');
    signalAll(paused, 'SIGCONT');
  }

  // Back by itself, every widget: no click, no reload.
  await waitUntilEveryWidgetSettles(page, 90_000);
  await waitForDashboard(page, DEFAULT_TIMEFRAME);
  await context.close();
});
