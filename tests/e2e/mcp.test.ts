/**
 * The MCP server against the seeded stack of tests/setup/global-e2e.ts, through the SDK's own
 * client over both transports (Streamable HTTP at the web app's /api/mcp, and `npm run mcp` over
 * stdio, relayed through the plain MCP listener `npm start` also runs): every tool, every number against the hand-written SQL oracles the tab's tests use,
 * bad input per tool, the token rules, the audit log, and the "Connect an AI assistant" page in
 * Chromium (an admin gets a token and config that work until revoked; a member gets nothing).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type CallToolResult, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { z } from 'zod';
import { signCubeToken } from '../../cube/auth';
import { leaderboardOracle, sectionOracle, trendOracle, wowOracle } from '../../oracles/pages';
import { sqlWindow } from '../../oracles/sql';
import { VIEW_ORACLES } from '../../oracles/views';
import { TREND_METRICS, WOW_METRICS } from '../../web/lib/analytics/schemas';
import { SECTION_IDS, SECTIONS, type SectionId } from '../../web/lib/analytics/sections';
import { cubeMembers } from '../../web/lib/cube/members.generated';
import { auditEntrySchema } from '../../web/lib/mcp/audit';
import { MCP_MAX_ROWS } from '../../web/lib/mcp/query';
import {
  MCP_TOOL_NAMES,
  VIEW_RESOURCE_TEMPLATE,
  VIEWS_RESOURCE_URI,
  viewResourceUri,
  WEEKLY_SUMMARY_PROMPT,
} from '../../web/lib/mcp/server';
import { createMcpToken, revokeMcpToken } from '../../web/lib/mcp/tokens';
import {
  startOfUtcHour,
  TIMEFRAMES,
  timeframeWindow,
  type WindowTimeframe,
  WOW_WEEKS,
} from '../../web/lib/timeframe';
import { sameNumber } from '../support/compare';
import { createOracle } from '../support/oracle';
import { CONTEXT_DEFAULTS, launchChromium, signIn } from './browser';

const e2e = inject('e2e');
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const MCP_URL = `${e2e.webUrl}/api/mcp`;
/** The same handler on its plain Node listener: the stdio relay goes through it. */
const LISTENER_URL = e2e.mcpUrl;
const ADMIN = 'admin@example.com';
const MEMBER = 'member@example.com';
const db = createOracle(e2e.pg);

const DAY_MS = 24 * 60 * 60 * 1000;
const newToken = async (sub: string, nowMs = Date.now()) =>
  (await createMcpToken({ file: e2e.mcpTokenFile, sub, label: 'e2e', days: 1, nowMs })).token;

async function httpClient(token: string): Promise<Client> {
  const client = new Client({ name: 'e2e-http', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(MCP_URL), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

async function stdioClient(token: string): Promise<Client> {
  const client = new Client({ name: 'e2e-stdio', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: 'npm',
      args: ['run', '--silent', 'mcp'],
      cwd: ROOT,
      env: {
        ...(process.env as Record<string, string>),
        MCP_URL: LISTENER_URL,
        MCP_TOKEN: token,
      },
      stderr: 'inherit',
    }),
  );
  return client;
}

const textOf = (result: CallToolResult) =>
  result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError ?? false, `${name}: ${textOf(result)}`).toBe(false);
  return result;
}

async function refused(client: Client, name: string, args: Record<string, unknown>) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = textOf(result);
  expect(result.isError, `${name} accepted ${JSON.stringify(args)}: ${text}`).toBe(true);
  expect(text).not.toMatch(/\n\s+at\s/); // no stack trace
  return text;
}

const planSchema = z.object({
  value: z.unknown(),
  dateRanges: z.array(z.tuple([z.string(), z.string()])),
  dataAsOf: z.string().nullable(),
  fromPreAggregations: z.boolean(),
  preAggregations: z.array(z.string()),
});
const querySchema = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))),
  rowCount: z.number(),
  truncated: z.boolean(),
  dateRange: z.tuple([z.string(), z.string()]).nullable(),
  dataAsOf: z.string().nullable(),
  preAggregations: z.array(z.string()),
});

/**
 * Runs `check(now)` with `now` inside the hour the tool computed its windows in: the tool and the
 * oracle both window by the current UTC hour, so a call across an hour boundary is redone.
 */
async function inOneHour(check: (now: number) => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const before = Date.now();
    try {
      await check(before);
      return;
    } catch (error) {
      if (attempt > 0 || startOfUtcHour(Date.now()) === startOfUtcHour(before)) throw error;
    }
  }
}

/**
 * A number of a section widget's value by the page's `data-metric` path (section.widget.…):
 * object keys, array indexes, or the array element one of whose fields (or "a/b" of two) is the
 * next segment or segments (a model name such as "gpt-4.1" holds a dot); an object's only list
 * when the key is not the object's. undefined when the value does not hold the path.
 */
function metricValue(value: unknown, segments: readonly string[]): number | null | undefined {
  // A bucket's time as the page keys it (ISO with Z) and as Cube gives it (no zone): one instant.
  const instant = (text: string) =>
    /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(/Z$/.test(text) ? text : `${text}Z`) : Number.NaN;
  const matches = (el: unknown, key: string) => {
    if (typeof el !== 'object' || el === null) return false;
    const fields = Object.values(el).filter((v) => typeof v === 'string');
    return (
      fields.includes(key) ||
      fields.some((a) => fields.some((b) => `${a}/${b}` === key)) ||
      fields.some((f) => !Number.isNaN(instant(f)) && instant(f) === instant(key))
    );
  };
  let at: unknown = value;
  let i = 0;
  while (i < segments.length) {
    const seg = segments[i] ?? '';
    if (Array.isArray(at)) {
      const list: unknown[] = at;
      if (/^\d+$/.test(seg) && list[Number(seg)] !== undefined) {
        at = list[Number(seg)];
        i += 1;
        continue;
      }
      let found = false;
      for (let k = segments.length - i; k >= 1 && !found; k--) {
        const key = segments.slice(i, i + k).join('.');
        const el = list.find((x) => matches(x, key));
        if (el !== undefined) {
          at = el;
          i += k;
          found = true;
        }
      }
      if (!found) return undefined;
    } else if (typeof at === 'object' && at !== null && seg in at) {
      at = (at as Record<string, unknown>)[seg];
      i += 1;
    } else if (typeof at === 'object' && at !== null) {
      // A list beside its total ({ failures, top: [...] }): the page's path skips the list's key;
      // with several lists ({ byFormat: [...], trend: [...] }), the one holding the next key.
      const lists = Object.values(at).filter(Array.isArray) as unknown[][];
      const rest = segments.slice(i);
      const holding =
        lists.length === 1
          ? lists[0]
          : lists.find((list) =>
              rest.some((_, k) => list.some((x) => matches(x, rest.slice(0, k + 1).join('.')))),
            );
      if (!holding) return undefined;
      at = holding;
    } else {
      return undefined;
    }
  }
  if (at === null) return null;
  // A point of a series the page keys by its bucket alone ({ bucket, share }): its one number.
  if (typeof at === 'object') {
    const numbers = Object.values(at).filter((v) => typeof v === 'number');
    return numbers.length === 1 ? (numbers[0] as number) : undefined;
  }
  return typeof at === 'number' ? at : undefined;
}

let admin: Client;
let stdio: Client;

beforeAll(async () => {
  const token = await newToken(ADMIN);
  admin = await httpClient(token);
  stdio = await stdioClient(token);
});
afterAll(async () => {
  await admin?.close();
  await stdio?.close();
  await db.end();
});

describe('MCP tools over Streamable HTTP and stdio', () => {
  test('both transports list the same tools, each with a description and an object schema', async () => {
    for (const client of [admin, stdio]) {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([...MCP_TOOL_NAMES].sort());
      for (const tool of tools) {
        expect(tool.description?.length ?? 0, tool.name).toBeGreaterThan(30);
        expect(tool.inputSchema.type).toBe('object');
        expect(tool.annotations?.readOnlyHint).toBe(true);
      }
    }
  });

  test('both transports offer the weekly summary prompt, which names only real tools', async () => {
    for (const client of [admin, stdio]) {
      const { prompts } = await client.listPrompts();
      expect(prompts.map((p) => p.name)).toEqual(['weekly_admin_summary']);
      const prompt = await client.getPrompt({ name: 'weekly_admin_summary' });
      const text = prompt.messages
        .map((m) => (m.content.type === 'text' ? m.content.text : ''))
        .join('');
      expect(text).toBe(WEEKLY_SUMMARY_PROMPT);
    }
    const named = [...WEEKLY_SUMMARY_PROMPT.matchAll(/Call (\w+)/g)].map((m) => m[1]);
    const more = [...WEEKLY_SUMMARY_PROMPT.matchAll(/and (\w+) \(/g)].map((m) => m[1]);
    for (const tool of [...named, ...more]) expect(MCP_TOOL_NAMES).toContain(tool);
  });

  test('list_views and describe_view: the public views and their members, as the model has them', async () => {
    const views = [...new Set(Object.values(cubeMembers).map((m) => m.view))].sort();
    for (const client of [admin, stdio]) {
      const listed = z
        .object({
          views: z.array(z.object({ name: z.string(), description: z.string().nullable() })),
        })
        .parse((await call(client, 'list_views')).structuredContent);
      expect(listed.views.map((v) => v.name).sort()).toEqual(views);
      expect(listed.views.every((v) => (v.description ?? '').length > 0)).toBe(true);
    }
    for (const view of views) {
      const described = z
        .object({
          view: z.string(),
          members: z.array(
            z
              .object({
                name: z.string(),
                kind: z.string(),
                granularities: z.array(z.string()).optional(),
              })
              .loose(),
          ),
        })
        .parse((await call(admin, 'describe_view', { view })).structuredContent);
      const expected = Object.entries(cubeMembers)
        .filter(([, m]) => m.view === view)
        .map(([name, m]) => `${name}:${m.kind}`)
        .sort();
      expect(described.members.map((m) => `${m.name}:${m.kind}`).sort()).toEqual(expected);
      for (const m of described.members) {
        if (cubeMembers[m.name as keyof typeof cubeMembers]?.type === 'time') {
          expect(m.granularities).toContain('day');
        }
      }
    }
  });

  test('query: every measure of every view over 30 days equals the SQL oracle (stdio for half)', async () => {
    const range = timeframeWindow('30d', Date.now()).dateRange;
    const window = sqlWindow(range);
    for (const [i, oracle] of VIEW_ORACLES.entries()) {
      const client = i % 2 === 0 ? admin : stdio;
      const answer = querySchema.parse(
        (
          await call(client, 'query', {
            measures: oracle.measures,
            timeDimension: { dimension: oracle.timeDimension, dateRange: [range[0], range[1]] },
          })
        ).structuredContent,
      );
      const expected = await oracle.expected(db, window);
      expect(answer.columns).toEqual(oracle.measures);
      expect(answer.rowCount).toBe(1);
      const row = answer.rows[0] ?? [];
      const got = Object.fromEntries(
        oracle.measures.map((m, j) => [m, row[j] === null ? null : Number(row[j])]),
      );
      const wrong = Object.keys(expected).filter(
        (m) => !sameNumber(got[m] ?? null, expected[m] ?? null),
      );
      expect(
        wrong.map((m) => `${m}: mcp ${got[m]} ≠ sql ${expected[m]}`),
        oracle.name,
      ).toEqual([]);
      expect(answer.dateRange?.[0]).toBe(range[0]);
    }
  });

  test('query: grouped by a dimension and a granularity, bounded rows with a note', async () => {
    const grouped = await call(admin, 'query', {
      measures: ['exports_overview.exports'],
      dimensions: ['exports_overview.format'],
      order: [{ member: 'exports_overview.format', direction: 'asc' }],
    });
    const table = querySchema.parse(grouped.structuredContent);
    const formats = await db.sql(
      'SELECT format, count(*) AS n FROM exports GROUP BY format ORDER BY format',
    );
    expect(table.rows.map((r) => [String(r[0]), Number(r[1])])).toEqual(
      formats.map((f) => [String(f.format), Number(f.n)]),
    );
    expect(textOf(grouped)).toContain('exports_overview.format | exports_overview.exports');

    const hourly = await call(admin, 'query', {
      measures: ['exports_overview.exports'],
      timeDimension: { dimension: 'exports_overview.created_at', granularity: 'hour' },
    });
    const cut = querySchema.parse(hourly.structuredContent);
    const hours = await db.one(
      "SELECT count(DISTINCT date_trunc('hour', created_at)) AS n FROM exports",
    );
    expect(Number(hours.n)).toBeGreaterThan(MCP_MAX_ROWS);
    expect(cut).toMatchObject({ rowCount: MCP_MAX_ROWS, truncated: true });
    expect(textOf(hourly)).toContain(`Truncated: showing the first ${MCP_MAX_ROWS} rows`);
    // Hourly exports are a rollup's grain: the answer names it and its freshness.
    expect(cut.preAggregations.length).toBeGreaterThan(0);
    expect(cut.dataAsOf).not.toBeNull();
  });

  test('query_sql: the SQL Cube generates, reading the rollup when one serves the query', async () => {
    const raw = z.object({ sql: z.string(), params: z.array(z.unknown()) }).parse(
      (
        await call(stdio, 'query_sql', {
          measures: ['exports_overview.exports'],
          dimensions: ['exports_overview.format'],
        })
      ).structuredContent,
    );
    expect(raw.sql).toMatch(/select/i);
    expect(raw.sql).toMatch(/exports/i);
  });

  test('top_templates at every timeframe equals the leaderboard oracle, from a pre-aggregation', async () => {
    for (const timeframe of TIMEFRAMES) {
      await inOneHour(async (now) => {
        const answer = planSchema.parse(
          (await call(admin, 'top_templates', { timeframe })).structuredContent,
        );
        const rows = z
          .array(z.object({ id: z.string(), usageCount: z.number() }))
          .parse(answer.value);
        expect(
          rows.map((r) => ({ id: r.id, count: r.usageCount })),
          timeframe,
        ).toEqual(await leaderboardOracle(db, timeframe, now));
        expect(answer.fromPreAggregations, timeframe).toBe(true);
      });
    }
  });

  test('trends at every timeframe equal the trend oracle, every bucket', async () => {
    for (const timeframe of TIMEFRAMES) {
      await inOneHour(async (now) => {
        const answer = planSchema.parse(
          (await call(stdio, 'trends', { timeframe })).structuredContent,
        );
        const value = z
          .object({
            granularity: z.string(),
            series: z.record(
              z.string(),
              z.object({ buckets: z.array(z.object({ count: z.number() })), total: z.number() }),
            ),
          })
          .parse(answer.value);
        for (const metric of TREND_METRICS) {
          const expected = await trendOracle(db, metric, timeframe, now);
          const series = value.series[metric];
          expect(value.granularity).toBe(expected.granularity);
          expect(
            series?.buckets.map((b) => b.count),
            `${metric} ${timeframe}`,
          ).toEqual(expected.counts);
          expect(series?.total).toBe(expected.total);
        }
        expect(answer.fromPreAggregations, timeframe).toBe(true);
      });
    }
  });

  test('week_over_week for both metrics at every span equals the WoW oracle', async () => {
    for (const metric of WOW_METRICS) {
      for (const weeks of WOW_WEEKS) {
        await inOneHour(async (now) => {
          const answer = planSchema.parse(
            (await call(admin, 'week_over_week', { metric, weeks })).structuredContent,
          );
          const value = z
            .object({
              current: z.number().nullable(),
              previous: z.number().nullable(),
              deltaAbs: z.number().nullable(),
              deltaPct: z.number().nullable(),
            })
            .parse(answer.value);
          const expected = await wowOracle(db, metric, weeks, now);
          for (const key of ['current', 'previous', 'deltaAbs', 'deltaPct'] as const) {
            expect(
              sameNumber(value[key], expected[key]),
              `${metric} ${weeks}w ${key}: mcp ${value[key]} ≠ sql ${expected[key]}`,
            ).toBe(true);
          }
          expect(answer.dateRanges).toHaveLength(2);
        });
      }
    }
  });

  test('each section tool at its default timeframe equals the section oracle', async () => {
    const unresolved: string[] = [];
    for (const section of SECTION_IDS) {
      const timeframe: WindowTimeframe = SECTIONS[section].defaultTimeframe;
      await inOneHour(async (now) => {
        const tool = sectionTool(section);
        const answer = planSchema.parse(
          (await call(section.length % 2 ? admin : stdio, tool, { timeframe })).structuredContent,
        );
        const value = z.record(z.string(), z.unknown()).parse(answer.value);
        expect(Object.keys(value).sort()).toEqual(Object.keys(SECTIONS[section].widgets).sort());
        const expected = await sectionOracle(db, section, timeframe, now);
        let checked = 0;
        for (const widget of Object.values(expected)) {
          for (const [metric, want] of Object.entries(widget.values)) {
            const [, widgetKey, ...rest] = metric.split('.');
            const got = metricValue(value[widgetKey ?? ''], rest);
            if (got === undefined) {
              unresolved.push(metric);
              continue;
            }
            checked++;
            expect(sameNumber(got, want), `${metric}: mcp ${got} ≠ sql ${want}`).toBe(true);
          }
        }
        expect(checked, `${section}: numbers compared`).toBeGreaterThan(0);
      });
    }
    // Every number the page shows is in the tool's answer.
    expect(unresolved).toEqual([]);
  });
});

function sectionTool(section: SectionId): string {
  const names: Record<SectionId, string> = {
    releases: 'release_analytics',
    exports: 'export_funnel',
    engagement: 'engagement',
    monetization: 'monetization_funnel',
    llm: 'llm_usage',
    assets: 'asset_stats',
  };
  return names[section];
}

describe('bad input: a tool error that says what is wrong, the session stays usable', () => {
  test('describe_view, query and query_sql name the nearest valid members', async () => {
    expect(await refused(admin, 'describe_view', { view: 'export_overview' })).toContain(
      'exports_overview',
    );
    const member = await refused(admin, 'query', { measures: ['exports_overview.export'] });
    expect(member).toContain('Unknown measure "exports_overview.export"');
    expect(member).toContain('exports_overview.exports');
    const grain = await refused(admin, 'query', {
      measures: ['exports_overview.exports'],
      timeDimension: { dimension: 'exports_overview.created_at', granularity: 'fortnight' },
    });
    expect(grain).toContain('week');
    const reversed = await refused(stdio, 'query', {
      measures: ['exports_overview.exports'],
      timeDimension: {
        dimension: 'exports_overview.created_at',
        dateRange: ['2026-02-01', '2026-01-01'],
      },
    });
    expect(reversed).toContain('reversed');
    expect(
      await refused(admin, 'query', {
        measures: ['exports_overview.exports'],
        timeDimension: { dimension: 'exports_overview.format', granularity: 'day' },
      }),
    ).toContain('exports_overview.created_at');
    expect(await refused(stdio, 'query_sql', { dimensions: ['prompt.created_at'] })).toContain(
      'prompts.created_at',
    );
    // Cube's own refusal (members of two views cannot be joined) is a tool error too.
    expect(
      await refused(admin, 'query', {
        measures: ['exports_overview.exports', 'prompts.prompts'],
      }),
    ).toMatch(/Cube refused the query/);
  });

  test('the plan tools list the valid timeframes, metrics and widgets', async () => {
    expect(await refused(admin, 'top_templates', { timeframe: '90d' })).toContain('7d');
    expect(await refused(admin, 'trends', { timeframe: '7d', metrics: ['export'] })).toContain(
      'exports',
    );
    expect(await refused(stdio, 'week_over_week', { metric: 'paying_users', weeks: 3 })).toMatch(
      /4/,
    );
    for (const section of SECTION_IDS) {
      const offered = SECTIONS[section].timeframes;
      const wrong = (['24h', '7d', '30d', '90d', 'all'] as const).find(
        (tf) => !offered.includes(tf),
      );
      if (wrong) {
        expect(await refused(admin, sectionTool(section), { timeframe: wrong })).toContain(
          offered[0],
        );
      }
      const widget = Object.keys(SECTIONS[section].widgets)[0] ?? '';
      expect(await refused(admin, sectionTool(section), { widget: 'nope' })).toContain(widget);
    }
    // Still usable after all of that, on both transports.
    await call(admin, 'list_views');
    await call(stdio, 'list_views');
  });
});

/** The public views of Cube's own /meta, asked with the admin Cube token MCP calls mint. */
async function metaViews() {
  const member = z
    .object({
      name: z.string(),
      // Segments have no type.
      type: z.string().optional(),
      description: z.string().optional(),
      public: z.boolean().optional(),
      isVisible: z.boolean().optional(),
    })
    .loose();
  const meta = z
    .object({
      cubes: z.array(
        z
          .object({
            name: z.string(),
            type: z.string(),
            description: z.string().optional(),
            public: z.boolean().optional(),
            isVisible: z.boolean().optional(),
            measures: z.array(member),
            dimensions: z.array(member),
            segments: z.array(member),
          })
          .loose(),
      ),
    })
    .parse(
      await (
        await fetch(`${e2e.cubeApiUrl}/meta`, {
          headers: {
            Authorization: signCubeToken(e2e.cubeApiSecret, { sub: `mcp:${ADMIN}`, role: 'admin' }),
          },
        })
      ).json(),
    );
  const shown = (m: { public?: boolean; isVisible?: boolean }) =>
    m.public !== false && m.isVisible !== false;
  return meta.cubes
    .filter((c) => c.type === 'view' && shown(c))
    .map((v) => ({
      ...v,
      members: [...v.measures, ...v.dimensions, ...v.segments].filter(shown),
    }));
}

/** A resource's two renderings: the markdown a model reads and the JSON of the same answer. */
async function readBoth(client: Client, uri: string) {
  const { contents } = await client.readResource({ uri });
  const by = (mimeType: string) => {
    const found = contents.find((c) => c.mimeType === mimeType);
    expect(found?.uri, `${uri} ${mimeType}`).toBe(uri);
    return z.object({ text: z.string() }).loose().parse(found).text;
  };
  expect(contents).toHaveLength(2);
  return { markdown: by('text/markdown'), json: JSON.parse(by('application/json')) as unknown };
}

describe('MCP resources over Streamable HTTP and stdio', () => {
  test('both transports list the overview, one resource per view of /meta, and the view template', async () => {
    const views = await metaViews();
    expect(views.length).toBeGreaterThan(0);
    for (const client of [admin, stdio]) {
      const { resourceTemplates } = await client.listResourceTemplates();
      expect(resourceTemplates.map((t) => [t.name, t.uriTemplate])).toEqual([
        ['view', VIEW_RESOURCE_TEMPLATE],
      ]);
      const { resources } = await client.listResources();
      expect(resources.map((r) => r.uri).sort()).toEqual(
        [VIEWS_RESOURCE_URI, ...views.map((v) => viewResourceUri(v.name))].sort(),
      );
      for (const view of views) {
        const listed = resources.find((r) => r.uri === viewResourceUri(view.name));
        expect(listed?.name).toBe(view.name);
        expect(listed?.description).toBe(view.description);
        expect(listed?.mimeType).toBe('text/markdown');
      }
    }
  });

  test('the overview reads as list_views answers, naming the views of /meta', async () => {
    const views = await metaViews();
    for (const client of [admin, stdio]) {
      const tool = await call(client, 'list_views');
      const { markdown, json } = await readBoth(client, VIEWS_RESOURCE_URI);
      expect(markdown).toBe(textOf(tool));
      expect(json).toEqual(tool.structuredContent);
      const listed = z
        .object({ views: z.array(z.object({ name: z.string(), description: z.string() })) })
        .parse(json);
      expect(listed.views.map((v) => [v.name, v.description]).sort()).toEqual(
        views.map((v) => [v.name, v.description]).sort(),
      );
    }
  });

  test('each view reads as describe_view answers, its members as /meta has them', async () => {
    const views = await metaViews();
    for (const [i, view] of views.entries()) {
      // Every view over HTTP, every other one over stdio too.
      for (const client of i % 2 === 0 ? [admin, stdio] : [admin]) {
        const tool = await call(client, 'describe_view', { view: view.name });
        const { markdown, json } = await readBoth(client, viewResourceUri(view.name));
        expect(markdown).toBe(textOf(tool));
        expect(json).toEqual(tool.structuredContent);
        const described = z
          .object({
            view: z.string(),
            description: z.string().nullable(),
            members: z.array(
              z.object({
                name: z.string(),
                type: z.string().nullable(),
                description: z.string().nullable(),
                granularities: z.array(z.string()).optional(),
              }),
            ),
          })
          .parse(json);
        expect(described.view).toBe(view.name);
        expect(described.description).toBe(view.description ?? null);
        const byName = <M extends { name: string }>(list: readonly M[]) =>
          [...list].sort((a, b) => a.name.localeCompare(b.name));
        expect(
          byName(described.members).map((m) => [m.name, m.type, m.description]),
          view.name,
        ).toEqual(byName(view.members).map((m) => [m.name, m.type ?? null, m.description ?? null]));
        for (const m of described.members) {
          if (m.type === 'time') expect(m.granularities, m.name).toContain('day');
        }
      }
    }
  });

  test('an unknown view is a clear "not found" error, and the session stays usable', async () => {
    for (const client of [admin, stdio]) {
      const error = await client.readResource({ uri: viewResourceUri('export_overview') }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(McpError);
      const mcpError = error as McpError;
      expect(mcpError.code).toBe(-32002);
      // The endpoint's own text once (the stdio relay adds no second "MCP error" prefix).
      expect(mcpError.message).toMatch(
        /^MCP error -32002: Unknown view "export_overview"\. Nearest valid: exports_overview, /,
      );
      expect(mcpError.message).not.toMatch(/MCP error.*MCP error|\n\s+at\s/s);
      await expect(client.readResource({ uri: 'cube://nothing' })).rejects.toThrow(/not found/);
      expect((await client.listResources()).resources.length).toBeGreaterThan(1);
      await call(client, 'list_views');
    }
  });
});

describe('tokens: who may connect', () => {
  const initialize = (authorization?: string, url = MCP_URL) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        ...(authorization ? { Authorization: authorization } : {}),
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'e2e', version: '1' },
        },
      }),
    });

  test('no token, a Cube token, a member’s, an expired and a revoked token are refused', async () => {
    // The web app's route and the plain listener (another process reading the same store).
    let expired = '';
    let revokedToken = '';
    for (const url of [MCP_URL, LISTENER_URL]) {
      const init = (authorization?: string) => initialize(authorization, url);
      expect((await init()).status).toBe(401);
      expect((await init()).headers.get('www-authenticate')).toMatch(/^Bearer/);
      const cubeJwt = signCubeToken(e2e.cubeApiSecret, { sub: ADMIN, role: 'admin' });
      expect((await init(`Bearer ${cubeJwt}`)).status).toBe(401);
      expect((await init(`Bearer ${await newToken(MEMBER)}`)).status).toBe(403);
      expired = await newToken(ADMIN, Date.now() - 2 * DAY_MS);
      const expiredAnswer = await init(`Bearer ${expired}`);
      expect(expiredAnswer.status).toBe(401);
      expect(await expiredAnswer.json()).toEqual({ error: 'Token expired' });
      const revoked = await createMcpToken({
        file: e2e.mcpTokenFile,
        sub: ADMIN,
        label: 'e2e',
        days: 1,
        nowMs: Date.now(),
      });
      expect((await init(`Bearer ${revoked.token}`)).status).toBe(200);
      await revokeMcpToken({
        file: e2e.mcpTokenFile,
        sub: ADMIN,
        id: revoked.record.id,
        nowMs: Date.now(),
      });
      expect((await init(`Bearer ${revoked.token}`)).status).toBe(401);
      revokedToken = revoked.token;
      // A forged secret for the id of a valid token.
      const valid = await createMcpToken({
        file: e2e.mcpTokenFile,
        sub: ADMIN,
        label: 'e2e',
        days: 1,
        nowMs: Date.now(),
      });
      expect((await init(`Bearer ${valid.token}`)).status).toBe(200);
      const forged = `mcp_${valid.record.id}_${'A'.repeat(43)}`;
      expect((await init(`Bearer ${forged}`)).status).toBe(401);
    }
    // The SDK client is refused the same way over HTTP and over stdio.
    await expect(httpClient(expired)).rejects.toThrow();
    await expect(stdioClient(revokedToken)).rejects.toThrow();
  });

  test('every tool call and resource read is in the audit log: who, what, when, rows', async () => {
    const entries = (await readFile(e2e.mcpAuditLog, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => auditEntrySchema.parse(JSON.parse(line)));
    const tools = new Set(entries.map((e) => e.tool));
    for (const name of MCP_TOOL_NAMES) expect(tools, name).toContain(name);
    expect(entries.every((e) => e.sub === ADMIN)).toBe(true);
    const query = entries.find((e) => e.tool === 'query' && e.ok);
    expect(query?.rows).toBeGreaterThan(0);
    const bad = entries.find((e) => e.tool === 'describe_view' && !e.ok);
    expect(bad).toMatchObject({ arguments: { view: 'export_overview' }, rows: 0 });
    expect(bad?.error).toContain('exports_overview');
    // Resource reads too: who read which URI, and the failed read with its error.
    const overview = entries.find((e) => e.resource === VIEWS_RESOURCE_URI && e.ok);
    expect(overview?.rows).toBe((await metaViews()).length);
    const missing = entries.find((e) => e.resource === viewResourceUri('export_overview'));
    expect(missing).toMatchObject({ ok: false, rows: 0 });
    expect(missing?.error).toContain('exports_overview');
  });
});

describe('the "Connect an AI assistant" page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('an admin gets a token and configs that work until revoked', async () => {
    const context = await browser.newContext(CONTEXT_DEFAULTS);
    const page = await context.newPage();
    await signIn(page, e2e.webUrl, 'admin');
    await page.click('[data-testid=link-mcp]');
    await page.waitForURL((url) => url.pathname === '/admin/mcp');
    expect(await page.textContent('[data-testid=mcp-url]')).toBe(MCP_URL);
    await page.fill('input[name=label]', 'browser e2e');
    await page.click('[data-testid=mcp-create]');
    const token = (await page.textContent('[data-testid=mcp-token]', { timeout: 30_000 })) ?? '';
    expect(token).toMatch(/^mcp_/);
    const cursor = JSON.parse((await page.textContent('[data-testid=mcp-config-cursor]')) ?? '');
    expect(cursor).toEqual({
      mcpServers: {
        'admin-analytics': { url: MCP_URL, headers: { Authorization: `Bearer ${token}` } },
      },
    });
    const fromPage = await httpClient(token);
    expect((await fromPage.listTools()).tools.length).toBe(MCP_TOOL_NAMES.length);

    await page.reload();
    const row = page.locator('[data-testid=mcp-token-row]', { hasText: 'browser e2e' });
    await row.locator('[data-testid=mcp-revoke]').click();
    await expect
      .poll(() => row.locator('[data-testid=mcp-token-status]').textContent())
      .toBe('revoked');
    await expect(fromPage.listTools()).rejects.toThrow();
    await fromPage.close().catch(() => undefined);
    await context.close();
  });

  test('a member sees no link, and the page answers 403 without a form', async () => {
    const context = await browser.newContext(CONTEXT_DEFAULTS);
    const page = await context.newPage();
    await signIn(page, e2e.webUrl, 'member');
    expect(await page.locator('[data-testid=link-mcp]').count()).toBe(0);
    const response = await page.goto(`${e2e.webUrl}/admin/mcp`);
    expect(response?.status()).toBe(403);
    expect(await page.locator('[data-testid=mcp-create-form]').count()).toBe(0);
    await context.close();
  });
});
