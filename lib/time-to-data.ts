/**
 * Time to data of the Admin → Analytics tab, measured inside the page: one probe for the e2e
 * timings and the bench's browser rows.
 *
 * The probe is installed on the browser context (`installTimeToData`) and runs at document
 * creation, before the HTML is parsed, so it sees the server's first paint as well as what the
 * JavaScript adds later. On every animation frame it checks the widget frames (`[data-state]`):
 * data is shown when every frame is `ready` or `empty`, not `aria-busy`, and every chart in it
 * (`[data-chart]`) has drawn its SVG, once the tab's HTML is wholly parsed (before that the frames
 * seen need not be all the widgets). It records the first such frame in the page's clock (ms since
 * navigation start), never before the first contentful paint. Navigation need not wait for `load`
 * (`waitUntil: 'commit'`); the read (`readTimeToData`) waits until data is shown and painted,
 * React has hydrated and `load` has fired, then adds the page's own milestones (the HTML's first
 * and last byte, first contentful paint, DOMContentLoaded, load, hydration, the Cube token fetch
 * and `/load` requests) so a report can say where the time went.
 */
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { z } from 'zod';

/** The probe's page global. */
const GLOBAL = '__timeToData';

/**
 * A string, not a function: tsx (esbuild keepNames) wraps named functions in a `__name` call the
 * page does not define, and a string init script is injected by the browser itself (the page's
 * CSP does not apply). Keep it plain ES2020.
 */
const PROBE = `(() => {
  const probe = { framesReadyMs: null, dataMs: null, phase1Ms: null, hydratedMs: null,
    widgets: 0, charts: 0, error: null };
  Object.defineProperty(window, ${JSON.stringify(GLOBAL)}, { value: probe });
  const shown = (frame) => {
    const state = frame.getAttribute('data-state');
    if (frame.getAttribute('aria-busy') === 'true') return 'waiting';
    if (state === 'error') return 'error';
    if (state !== 'ready' && state !== 'empty') return 'waiting';
    for (const chart of frame.querySelectorAll('[data-chart]')) {
      if (!chart.querySelector('svg')) return 'frame';
    }
    return 'data';
  };
  // While the HTML is still arriving, the frames parsed so far need not be all the widgets: the
  // tab is whole once the parser has gone past it (a node follows it or one of its ancestors).
  const parsed = () => {
    if (document.readyState !== 'loading') return true;
    for (let n = document.querySelector('[data-testid=admin-analytics]'); n && n !== document.body;
         n = n.parentElement) {
      if (n.nextSibling) return true;
    }
    return false;
  };
  const tick = (at) => {
    if (probe.hydratedMs === null &&
        document.querySelector('[data-testid=admin-analytics][data-hydrated=true]')) {
      probe.hydratedMs = at;
    }
    const frames = document.querySelectorAll('[data-state]');
    const dashboard = document.querySelector('[data-testid=analytics-dashboard]');
    if (probe.dataMs === null && frames.length > 0 && dashboard && parsed()) {
      let framesReady = true, data = true, phase1 = true;
      for (const frame of frames) {
        const s = shown(frame);
        if (s === 'error' && probe.error === null) {
          probe.error = (frame.getAttribute('data-testid') || 'a widget') + ': ' +
            ((frame.querySelector('[data-testid=widget-error-message]') || frame).textContent || 'error').trim();
        }
        if (s !== 'data') {
          data = false;
          if (dashboard.contains(frame)) phase1 = false;
          if (s !== 'frame') framesReady = false;
        }
      }
      if (framesReady && probe.framesReadyMs === null) probe.framesReadyMs = at;
      if (phase1 && probe.phase1Ms === null) probe.phase1Ms = at;
      if (data) {
        probe.dataMs = at;
        probe.widgets = frames.length;
        probe.charts = document.querySelectorAll('[data-state] [data-chart]').length;
      }
    }
    if (probe.dataMs === null || probe.hydratedMs === null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

/** What one visit of the tab measured; every time in ms since navigation start (page clock). */
export const TimeToDataSchema = z.object({
  /** The first frame in which every widget showed data (charts drawn): the figure to report. */
  dataMs: z.number(),
  /** Every widget frame ready or empty, charts not yet required. */
  framesReadyMs: z.number(),
  /** The Phase 1 row (inside `analytics-dashboard`) alone showing data. */
  phase1Ms: z.number(),
  /** The server's response: first and last byte of the HTML. */
  ttfbMs: z.number(),
  htmlEndMs: z.number(),
  fcpMs: z.number().nullable(),
  dclMs: z.number(),
  loadMs: z.number(),
  /** React hydrated the tab (`data-hydrated` on the embed root). */
  hydratedMs: z.number(),
  /** End of the browser's first Cube token fetch, if it made one. */
  tokenEndMs: z.number().nullable(),
  /** Cube `/load` requests the browser sent up to the read. */
  cubeLoads: z.number(),
  widgets: z.number(),
  charts: z.number(),
});
export type TimeToData = z.infer<typeof TimeToDataSchema>;

/** Runs the probe in every page (and every navigation) of `context` from now on. */
export async function installTimeToData(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: PROBE });
}

/**
 * Waits until the current document of `page` shows data, has hydrated and has fired `load`,
 * then returns its timings. Fails when a widget shows an error (even if it recovers later).
 */
export async function readTimeToData(page: Page, timeoutMs = 120_000): Promise<TimeToData> {
  const handle = await page.waitForFunction(
    (name) => {
      const probe = (window as unknown as Record<string, Record<string, unknown> | undefined>)[
        name
      ];
      if (!probe) return false;
      if (probe.error !== null) return { error: probe.error };
      const navigation = performance.getEntriesByType('navigation')[0] as
        | PerformanceNavigationTiming
        | undefined;
      if (probe.dataMs === null || probe.hydratedMs === null) return false;
      if (!navigation || navigation.loadEventEnd === 0) return false;
      // Paint entries arrive after the frame is presented: on a busy machine, after `load`.
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      if (!fcp) return false;
      const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const token = resources.filter((r) => r.name.includes('/api/cube-token'));
      // No named helper here: see PROBE on tsx's __name.
      return {
        dataMs: probe.dataMs,
        framesReadyMs: probe.framesReadyMs,
        phase1Ms: probe.phase1Ms,
        ttfbMs: navigation.responseStart,
        htmlEndMs: navigation.responseEnd,
        fcpMs: fcp.startTime,
        dclMs: navigation.domContentLoadedEventEnd,
        loadMs: navigation.loadEventEnd,
        hydratedMs: probe.hydratedMs,
        tokenEndMs: token.length ? Math.min(...token.map((r) => r.responseEnd)) : null,
        // A lone query is a `/load`, a tab state one `/load-batch` (web/lib/cube/batch-transport.ts).
        cubeLoads: resources.filter((r) => /\/load(-batch)?$/.test(new URL(r.name).pathname))
          .length,
        widgets: probe.widgets,
        charts: probe.charts,
      };
    },
    GLOBAL,
    { polling: 'raf', timeout: timeoutMs },
  );
  const result = (await handle.jsonValue()) as unknown;
  if (typeof result === 'object' && result !== null && 'error' in result) {
    throw new Error(`a widget failed (${String(result.error)})`);
  }
  const t = TimeToDataSchema.parse(result);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  // A frame can be ready before the browser first paints (rendering still blocked, or a busy
  // machine): nothing is shown before the first contentful paint.
  const shown = (ms: number) => round(Math.max(ms, t.fcpMs ?? 0));
  return {
    ...t,
    dataMs: shown(t.dataMs),
    framesReadyMs: shown(t.framesReadyMs),
    phase1Ms: shown(t.phase1Ms),
    ttfbMs: round(t.ttfbMs),
    htmlEndMs: round(t.htmlEndMs),
    fcpMs: t.fcpMs === null ? null : round(t.fcpMs),
    dclMs: round(t.dclMs),
    loadMs: round(t.loadMs),
    hydratedMs: round(t.hydratedMs),
    tokenEndMs: t.tokenEndMs === null ? null : round(t.tokenEndMs),
  };
}

/** One line for logs: where the time went. */
export function describeTimeToData(t: TimeToData): string {
  const ms = (v: number | null) => (v === null ? '–' : `${Math.round(v)}`);
  return (
    `data ${ms(t.dataMs)} ms (frames ready ${ms(t.framesReadyMs)}, Phase 1 ${ms(t.phase1Ms)}); ` +
    `HTML ${ms(t.ttfbMs)}–${ms(t.htmlEndMs)}, FCP ${ms(t.fcpMs)}, DCL ${ms(t.dclMs)}, hydrated ${ms(t.hydratedMs)}, load ${ms(t.loadMs)} ms; ` +
    `${t.widgets} widgets, ${t.charts} charts, ${t.cubeLoads} Cube requests` +
    (t.tokenEndMs === null ? ', no token fetch' : `, token at ${ms(t.tokenEndMs)} ms`)
  );
}

/** The e2e's timings file (`tests/e2e/analytics.test.ts` writes it; the bench reads it back). */
export const E2E_TIMINGS_FILE = path.resolve(
  import.meta.dirname,
  '..',
  '.data',
  'e2e-timings.json',
);

export const E2eTimingsSchema = z.object({
  measuredAt: z.string(),
  what: z.string(),
  url: z.string(),
  timeframe: z.string(),
  /** First visit after sign-in: Cube's result cache empty, fresh browser cache, route cold. */
  cold: TimeToDataSchema,
  coldWasFirstCubeLoad: z.boolean(),
  /** Reloads of the same page. */
  warm: z.array(TimeToDataSchema),
  cpus: z.number(),
  /** One-minute load average when the timings were taken. */
  loadAverage: z.number(),
  stackSetupSeconds: z.record(z.string(), z.number()),
});
export type E2eTimings = z.infer<typeof E2eTimingsSchema>;
