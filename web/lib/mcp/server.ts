/**
 * The MCP server over the semantic layer: the views and their members from Cube's `/meta`, a
 * checked Cube query, the SQL Cube generates for it, and the Analytics tab's own questions as
 * ready-made tools (the tab's query definitions, so an assistant gets the tab's numbers), and the
 * views read-only as resources (the list_views and describe_view answers themselves). Servers are
 * pooled and act for the current request's caller (pool.ts); every tool call and resource read is
 * audited (audit.ts).
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  type CallToolResult,
  ErrorCode,
  type ReadResourceResult,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import {
  type CubeAnswer,
  loadAnswer,
  type QueryDefinition,
  SECTION_ROUTES,
  type SectionParams,
  type SectionSchema,
  topTemplatesDefinition,
  trendsDefinition,
  wowDefinition,
} from '../analytics/definitions';
import { TREND_METRICS, WOW_METRICS } from '../analytics/schemas';
import { SECTIONS, type SectionId } from '../analytics/sections';
import { type CubeLoader, CubeRequestError } from '../cube/client';
import type { LoadResponse } from '../cube/response';
import { oldestRefreshTime } from '../cube/response';
import { startOfUtcHour, TIMEFRAMES, WOW_WEEKS } from '../timeframe';
import type { McpCube, MetaMember, MetaView } from './cube';
import {
  type Cell,
  compactTable,
  findView,
  GRANULARITIES,
  MCP_MAX_ROWS,
  type QueryInput,
  queryInputShape,
  ToolInputError,
  toCubeQuery,
  usedDateRange,
} from './query';

export const MCP_SERVER_NAME = 'admin-analytics';
export const MCP_SERVER_VERSION = '0.1.0';

/** What a tool hands back: the text a model reads, the same data structured, the rows counted. */
interface ToolAnswer {
  readonly text: string;
  readonly structured: Record<string, unknown>;
  readonly rows: number;
}

/** Filled by each tool with the rows it returned, read by the audit when the call answers. */
export type RowCounts = Map<string | number, number>;

const INSTRUCTIONS =
  'Answers questions about the product’s admin analytics from a governed semantic layer (Cube). ' +
  'Prefer the ready-made tools (top_templates, trends, week_over_week and the section tools): they ' +
  'return exactly the numbers of the Admin → Analytics tab. For other questions call list_views, ' +
  'then describe_view, then query. All times are UTC. Quote "data as of" when you report numbers.';

function freshness(lastRefreshTime: string | null): string {
  return lastRefreshTime ?? 'live (source tables)';
}

function preAggregationsOf(responses: readonly LoadResponse[]): string[] {
  return [
    ...new Set(
      responses.flatMap((r) => r.results.flatMap((x) => Object.keys(x.usedPreAggregations ?? {}))),
    ),
  ];
}

/** Records every response a definition's queries got, for the pre-aggregations that served them. */
function recording(loader: CubeLoader, responses: LoadResponse[]): CubeLoader {
  return {
    load: async (query, options) => {
      const response = await loader.load(query, options);
      responses.push(response);
      return response;
    },
    sql: (query, options) => loader.sql(query, options),
  };
}

async function runDefinition<S extends z.ZodType, P, T>(
  def: QueryDefinition<S, P, T>,
  input: unknown,
  loader: CubeLoader,
): Promise<{ answer: CubeAnswer<T>; responses: LoadResponse[] }> {
  const parsed = def.schema.safeParse(input);
  if (!parsed.success) throw new ToolInputError(z.prettifyError(parsed.error));
  const responses: LoadResponse[] = [];
  const answer = await loadAnswer(
    def,
    def.params(parsed.data, startOfUtcHour(Date.now())),
    recording(loader, responses),
  );
  return { answer, responses };
}

function planAnswer(
  title: string,
  value: unknown,
  answer: CubeAnswer<unknown>,
  responses: LoadResponse[],
): ToolAnswer {
  const dateRanges = (answer.queries ?? []).flatMap((q) =>
    (q.timeDimensions ?? []).flatMap((td) =>
      td.dateRange ? [td.dateRange] : (td.compareDateRange ?? []),
    ),
  );
  const preAggregations = preAggregationsOf(responses);
  const structured = {
    value,
    dateRanges,
    dataAsOf: answer.lastRefreshTime,
    fromPreAggregations: answer.fromPreAggregations,
    preAggregations,
  };
  const text = [
    title,
    `Date range (UTC): ${dateRanges.map((r) => `${r[0]} – ${r[1]}`).join('; ') || 'all time'}`,
    `Data as of: ${freshness(answer.lastRefreshTime)}`,
    `Served by: ${preAggregations.length > 0 ? `pre-aggregations ${preAggregations.join(', ')}` : 'source tables'}`,
    JSON.stringify(value),
  ].join('\n');
  return {
    text,
    structured,
    rows: responses.reduce((n, r) => n + r.results.reduce((m, x) => m + x.data.length, 0), 0),
  };
}

function describeMember(kind: string, m: MetaMember): string {
  const grains =
    m.type === 'time'
      ? ` granularities: ${[...GRANULARITIES, ...(m.granularities ?? []).map((g) => g.name)].join(', ')}`
      : '';
  return `- ${m.name} (${kind}${m.type ? `, ${m.type}` : ''})${m.description ? `: ${m.description}` : m.title ? `: ${m.title}` : ''}${grains}`;
}

function viewMembers(view: MetaView) {
  const entry = (kind: string) => (m: MetaMember) => ({
    name: m.name,
    kind,
    type: m.type ?? null,
    title: m.title ?? null,
    description: m.description ?? null,
    ...(m.type === 'time'
      ? { granularities: [...GRANULARITIES, ...(m.granularities ?? []).map((g) => g.name)] }
      : {}),
  });
  return [
    ...view.measures.map(entry('measure')),
    ...view.dimensions.map(entry('dimension')),
    ...view.segments.map(entry('segment')),
  ];
}

/** list_views's answer, and the overview resource's contents: one text for both. */
function viewsOverview(views: readonly MetaView[]): ToolAnswer {
  const list = views.map((v) => ({
    name: v.name,
    title: v.title ?? v.name,
    description: v.description ?? null,
    measures: v.measures.length,
    dimensions: v.dimensions.length,
    segments: v.segments.length,
  }));
  return {
    text: list
      .map(
        (v) =>
          `- ${v.name}: ${v.description ?? v.title} (${v.measures} measures, ${v.dimensions} dimensions)`,
      )
      .join('\n'),
    structured: { views: list },
    rows: list.length,
  };
}

/** describe_view's answer, and a view resource's contents. */
function describeView(views: readonly MetaView[], name: string): ToolAnswer {
  const view = findView(views, name);
  const members = viewMembers(view);
  const text = [
    `${view.name}: ${view.description ?? view.title ?? ''}`,
    ...view.measures.map((m) => describeMember('measure', m)),
    ...view.dimensions.map((m) => describeMember('dimension', m)),
    ...view.segments.map((m) => describeMember('segment', m)),
  ].join('\n');
  return {
    text,
    structured: { view: view.name, description: view.description ?? null, members },
    rows: members.length,
  };
}

export const VIEWS_RESOURCE_URI = 'cube://views';
export const VIEW_RESOURCE_TEMPLATE = 'cube://views/{view}';
/** View names are Cube identifiers (letters, digits, underscores): nothing to escape. */
export const viewResourceUri = (view: string) => `${VIEWS_RESOURCE_URI}/${view}`;

/** A resource holds a tool's answer twice: the text a model reads and the structured data. */
function resourceContents(uri: string, answer: ToolAnswer): ReadResourceResult {
  return {
    contents: [
      { uri, mimeType: 'text/markdown', text: answer.text },
      { uri, mimeType: 'application/json', text: JSON.stringify(answer.structured) },
    ],
  };
}

/**
 * A failed read is a JSON-RPC error (resources have no isError result): an unknown view keeps
 * findView's text under the spec's "resource not found" code, anything else a generic line as
 * for tools. The message goes out as it is (an McpError would prefix it with its code).
 */
class ResourceReadError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
const RESOURCE_NOT_FOUND = -32002;

function resourceError(error: unknown): ResourceReadError {
  if (error instanceof ToolInputError)
    return new ResourceReadError(RESOURCE_NOT_FOUND, error.message);
  const text = toolError(error)
    .content.map((c) => (c.type === 'text' ? c.text : ''))
    .join('');
  return new ResourceReadError(ErrorCode.InternalError, text);
}

/** The plan's Phase 2 sections as tools, named after the plan's routes. */
const SECTION_TOOLS: Record<SectionId, { name: string; route: keyof typeof SECTION_ROUTES }> = {
  releases: { name: 'release_analytics', route: 'getReleaseAnalytics' },
  exports: { name: 'export_funnel', route: 'getExportFunnel' },
  engagement: { name: 'engagement', route: 'getEngagement' },
  monetization: { name: 'monetization_funnel', route: 'getMonetizationFunnel' },
  llm: { name: 'llm_usage', route: 'getLLMUsage' },
  assets: { name: 'asset_stats', route: 'getAssetStats' },
};

export const MCP_TOOL_NAMES = [
  'list_views',
  'describe_view',
  'query',
  'query_sql',
  'top_templates',
  'trends',
  'week_over_week',
  ...Object.values(SECTION_TOOLS).map((t) => t.name),
] as const;

/** Refusals become the tool's own error text; anything else a generic line (no stack, no internals). */
function toolError(error: unknown): CallToolResult {
  let text: string;
  if (error instanceof ToolInputError) text = error.message;
  else if (error instanceof CubeRequestError) text = `Cube refused the query: ${error.message}`;
  else text = 'The analytics server failed to answer; try again, or ask an admin to check its log.';
  return { isError: true, content: [{ type: 'text', text }] };
}

/** What one request's tool calls use: the caller's way to Cube and where row counts go. */
export interface McpCall {
  readonly cube: McpCube;
  readonly rows: RowCounts;
}

/**
 * The server reads the current call's context when a tool runs (not when it is built), so one
 * built server can serve many requests one after another (see pool.ts).
 */
export function createMcpServer(current: () => McpCall): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, version: MCP_SERVER_VERSION },
    { instructions: INSTRUCTIONS },
  );

  const tool = <Shape extends z.ZodRawShape>(
    name: string,
    config: { title: string; description: string; inputSchema: Shape },
    run: (args: z.output<z.ZodObject<Shape>>, call: McpCall) => Promise<ToolAnswer>,
  ) => {
    server.registerTool(
      name,
      { ...config, annotations: { readOnlyHint: true, openWorldHint: false } },
      // The SDK's callback type is generic over the shape; the args were parsed by it already.
      (async (args: z.output<z.ZodObject<Shape>>, extra: { requestId: string | number }) => {
        // Taken when the call starts: a server is lent to the next request once this one is
        // answered, and a call must never act for that request's caller.
        const call = current();
        try {
          const answer = await run(args, call);
          call.rows.set(extra.requestId, answer.rows);
          return {
            content: [{ type: 'text', text: answer.text }],
            structuredContent: answer.structured,
          } satisfies CallToolResult;
        } catch (error) {
          if (!(error instanceof ToolInputError || error instanceof CubeRequestError)) {
            console.error(`[mcp] ${name} failed:`, error);
          }
          return toolError(error);
        }
      }) as never,
    );
  };

  tool(
    'list_views',
    {
      title: 'List views',
      description:
        'Lists the analytics views (curated tables of measures and dimensions) with their descriptions. Start here.',
      inputSchema: {},
    },
    async (_args, call) => viewsOverview(await call.cube.views()),
  );

  tool(
    'describe_view',
    {
      title: 'Describe a view',
      description:
        'The measures, dimensions and segments of one view: full member names to use in `query`, types, descriptions, and the granularities of time dimensions.',
      inputSchema: { view: z.string().min(1).describe('A view name from list_views') },
    },
    async ({ view }, call) => describeView(await call.cube.views(), view),
  );

  tool(
    'query',
    {
      title: 'Query the semantic layer',
      description: `Runs a Cube query on the views (members from describe_view; one view per query is safest). Returns a compact table (at most ${MCP_MAX_ROWS} rows, with a note when cut), the date range Cube used, "data as of" and the pre-aggregation that served it.`,
      inputSchema: queryInputShape,
    },
    async (args, call) => {
      // The SDK parsed the arguments with this shape already (defaults included): not again.
      const input: QueryInput = args;
      const query = toCubeQuery(input, await call.cube.views());
      const response = await call.cube.loader.load(query);
      const result = response.results[0];
      if (!result) throw new CubeRequestError('Cube answered no result', null);
      const columns = [
        ...input.dimensions,
        ...(input.timeDimension?.granularity
          ? [`${input.timeDimension.dimension}.${input.timeDimension.granularity}`]
          : []),
        ...input.measures,
      ];
      const truncated = result.data.length > MCP_MAX_ROWS;
      const data = result.data.slice(0, MCP_MAX_ROWS);
      const table: Cell[][] = data.map((row) => columns.map((c) => row[c] ?? null));
      const dateRange = usedDateRange(result);
      const preAggregations = Object.keys(result.usedPreAggregations ?? {});
      const dataAsOf = oldestRefreshTime(response);
      const notes = [
        `Date range (UTC): ${dateRange ? `${dateRange[0]} – ${dateRange[1]}` : 'all time'}`,
        `Data as of: ${freshness(dataAsOf)}`,
        `Served by: ${preAggregations.length > 0 ? `pre-aggregation ${preAggregations.join(', ')}` : 'source tables'}`,
        ...(truncated
          ? [
              `Truncated: showing the first ${MCP_MAX_ROWS} rows; narrow the query (filters, a coarser granularity, a limit) for the rest.`,
            ]
          : []),
      ];
      return {
        text: `${notes.join('\n')}\n\n${compactTable(columns, table)}`,
        structured: {
          columns,
          rows: table,
          rowCount: table.length,
          truncated,
          dateRange,
          dataAsOf,
          preAggregations,
        },
        rows: table.length,
      };
    },
  );

  tool(
    'query_sql',
    {
      title: 'SQL behind a query',
      description:
        'The SQL Cube generates for a query (same input as `query`), to show your work. A query a pre-aggregation serves reads the rollup table.',
      inputSchema: queryInputShape,
    },
    async (args, call) => {
      const input: QueryInput = args;
      const query = toCubeQuery(input, await call.cube.views());
      const { sql, params } = await call.cube.loader.sql(query);
      return {
        text: `${sql}\n\n-- parameters: ${JSON.stringify(params)}`,
        structured: { sql, params },
        rows: 0,
      };
    },
  );

  const timeframeHelp =
    '24h: the last 24 hours by hour; 7d / 30d: the last 7 or 30 days by day; all: all time by week (UTC, ending now).';

  tool(
    'top_templates',
    {
      title: 'Top templates',
      description: `The Analytics tab's leaderboard: most-used templates in a timeframe (\`all\`: lifetime usage counter). ${timeframeHelp}`,
      inputSchema: {
        timeframe: z.enum(TIMEFRAMES).describe(timeframeHelp),
        limit: z.number().int().min(1).max(100).default(10),
      },
    },
    async (args, call) => {
      const { answer, responses } = await runDefinition(
        topTemplatesDefinition,
        args,
        call.cube.loader,
      );
      return planAnswer(`Top templates (${args.timeframe})`, answer.value, answer, responses);
    },
  );

  tool(
    'trends',
    {
      title: 'Trends',
      description: `The tab's trend sparklines: exports, prompts and paywall conversions per bucket (zero-filled), with totals. ${timeframeHelp}`,
      inputSchema: {
        timeframe: z.enum(TIMEFRAMES).describe(timeframeHelp),
        metrics: z
          .array(z.enum(TREND_METRICS))
          .min(1)
          .default([...TREND_METRICS])
          .describe('Which series; default all three'),
      },
    },
    async (args, call) => {
      const metrics = [...new Set(args.metrics)];
      const { answer, responses } = await runDefinition(
        trendsDefinition,
        { timeframe: args.timeframe, metrics },
        call.cube.loader,
      );
      return planAnswer(`Trends (${args.timeframe})`, answer.value, answer, responses);
    },
  );

  tool(
    'week_over_week',
    {
      title: 'Week over week',
      description:
        "The tab's week-over-week cards: export success rate (percent) or paying users (count) over the last 7·N days against the 7·N days before, with the change.",
      inputSchema: {
        metric: z.enum(WOW_METRICS),
        weeks: z
          .union(
            WOW_WEEKS.map((w) => z.literal(w)),
            { error: `weeks must be one of ${WOW_WEEKS.join(', ')}` },
          )
          .default(1)
          .describe('N: 1, 2 or 4 weeks'),
      },
    },
    async (args, call) => {
      const { answer, responses } = await runDefinition(wowDefinition, args, call.cube.loader);
      return planAnswer(
        `Week over week: ${args.metric} (${args.weeks} week${args.weeks > 1 ? 's' : ''})`,
        answer.value,
        answer,
        responses,
      );
    },
  );

  for (const [id, spec] of Object.entries(SECTION_TOOLS) as [
    SectionId,
    (typeof SECTION_TOOLS)[SectionId],
  ][]) {
    const section = SECTIONS[id];
    // Each route answers with its own widgets' union; the tool passes the value on as it is.
    const definition: QueryDefinition<SectionSchema, SectionParams, unknown> =
      SECTION_ROUTES[spec.route];
    const widgets = Object.keys(section.widgets) as [string, ...string[]];
    const titles = widgets.join(', ');
    tool(
      spec.name,
      {
        title: section.label,
        description: `The tab's "${section.label}" section: ${section.question} Widgets: ${titles}. Timeframes: ${section.timeframes.join(', ')} (UTC, ending now; 90d by week).`,
        inputSchema: {
          timeframe: z.enum(section.timeframes).default(section.defaultTimeframe),
          widget: z.enum(widgets).optional().describe('One widget; omit for every widget'),
        },
      },
      async (args, call) => {
        const chosen = args.widget ? [args.widget] : widgets;
        const parts = await Promise.all(
          chosen.map((widget) =>
            runDefinition(definition, { timeframe: args.timeframe, widget }, call.cube.loader),
          ),
        );
        const value = Object.fromEntries(chosen.map((w, i) => [w, parts[i]?.answer.value]));
        const times = parts.map((p) => p.answer.lastRefreshTime).filter((t) => t !== null);
        const merged: CubeAnswer<unknown> = {
          value,
          lastRefreshTime:
            times.length === 0
              ? null
              : times.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b)),
          fromPreAggregations: parts.every((p) => p.answer.fromPreAggregations),
          queries: parts.flatMap((p) => p.answer.queries ?? []),
        };
        return planAnswer(
          `${section.label} (${args.timeframe})`,
          value,
          merged,
          parts.flatMap((p) => p.responses),
        );
      },
    );
  }

  const read = async (
    uri: URL,
    requestId: string | number,
    answer: (call: McpCall) => Promise<ToolAnswer>,
  ): Promise<ReadResourceResult> => {
    // As for tools: the caller of the request this read belongs to, taken when it starts.
    const call = current();
    try {
      const result = await answer(call);
      call.rows.set(requestId, result.rows);
      return resourceContents(uri.href, result);
    } catch (error) {
      if (!(error instanceof ToolInputError || error instanceof CubeRequestError)) {
        console.error(`[mcp] reading ${uri.href} failed:`, error);
      }
      throw resourceError(error);
    }
  };

  server.registerResource(
    'views',
    VIEWS_RESOURCE_URI,
    {
      title: 'Views',
      description:
        'The analytics views with their descriptions and member counts (what list_views answers).',
      mimeType: 'text/markdown',
    },
    (uri, extra) =>
      read(uri, extra.requestId, async (call) => viewsOverview(await call.cube.views())),
  );

  server.registerResource(
    'view',
    new ResourceTemplate(VIEW_RESOURCE_TEMPLATE, {
      // The views the caller's Cube token sees in /meta, so a client can enumerate them.
      list: async () => {
        const views = await current()
          .cube.views()
          .catch((error: unknown) => {
            if (!(error instanceof CubeRequestError))
              console.error('[mcp] listing views failed:', error);
            throw resourceError(error);
          });
        return {
          resources: views.map((v) => ({
            uri: viewResourceUri(v.name),
            name: v.name,
            title: v.title ?? v.name,
            ...(v.description ? { description: v.description } : {}),
            mimeType: 'text/markdown',
          })),
        };
      },
    }),
    {
      title: 'A view',
      description:
        "One view's measures, dimensions and segments with types, descriptions and time granularities (what describe_view answers).",
      mimeType: 'text/markdown',
    },
    (uri, variables, extra) =>
      read(uri, extra.requestId, async (call) => {
        const name = variables.view;
        return describeView(
          await call.cube.views(),
          typeof name === 'string' ? name : (name?.join(',') ?? ''),
        );
      }),
  );

  server.registerPrompt(
    'weekly_admin_summary',
    {
      title: 'Weekly admin summary',
      description: 'A short weekly report for admins from the tab’s own numbers.',
    },
    () => ({
      messages: [
        {
          role: 'user',
          content: { type: 'text', text: WEEKLY_SUMMARY_PROMPT },
        },
      ],
    }),
  );

  return server;
}

export const WEEKLY_SUMMARY_PROMPT = [
  'Write this week’s admin analytics summary (UTC) in at most 12 bullet points.',
  '1. Call week_over_week for export_success and for paying_users (weeks 1): report current, previous and the change.',
  '2. Call trends with timeframe 7d: report each series’ total and its busiest day.',
  '3. Call top_templates with timeframe 7d: name the top three templates and their uses.',
  '4. Call export_funnel (7d) and llm_usage (7d, widget tools): name the most common export error and the tool with the most errors.',
  'Quote numbers exactly as the tools return them, say "data as of" once, and end with one sentence on what changed most.',
].join('\n');
