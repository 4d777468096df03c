/**
 * Cube Playground and the widgets' Explore menu in Chromium, on the seeded stack of
 * tests/setup/global-e2e.ts: an admin opens the Playground from the tab and builds a query
 * through its UI (numbers against hand-written SQL, the SQL pane reading a rollup table); who is
 * refused; every DevServer route refused or served per policy; and, from every Phase 1 widget,
 * Open in Playground, Show query and Download CSV.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import Papa from 'papaparse';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { z } from 'zod';
import { signCubeToken } from '../../cube/auth';
import { DEV_SERVER_ROUTES, DEV_SERVER_STATIC } from '../../cube/playground/policy';
import { sqlWindow } from '../../oracles/sql';
import type { SectionId } from '../../web/lib/analytics/sections';
import { FUNNEL_LABELS, FUNNEL_STEPS } from '../../web/lib/analytics/sections/monetization';
import type { TypedQuery } from '../../web/lib/cube/query';
import { roundedValue, type ValueKind } from '../../web/lib/format';
import { installedDevServerRoutes } from '../support/dev-server-routes';
import { createOracle } from '../support/oracle';
import {
  CONTEXT_DEFAULTS,
  launchChromium,
  PHASE1_WIDGETS,
  readLeaderboard,
  readSparkline,
  readWow,
  signIn,
  TREND_METRICS,
  WOW_METRICS,
  waitForDashboard,
  waitForHydration,
} from './browser';

const e2e = inject('e2e');
const CUBE = new URL(e2e.cubeApiUrl).origin;
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? path.join(ROOT, 'docs', 'screenshots')
  : path.join(ROOT, '.data', 'screenshots');
const db = createOracle(e2e.pg);

let browser: Browser;
let admin: BrowserContext;

beforeAll(async () => {
  browser = await launchChromium();
  admin = await browser.newContext({ ...CONTEXT_DEFAULTS, acceptDownloads: true });
  const page = await admin.newPage();
  await signIn(page, e2e.webUrl, 'admin');
  await page.close();
});
afterAll(async () => {
  await browser?.close();
  await db.end();
});

/**
 * Opens the Playground link of a widget's Explore menu; resolves to the Playground tab once the
 * linked query has run there by itself (nobody presses Run Query) with the query of its URL.
 */
async function openInPlayground(page: Page, widget: string): Promise<Page> {
  await page.click(`[data-testid=${widget}] [data-testid=explore-button]`);
  const [playground] = await Promise.all([
    page.context().waitForEvent('page'),
    page.click(`[data-testid=${widget}] [data-testid=explore-open-playground] >> nth=0`),
  ]);
  const ran = playground.waitForResponse(
    (res) => new URL(res.url()).pathname.endsWith('/cubejs-api/v1/load') && res.status() === 200,
    { timeout: 60_000 },
  );
  await playground.waitForSelector('[data-qa=RunQueryButton]', { timeout: 60_000 });
  const request = (await ran).request();
  const sent = z
    .object({ measures: z.array(z.string()).optional() })
    .loose()
    .parse(
      JSON.parse(
        new URL(request.url()).searchParams.get('query') ??
          JSON.stringify(JSON.parse(request.postData() ?? '{}').query ?? null),
      ),
    );
  const linked = z
    .object({ measures: z.array(z.string()).optional() })
    .loose()
    .parse(queryInPlaygroundUrl(playground));
  expect(sent.measures).toEqual(linked.measures);
  return playground;
}

function queryInPlaygroundUrl(page: Page): unknown {
  const hash = new URL(page.url()).hash; // #/build?query=…
  const query = new URLSearchParams(hash.slice(hash.indexOf('?') + 1)).get('query');
  return query === null ? null : JSON.parse(query);
}

describe('refused', () => {
  test('an anonymous browser gets the sign-in page, not the UI', async () => {
    const context = await browser.newContext(CONTEXT_DEFAULTS);
    const page = await context.newPage();
    const res = await page.goto(`${CUBE}/`);
    expect(res?.status()).toBe(401);
    await page.waitForSelector('[data-testid=playground-refused]');
    expect(await page.$('#playground-root')).toBeNull();
    await context.close();
  });

  test('a member is refused by the web app’s hand-off', async () => {
    const context = await browser.newContext(CONTEXT_DEFAULTS);
    const page = await context.newPage();
    await signIn(page, e2e.webUrl, 'member');
    const res = await page.goto(`${e2e.webUrl}/admin/playground`);
    expect(res?.status()).toBe(403);
    expect(new URL(page.url()).origin).toBe(e2e.webUrl);
    const playground = await page.goto(`${CUBE}/`);
    expect(playground?.status()).toBe(401);
    await context.close();
  });

  test('an expired hand-off token is refused', async () => {
    const context = await browser.newContext(CONTEXT_DEFAULTS);
    const page = await context.newPage();
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign(
      { sub: 'e2e', role: 'admin', iat: now - 120, exp: now - 60 },
      e2e.cubeApiSecret,
      { algorithm: 'HS256' },
    );
    const res = await page.goto(`${CUBE}/playground/sign-in?token=${expired}`);
    expect(res?.status()).toBe(401);
    expect(await page.textContent('[data-testid=playground-refused]')).toContain('expired');
    expect((await context.cookies()).map((c) => c.name)).not.toContain('cube_playground');
    await context.close();
  });

  test('every route of the installed DevServer, with the admin’s Playground session', async () => {
    const page = await admin.newPage();
    await page.goto(`${e2e.webUrl}/admin/playground`);
    await page.waitForSelector('[data-qa=RunQueryButton]', { timeout: 60_000 });
    const bearer = signCubeToken(e2e.cubeApiSecret, { sub: 'e2e', role: 'admin' });
    for (const route of installedDevServerRoutes().filter((r) => r !== DEV_SERVER_STATIC)) {
      const [method = 'GET', routePath = '/'] = route.split(' ');
      const res = await page.request.fetch(`${CUBE}${routePath.replace(/:\w+/g, 'x')}`, {
        method,
        headers: { authorization: bearer },
        data: method === 'POST' ? { variables: {}, payload: { role: 'admin' } } : undefined,
      });
      const expected = DEV_SERVER_ROUTES[route]?.verdict === 'served' ? [200] : [403, 404];
      expect(expected, `${route} answered ${res.status()}`).toContain(res.status());
    }
    await page.close();
  });
});

describe('an admin builds a query in the Playground', () => {
  test('exports by format, last 30 days: the table equals SQL, the SQL pane reads a rollup', async () => {
    const tab = await admin.newPage();
    await tab.goto(`${e2e.webUrl}/admin/analytics?tf=30d`);
    await waitForHydration(tab);
    await waitForDashboard(tab, '30d');
    const page = await openInPlayground(tab, 'widget-trend-exports');
    await tab.close();

    // The widget's query is open; start over and build one by clicking through the UI.
    await page.click('[data-qa=ResetQuery]');
    const loads: Array<{ query: { timeDimensions?: Array<{ dateRange?: [string, string] }> } }> =
      [];
    // Answers to the query built below only: the linked query ran on arrival, and Cube's
    // "Continue wait" answers carry no query.
    page.on('response', async (res) => {
      if (res.url().includes('/cubejs-api/v1/load') && res.status() === 200) {
        const body = (await res.json()) as { results?: typeof loads; query?: unknown };
        for (const answer of body.results ?? [body as (typeof loads)[number]]) {
          if (JSON.stringify(answer.query ?? null).includes('exports_overview.format')) {
            loads.push(answer);
          }
        }
      }
    });
    await page.click('[data-qa=QueryBuilderTab-views]');
    const views = await page.$$eval('[data-qa=CubeButton]', (els) =>
      els.map((e) => e.getAttribute('data-qaval')),
    );
    expect(views).toEqual(expect.arrayContaining(['exports_overview', 'template_leaderboard']));
    await page.click('[data-qa=CubeButton][data-qaval=exports_overview]');
    await page.click('[data-qa=MemberButton][data-qaval="exports_overview.format"]');
    await page.click('[data-qa=MemberButton][data-qaval="exports_overview.exports"]');
    await page.click('button[data-member=timeDimension][aria-label=Options]');
    await page.click('[data-qa=MenuItem-add-date-range]');
    const option = page.getByRole('option', { name: 'Last 30 days', exact: true });
    await option.scrollIntoViewIfNeeded();
    await option.click();
    await page.waitForFunction(
      () => !document.querySelector('[data-qa=RunQueryButton]')?.hasAttribute('disabled'),
    );
    await page.click('[data-qa=RunQueryButton]');

    // Cube resolved "Last 30 days" to explicit bounds; the oracle counts the same window.
    await expect.poll(() => loads.length, { timeout: 60_000 }).toBeGreaterThan(0);
    const range = loads.at(-1)?.query.timeDimensions?.[0]?.dateRange;
    if (!range) throw new Error('the Playground’s /load answer carried no date range');
    const { from, to } = sqlWindow(range);
    expect(Date.parse(to) - Date.parse(from)).toBe(30 * 86_400_000);
    const expected = await db.sql(
      `SELECT format, count(*)::int AS exports FROM exports
        WHERE created_at >= $1 AND created_at < $2 GROUP BY format ORDER BY exports DESC, format`,
      [from, to],
    );
    expect(expected.length).toBeGreaterThan(1);
    // The table shows the linked query's rows (which ran on arrival) under the new columns until
    // this query's answer is drawn: read it until it is this query's.
    const shown = () =>
      page.$$eval('[data-element=Row][data-qa^=QueryBuilderResult-row_]', (rows) =>
        rows.map((row) => ({
          format: row.querySelector(
            '[data-name="exports_overview.format"] [data-element=CellValue]',
          )?.textContent,
          exports: Number(
            row
              .querySelector('[data-name="exports_overview.exports"] [data-element=CellValue]')
              ?.textContent?.replace(/[^\d]/g, ''),
          ),
        })),
      );
    await expect
      .poll(
        async () =>
          [...(await shown())].sort(
            (a, b) => b.exports - a.exports || String(a.format).localeCompare(String(b.format)),
          ),
        { timeout: 30_000 },
      )
      .toEqual(expected.map((r) => ({ format: r.format, exports: Number(r.exports) })));
    await fs.mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'playground-results.png') });

    // The SQL and JSON panes render outside the results table: read the page's text.
    await page.click('[data-qa=Tab-generated-sql]');
    await page.waitForFunction(() =>
      document.body.textContent?.includes('analytics_pre_aggregations'),
    );
    expect(await page.textContent('body')).toMatch(
      /analytics_pre_aggregations\s*\.\s*exports_daily/,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'playground-sql.png') });

    await page.click('[data-qa=Tab-json]');
    await page.waitForFunction(() =>
      document.body.textContent?.includes('exports_overview.format'),
    );
    expect(await page.textContent('body')).toContain('exports_overview.exports');
    await page.close();
  });
});

/** Show query: the dialog's Cube query (one, or the list a widget sends) and its SQL. */
async function shownQuery(page: Page, widget: string): Promise<TypedQuery | TypedQuery[]> {
  await page.click(`[data-testid=${widget}] [data-testid=explore-button]`);
  await page.click(`[data-testid=${widget}] [data-testid=explore-show-query]`);
  const dialog = `[data-testid=${widget}] [data-testid=explore-query-dialog]`;
  await page.waitForSelector(`${dialog} [data-testid=explore-query-sql]`, { timeout: 60_000 });
  const query = JSON.parse(
    (await page.textContent(`${dialog} [data-testid=explore-query-json]`)) ?? 'null',
  ) as TypedQuery | TypedQuery[];
  const sql = await page.$$eval(`${dialog} [data-testid=explore-query-sql]`, (els) =>
    els.map((e) => e.textContent ?? ''),
  );
  expect(sql.length).toBeGreaterThan(0);
  for (const statement of sql) expect(statement).toMatch(/SELECT/i);
  // Laid out one clause a line (sql-formatter), not Cube's one long line.
  for (const statement of sql) expect(statement).toMatch(/\n\s*FROM\b/);
  const copies = await page.$$(`${dialog} [data-testid=explore-copy]`);
  expect(copies.length).toBe(sql.length + 1);
  await page.keyboard.press('Escape');
  await page.waitForSelector(dialog, { state: 'hidden' });
  return query;
}

async function csvOf(page: Page, widget: string): Promise<{ name: string; rows: string[][] }> {
  await page.click(`[data-testid=${widget}] [data-testid=explore-button]`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`[data-testid=${widget}] [data-testid=explore-download-csv]`),
  ]);
  const file = await download.path();
  const parsed = Papa.parse<string[]>(await fs.readFile(file, 'utf8'), { skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return { name: download.suggestedFilename(), rows: parsed.data };
}

describe('Explore, from every Phase 1 widget', () => {
  let page: Page;
  beforeAll(async () => {
    page = await admin.newPage();
    await page.goto(`${e2e.webUrl}/admin/analytics?tf=7d`);
    await waitForHydration(page);
    await waitForDashboard(page, '7d');
  });
  afterAll(() => page.close());

  test.each(PHASE1_WIDGETS)('%s: Show query, Open in Playground, Download CSV', async (widget) => {
    const shown = await shownQuery(page, widget);
    if (Array.isArray(shown)) throw new Error(`${widget} sends one query`);
    const query = shown;
    expect(query.timezone).toBe('UTC');

    const playground = await openInPlayground(page, widget);
    const compared = query.timeDimensions?.find((td) => td.compareDateRange);
    const landed = queryInPlaygroundUrl(playground);
    if (compared?.compareDateRange) {
      // The Playground has no compareDateRange: the link opens the current period.
      expect(landed).toEqual({
        ...query,
        timeDimensions: [
          { dimension: compared.dimension, dateRange: compared.compareDateRange[0] },
        ],
      });
    } else {
      expect(landed).toEqual(query);
    }
    await playground.close();

    const csv = await csvOf(page, widget);
    expect(csv.name).toMatch(/^[a-z0-9-]+_[a-z0-9-]+\.csv$/);
    const [header, ...rows] = csv.rows;
    if (widget === 'widget-top-templates') {
      expect(csv.name).toBe('top-templates_last-7-days.csv');
      expect(header).toEqual(['Rank', 'Template ID', 'Template', 'Uses']);
      const shown = await readLeaderboard(page);
      expect(rows.map((r) => ({ rank: Number(r[0]), id: r[1], count: Number(r[3]) }))).toEqual(
        shown,
      );
    }
    for (const metric of TREND_METRICS) {
      if (widget !== `widget-trend-${metric}`) continue;
      const shown = await readSparkline(page, metric);
      expect(header?.[0]).toBe('Day (UTC)');
      expect(rows.map((r) => Number(r[1]))).toEqual(shown.counts);
      expect(rows).toHaveLength(shown.bucketCount);
    }
    for (const metric of WOW_METRICS) {
      if (widget !== `widget-wow-${metric}`) continue;
      const shown = await readWow(page, metric);
      const [row] = rows;
      const num = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));
      // The file rounds as the card does: rates and changes to one decimal, counts whole.
      const rate = metric === 'export_success';
      const round = (v: number | null, kind: ValueKind) =>
        v === null ? null : roundedValue(v, kind);
      expect({
        current: num(row?.[1]),
        previous: num(row?.[2]),
        deltaAbs: num(row?.[3]),
        deltaPct: num(row?.[4]),
      }).toEqual({
        current: round(shown.current, rate ? 'percent' : 'count'),
        previous: round(shown.previous, rate ? 'percent' : 'count'),
        deltaAbs: round(shown.deltaAbs, rate ? 'points' : 'count'),
        deltaPct: round(shown.deltaPct, 'percent'),
      });
    }
  });

  test('the menu is keyboard reachable: Tab to it, Enter opens, arrows move, Escape closes', async () => {
    await page.focus('[data-testid=widget-top-templates] [data-testid=explore-button]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=widget-top-templates] [data-testid=explore-menu]');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    expect(await focused()).toBe('explore-open-playground');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('explore-show-query');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('explore-download-csv');
    await page.keyboard.press('Escape');
    expect(await focused()).toBe('explore-button');
    expect(
      await page.$('[data-testid=widget-top-templates] [data-testid=explore-menu]'),
    ).toBeNull();
  });
});

/**
 * One widget per Phase 2 section, each with what its CSV row becomes on the page: the
 * `data-metric` names the widget shows for that row, the file's cell, and the cell's kind (the
 * file holds the page's exact `data-value` rounded as the screen rounds that kind; a drop-off
 * is the rest of its step's rounded conversion, so the two add up to 100).
 */
type Cell = [metric: string, value: string | undefined, kind: ValueKind | 'rest'];
const PHASE2_EXPLORE: ReadonlyArray<{
  section: SectionId;
  widget: string;
  file: string;
  header: string[];
  metrics: (row: string[]) => Cell[];
}> = [
  {
    section: 'releases',
    widget: 'list',
    file: 'releases-views-per-release_all-time.csv',
    header: ['Release ID', 'Version', 'Title', 'Published (UTC)', 'Views', 'Video', 'Thumbnail'],
    metrics: (r) => [[`releases.list.${r[0]}.views`, r[4], 'count']],
  },
  {
    section: 'exports',
    widget: 'formats',
    file: 'exports-by-format_all-time.csv',
    header: ['Format', 'Exports', 'Share (%)'],
    metrics: (r) => [
      [`exports.formats.${r[0]}.exports`, r[1], 'count'],
      [`exports.formats.${r[0]}.share`, r[2], 'share'],
    ],
  },
  {
    section: 'engagement',
    widget: 'editMix',
    file: 'engagement-edit-complexity_all-time.csv',
    header: ['Kind', 'Edits', 'Share (%)'],
    metrics: (r) => [
      [`engagement.editMix.${r[0]?.toLowerCase()}.count`, r[1], 'count'],
      [`engagement.editMix.${r[0]?.toLowerCase()}.share`, r[2], 'share'],
    ],
  },
  {
    section: 'monetization',
    widget: 'funnel',
    file: 'monetization-paywall-funnel_all-time.csv',
    header: ['Step', 'Count', 'Conversion (%)', 'Drop-off (%)'],
    metrics: (r) => {
      const step = FUNNEL_STEPS.find((s) => FUNNEL_LABELS[s] === r[0]) ?? `unknown ${r[0]}`;
      return [
        [`monetization.funnel.${step}.count`, r[1], 'count'],
        [`monetization.funnel.${step}.conversion`, r[2], 'share'],
        [`monetization.funnel.${step}.dropOff`, r[3], 'rest'],
      ];
    },
  },
  {
    section: 'llm',
    widget: 'tools',
    file: 'llm-top-tools_all-time.csv',
    header: ['Tool', 'Calls', 'Errors', 'Error rate (%)'],
    metrics: (r) => [
      [`llm.tools.${r[0]}.calls`, r[1], 'count'],
      [`llm.tools.${r[0]}.errors`, r[2], 'count'],
      [`llm.tools.${r[0]}.errorRate`, r[3], 'share'],
    ],
  },
  {
    section: 'assets',
    widget: 'types',
    file: 'assets-uploads-by-type_all-time.csv',
    header: ['Type', 'Uploads', 'Size (bytes)'],
    metrics: (r) => [
      [`assets.types.${r[0]}.uploads`, r[1], 'count'],
      [`assets.types.${r[0]}.bytes`, r[2], 'bytes'],
    ],
  },
];

describe('Explore, from a widget of every Phase 2 section', () => {
  let page: Page;
  beforeAll(async () => {
    page = await admin.newPage();
  });
  afterAll(() => page.close());

  test.each(PHASE2_EXPLORE)(
    '$section section, $widget widget: Show query, Open in Playground, Download CSV',
    async ({ section, widget, file, header, metrics }) => {
      const id = `widget-${section}-${widget}`;
      await page.goto(`${e2e.webUrl}/admin/analytics?section=${section}&stf=all`);
      await waitForHydration(page);
      await page.waitForSelector(
        `[data-testid=sections][data-section=${section}][data-timeframe=all] [data-testid=${id}][data-state=ready]:not([aria-busy=true])`,
        { timeout: 180_000 },
      );

      const shown = await shownQuery(page, id);
      const queries = Array.isArray(shown) ? shown : [shown];
      for (const q of queries) expect(q.timezone).toBe('UTC');
      const playground = await openInPlayground(page, id);
      expect(queryInPlaygroundUrl(playground)).toEqual(queries[0]);
      await playground.close();

      const csv = await csvOf(page, id);
      expect(csv.name).toBe(file);
      const [head, ...rows] = csv.rows;
      expect(head).toEqual(header);
      expect(rows.length).toBeGreaterThan(0);
      // Every number the widget shows is in the file, and the file holds nothing else.
      const onPage = await page.$$eval(`[data-testid=${id}] [data-metric]`, (els) =>
        Object.fromEntries(
          els.map((e) => [e.getAttribute('data-metric'), e.getAttribute('data-value')]),
        ),
      );
      const cells = rows.flatMap((r) => metrics(r));
      const inFile = Object.fromEntries(cells.map(([metric, value]) => [metric, value]));
      const pageValue = (metric: string) => {
        const raw = onPage[metric];
        return raw === undefined || raw === null || raw === '' ? null : Number(raw);
      };
      const expected = Object.fromEntries(
        Object.keys(onPage).map((metric) => {
          const kind = cells.find(([m]) => m === metric)?.[2] ?? 'count';
          const value =
            kind === 'rest'
              ? pageValue(metric.replace(/\.dropOff$/, '.conversion'))
              : pageValue(metric);
          if (value === null) return [metric, ''];
          const cell =
            kind === 'rest' ? 100 - roundedValue(value, 'share') : roundedValue(value, kind);
          return [metric, String(Number(cell.toFixed(1)))];
        }),
      );
      expect(inFile).toEqual(expected);
      expect(Object.keys(inFile)).toHaveLength(rows.length * metrics(header).length);
    },
    240_000,
  );
});
