/**
 * Where a warm visit of the tab spends the time between the HTML's last byte and the first
 * contentful paint, from a Chrome trace: `npx tsx bench/browser-trace.ts [--visits 5] [--no-js]`
 * against a running `npm start` (`WEB_PORT`, default 3000).
 *
 * It reports each stage's thread CPU time (the trace's `tdur`) besides wall time: on a shared
 * machine a stage's wall time is mostly waiting for a core, its CPU time is what the page costs.
 * `--no-js` loads the same page with JavaScript disabled (the server's HTML alone).
 */
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import { z } from 'zod';
import { CONTEXT_DEFAULTS, launchChromium, signInAsDemoAdmin } from '../lib/chromium';

const PATH = '/admin/analytics';
const CATEGORIES = [
  '__metadata',
  'toplevel',
  'loading',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'viz',
  'cc',
];

const TraceEventSchema = z.object({
  name: z.string(),
  ph: z.string(),
  ts: z.number(),
  dur: z.number().optional(),
  tdur: z.number().optional(),
  pid: z.number(),
  tid: z.number(),
  args: z.record(z.string(), z.unknown()).optional(),
});
type TraceEvent = z.infer<typeof TraceEventSchema>;

const NavigationSchema = z.object({ htmlEnd: z.number(), fcp: z.number(), dcl: z.number() });

async function traced<T>(
  client: CDPSession,
  run: () => Promise<T>,
): Promise<{ result: T; events: TraceEvent[] }> {
  const events: TraceEvent[] = [];
  const collect = (e: { value: unknown[] }) => {
    for (const raw of e.value) {
      const parsed = TraceEventSchema.safeParse(raw);
      if (parsed.success) events.push(parsed.data);
    }
  };
  client.on('Tracing.dataCollected', collect);
  const complete = new Promise<void>((resolve) =>
    client.once('Tracing.tracingComplete', () => resolve()),
  );
  await client.send('Tracing.start', {
    traceConfig: { includedCategories: CATEGORIES },
    transferMode: 'ReportEvents',
  });
  const result = await run();
  await client.send('Tracing.end');
  await complete;
  client.off('Tracing.dataCollected', collect);
  return { result, events };
}

/** Reloads and waits for the first contentful paint and `load`; times in the page's clock. */
async function visit(page: Page): Promise<z.infer<typeof NavigationSchema>> {
  await page.reload({ waitUntil: 'load' });
  const handle = await page.waitForFunction(
    () => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      if (!fcp || !nav || nav.loadEventEnd === 0) return false;
      return { htmlEnd: nav.responseEnd, fcp: fcp.startTime, dcl: nav.domContentLoadedEventEnd };
    },
    undefined,
    { polling: 100, timeout: 60_000 },
  );
  return NavigationSchema.parse(await handle.jsonValue());
}

/** CPU (ms) per stage between the HTML's last byte and first contentful paint. */
function stages(events: TraceEvent[], nav: z.infer<typeof NavigationSchema>) {
  const fcpEvent = events.find((e) => e.name === 'firstContentfulPaint');
  if (!fcpEvent) return null;
  const end = fcpEvent.ts;
  const start = end - (nav.fcp - nav.htmlEnd) * 1000;
  const threads = new Map<string, string>();
  const processes = new Map<number, string>();
  for (const e of events) {
    if (e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, String(e.args?.name));
    if (e.name === 'process_name') processes.set(e.pid, String(e.args?.name));
  }
  const cpu: Record<string, number> = {};
  const add = (key: string, e: TraceEvent) => {
    cpu[key] = (cpu[key] ?? 0) + (e.tdur ?? 0) / 1000;
  };
  let firstFrameWall: number | null = null;
  for (const e of events) {
    if (e.ph !== 'X' || e.ts < start || e.ts > end) continue;
    const thread = threads.get(`${e.pid}:${e.tid}`);
    if (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'ThreadPool_RunTask') {
      add(`process ${processes.get(e.pid) ?? e.pid}`, e);
    }
    if (thread !== 'CrRendererMain') {
      if (e.name === 'RasterTask') add('raster', e);
      if (e.name === 'Display::DrawAndSwap') add('compositor draws', e);
      continue;
    }
    if (e.name === 'EvaluateScript' || e.name === 'FunctionCall') add('script', e);
    if (e.name === 'UpdateLayoutTree') add('style', e);
    if (e.name === 'Layout') add('layout', e);
    if (e.name === 'Paint' || e.name === 'PrePaint') add('paint', e);
    if (e.name === 'ParseHTML') add('parse', e);
    if (e.name === 'Paint' && firstFrameWall === null) firstFrameWall = (e.ts - start) / 1000;
  }
  return { cpu, firstPaintRecordAfterHtmlMs: firstFrameWall };
}

async function main() {
  const { values } = parseArgs({
    options: {
      visits: { type: 'string', default: '5' },
      'no-js': { type: 'boolean', default: false },
    },
  });
  const base = `http://localhost:${process.env.WEB_PORT ?? 3000}`;
  const browser = await launchChromium();
  try {
    const signIn = await browser.newContext();
    await signInAsDemoAdmin(await signIn.newPage(), base);
    const storageState = await signIn.storageState();
    const context = await browser.newContext({
      ...CONTEXT_DEFAULTS,
      storageState,
      javaScriptEnabled: !values['no-js'],
    });
    const page = await context.newPage();
    await page.goto(`${base}${PATH}`, { waitUntil: 'load' });
    const client = await context.newCDPSession(page);
    for (let i = 0; i < Number(values.visits); i++) {
      const { result: nav, events } = await traced(client, () => visit(page));
      const s = stages(events, nav);
      const cpu = s
        ? Object.entries(s.cpu)
            .sort((a, b) => b[1] - a[1])
            .map(([k, v]) => `${k} ${v.toFixed(1)}`)
            .join(', ')
        : 'no FCP in the trace';
      console.log(
        `visit ${i + 1}: HTML end ${nav.htmlEnd.toFixed(0)}, FCP ${nav.fcp.toFixed(0)}, DCL ${nav.dcl.toFixed(0)} ms; ` +
          `first paint record +${s?.firstPaintRecordAfterHtmlMs?.toFixed(0) ?? '–'} ms after the HTML; CPU (ms) HTML end → FCP: ${cpu}`,
      );
    }
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
