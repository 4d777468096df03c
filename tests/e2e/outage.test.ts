/**
 * Postgres stalls under the open Analytics tab (every Postgres process stopped with SIGSTOP, so
 * connections hang instead of failing): within the bounded wait each widget says the data source
 * isn't answering, keeps its previous data and offers Retry; after SIGCONT the widgets recover by
 * themselves, without a reload.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { ANSWER_TIMEOUT_MS } from '../../web/components/hooks/queries/cubeQueryState';
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

test('paused Postgres: message, previous data and Retry within the bound; recovery without reload', async () => {
  // A past clock of its own, so the queries after the switch below are new to Cube's cache.
  const seeded = Date.parse(e2e.seededAt);
  const context = await browser.newContext(CONTEXT_DEFAULTS);
  await context.clock.setFixedTime(seeded - 2 * DAY_MS);
  const page = await context.newPage();
  await signIn(page, e2e.webUrl, 'admin');
  await page.goto(`${e2e.webUrl}/admin/analytics`);
  // The server rendered its own hour's data; this page's clock is days earlier, so its widgets
  // load their own windows once hydrated: wait for those before pausing Postgres.
  await waitForHydration(page);
  await waitForDashboard(page, DEFAULT_TIMEFRAME);
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
    const everyWidgetWarns = () =>
      page.evaluate(
        ({ widgets, warning }) =>
          widgets.map((id) => {
            const el = document.querySelector(`[data-testid="${id}"]`);
            return {
              id,
              state: el?.getAttribute('data-state'),
              busy: el?.getAttribute('aria-busy'),
              warning: el?.querySelector(warning)?.textContent ?? null,
              error: el?.querySelector('[data-testid=widget-error-message]')?.textContent ?? null,
            };
          }),
        { widgets: PHASE1_WIDGETS, warning: WARNING },
      );
    let widgets = await everyWidgetWarns();
    while (
      widgets.some((w) => w.warning === null) &&
      Date.now() - asked < ANSWER_TIMEOUT_MS + 10_000
    ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      widgets = await everyWidgetWarns();
    }
    expect(widgets.filter((w) => w.warning === null)).toEqual([]);
    const waitedMs = Date.now() - asked;
    console.log(`[e2e] outage message in every widget after ${waitedMs} ms`);
    for (const id of PHASE1_WIDGETS) {
      const warning = page.locator(`[data-testid="${id}"] ${WARNING}`);
      expect(await warning.textContent(), id).toMatch(/data source isn’t answering/);
      expect(await warning.locator('button', { hasText: 'Retry' }).isVisible(), id).toBe(true);
    }
    // The previous data stays visible (dimmed) next to the message.
    expect(await readLeaderboard(page)).toEqual(leaderboard);
  } finally {
    signalAll(postgresPids(), 'SIGCONT');
    signalAll(paused, 'SIGCONT');
  }

  // Back by itself: no click, no reload.
  await page.waitForFunction((warning) => document.querySelector(warning) === null, WARNING, {
    polling: 250,
    timeout: 90_000,
  });
  await waitForDashboard(page, DEFAULT_TIMEFRAME, { timeoutMs: 90_000 });
  expect(await page.locator('[data-stale]').count()).toBe(0);
  await context.close();
});
