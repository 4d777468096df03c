/**
 * Reading a Phase 2 section off the page and checking it against the hand-written SQL
 * (oracles/pages.ts): shared by the demo's section tests and the example host's.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { sectionOracle } from '../../oracles/pages';
import type { Oracle } from '../../oracles/sql';
import { SECTIONS, type SectionId } from '../../web/lib/analytics/sections';
import type { WindowTimeframe } from '../../web/lib/timeframe';
import { sameNumber } from '../support/compare';

export const widgetIds = (section: SectionId) =>
  Object.keys(SECTIONS[section].widgets).map((w) => `widget-${section}-${w}`);

export type SectionView = {
  atMs: number;
  widgets: Record<
    string,
    { state: string; values: Record<string, number | null>; buckets: number | null }
  >;
};

/**
 * Waits until `section` shows `timeframe` and every widget of it has settled (ready or empty,
 * not busy), then reads every number each widget shows from its data attributes. Fails at once
 * with the widget's message when one shows an error.
 */
export async function waitForSection(
  page: Page,
  section: SectionId,
  timeframe: WindowTimeframe,
): Promise<SectionView> {
  const handle = await page
    .waitForFunction(
      ({ section, timeframe, widgets }) => {
        const panel = document.querySelector(
          `[data-testid=sections][data-section="${section}"][data-timeframe="${timeframe}"]`,
        );
        if (!panel) return false;
        const out: SectionView['widgets'] = {};
        for (const id of widgets) {
          const el = panel.querySelector(`[data-testid="${id}"]`);
          const state = el?.getAttribute('data-state') ?? 'missing';
          if (state === 'error') {
            const message = el?.querySelector('[data-testid=widget-error-message]')?.textContent;
            return { error: `${id}: ${message ?? 'error'}` };
          }
          if (el?.getAttribute('aria-busy') === 'true') return false;
          if (state !== 'ready' && state !== 'empty') return false;
          const values: Record<string, number | null> = {};
          for (const num of el?.querySelectorAll('[data-metric]') ?? []) {
            const raw = num.getAttribute('data-value');
            values[num.getAttribute('data-metric') ?? ''] =
              raw === null || raw === '' ? null : Number(raw);
          }
          const chart = el?.querySelector('[data-bucket-count]');
          out[id] = {
            state,
            values,
            buckets: chart ? Number(chart.getAttribute('data-bucket-count')) : null,
          };
        }
        return { atMs: performance.now(), widgets: out };
      },
      { section, timeframe, widgets: widgetIds(section) },
      { polling: 'raf', timeout: 180_000 },
    )
    .catch(async (error: unknown) => {
      // Say which section, timeframe and widgets were still pending.
      const states = await page.$$eval('[data-testid^=widget-]', (els) =>
        els.map(
          (e) =>
            `${e.getAttribute('data-testid')}=${e.getAttribute('data-state')}${e.getAttribute('aria-busy') === 'true' ? ' (busy)' : ''}`,
        ),
      );
      const panel = await page
        .$eval(
          '[data-testid=sections]',
          (e) => `${e.getAttribute('data-section')}@${e.getAttribute('data-timeframe')}`,
        )
        .catch(() => 'no sections');
      throw new Error(
        `${section}@${timeframe} did not settle (page shows ${panel}: ${states.join(', ')}): ${String(error)}`,
      );
    });
  const result = (await handle.jsonValue()) as SectionView | { error: string };
  if ('error' in result) throw new Error(`A widget failed: ${result.error}`);
  return result;
}

export async function expectSectionOracle(
  db: Oracle,
  page: Page,
  section: SectionId,
  timeframe: WindowTimeframe,
  now: number,
) {
  const view = await waitForSection(page, section, timeframe);
  const expected = await sectionOracle(db, section, timeframe, now);
  for (const [id, want] of Object.entries(expected)) {
    const got = view.widgets[id];
    const label = `${id} at ${timeframe}`;
    expect.soft(got?.state, label).toBe(want.empty ? 'empty' : 'ready');
    if (want.empty || !got) continue;
    const problems: string[] = [];
    for (const key of new Set([...Object.keys(want.values), ...Object.keys(got.values)])) {
      if (!(key in got.values))
        problems.push(`${key}: missing on the page (sql ${want.values[key]})`);
      else if (!(key in want.values))
        problems.push(`${key}: on the page (${got.values[key]}) but not in SQL`);
      else if (!sameNumber(got.values[key] ?? null, want.values[key] ?? null)) {
        problems.push(`${key}: page ${got.values[key]} ≠ sql ${want.values[key]}`);
      }
    }
    expect.soft(problems, label).toEqual([]);
    if (want.buckets !== undefined) expect.soft(got.buckets, `${label} buckets`).toBe(want.buckets);
  }
  return view;
}
