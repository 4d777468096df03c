/**
 * Every analytics query as one definition, shared by the browser hooks (useCubeHook) and the
 * server functions (web/embed/server.ts): the input schema, the parameters derived from the
 * input and the current UTC hour, the query key, and how to load and shape the answer. Both sides
 * key the TanStack Query cache with `queryKeyOf`, so data the server renders hydrates the hooks.
 */
import { z } from 'zod';
import type { CubeLoader } from '../cube/client';
import type { TypedQuery } from '../cube/query';
import type { LoadResponse } from '../cube/response';
import { oldestRefreshTime, servedFromPreAggregations } from '../cube/response';
import {
  type TimeframeWindow,
  timeframeWindow,
  type WindowTimeframe,
  wowWindows,
} from '../timeframe';
import { resolveWindow } from './allTime';
import { PHASE1_WIDGETS, type Phase1Widget, trendWidgetId, wowWidgetId } from './phase1';
import {
  type TopTemplate,
  type TrendSeries,
  type Trends,
  topTemplatesInputSchema,
  trendsInputSchema,
  trendsSchema,
  type Wow,
  wowInputSchema,
} from './schemas';
import {
  assetsSection,
  engagementSection,
  exportsSection,
  llmSection,
  monetizationSection,
  releasesSection,
} from './sections';
import type { Section, SectionWidget, WidgetData } from './sections/define';

/** What a query function resolves to: the hook's value plus the answer's freshness. */
export interface CubeAnswer<T> {
  readonly value: T;
  /** Oldest `lastRefreshTime` of the Cube results the value was computed from. */
  readonly lastRefreshTime: string | null;
  readonly fromPreAggregations: boolean;
  /** The Cube queries the value was computed from, as sent (filled in by loadAnswer). */
  readonly queries?: readonly TypedQuery[];
}

export function cubeAnswer<T>(value: T, responses: readonly LoadResponse[]): CubeAnswer<T> {
  const times = responses.map(oldestRefreshTime).filter((t): t is string => t !== null);
  return {
    value,
    lastRefreshTime:
      times.length === 0 ? null : times.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b)),
    fromPreAggregations: responses.every(servedFromPreAggregations),
  };
}

export interface QueryDefinition<S extends z.ZodType, P, T> {
  /** The hook's name, for input errors and the query key. */
  readonly name: string;
  readonly schema: S;
  readonly params: (input: z.output<S>, utcHour: number) => P;
  /** The query key's parameter part (defaults to the parameters themselves). */
  readonly key?: (params: P) => unknown;
  readonly load: (params: P, loader: CubeLoader, signal?: AbortSignal) => Promise<CubeAnswer<T>>;
}

/** The TanStack Query key of one definition at one set of parameters (browser and server). */
export function queryKeyOf<S extends z.ZodType, P, T>(def: QueryDefinition<S, P, T>, params: P) {
  return ['cube', def.name, def.key ? def.key(params) : params] as const;
}

/** Runs a definition and keeps every query it sent with the answer (the widget explores them). */
export async function loadAnswer<S extends z.ZodType, P, T>(
  def: QueryDefinition<S, P, T>,
  params: P,
  loader: CubeLoader,
  signal?: AbortSignal,
): Promise<CubeAnswer<T>> {
  const queries: TypedQuery[] = [];
  const recording: CubeLoader = {
    load: (query, options) => {
      queries.push(query);
      return loader.load(query, options);
    },
    sql: (query, options) => loader.sql(query, options),
  };
  const answer = await def.load(params, recording, signal);
  return { ...answer, queries };
}

const signalOf = (signal: AbortSignal | undefined) => (signal ? { signal } : {});

/**
 * Within one answer a query asked twice goes out once: a series' own query is also one of those
 * the page's first all-time week is read from (`allTime.ts`).
 */
function onceEach(loader: CubeLoader): CubeLoader {
  const sent = new Map<string, Promise<LoadResponse>>();
  return {
    load: (query, options) => {
      const key = JSON.stringify(query);
      const pending = sent.get(key) ?? loader.load(query, options);
      sent.set(key, pending);
      return pending;
    },
    sql: (query, options) => loader.sql(query, options),
  };
}

type Resolved<W> = Promise<{ window: W; responses: LoadResponse[] }>;

/**
 * One widget at one window: its queries in parallel, parsed and checked by its schema. `resolve`
 * gives the window its answer is built on (at `all`, with the page's first week, read meanwhile;
 * asked after the widget's own queries went out, so they come first in the answer's list).
 */
async function loadWidget<O extends z.ZodType, W>(
  spec: Pick<Phase1Widget<O, W>, 'queries' | 'parse' | 'output'>,
  window: W,
  loader: CubeLoader,
  signal: AbortSignal | undefined,
  queries = spec.queries(window),
  resolve: () => Resolved<W> = () => Promise.resolve({ window, responses: [] }),
): Promise<{ value: z.output<O>; responses: LoadResponse[] }> {
  const own = Promise.all(queries.map((q) => loader.load(q.query, signalOf(signal))));
  const [responses, built] = await Promise.all([own, resolve()]);
  return {
    value: spec.output.parse(spec.parse(responses, built.window)),
    responses: [...responses, ...built.responses],
  };
}

/**
 * The window a widget's answer is built on: for a widget that draws a series over time at `all`,
 * with the page's first week (`allTime.ts`), read once however many widgets ask.
 */
function seriesWindow(
  drawsSeries: boolean,
  window: TimeframeWindow,
  loader: CubeLoader,
  signal: AbortSignal | undefined,
): () => Resolved<TimeframeWindow> {
  let resolved: Resolved<TimeframeWindow> | undefined;
  return () => {
    resolved ??= drawsSeries
      ? resolveWindow(window, loader, signal)
      : Promise.resolve({ window, responses: [] });
    return resolved;
  };
}

/** A one-widget endpoint: the widget's value and the freshness of its answers. */
async function widgetAnswer<O extends z.ZodType, W>(
  ...args: Parameters<typeof loadWidget<O, W>>
): Promise<CubeAnswer<z.output<O>>> {
  const { value, responses } = await loadWidget(...args);
  return cubeAnswer(value, responses);
}

const topTemplatesParams = (
  { timeframe, limit }: z.output<typeof topTemplatesInputSchema>,
  hour: number,
) => ({ timeframe, limit, window: timeframeWindow(timeframe, hour) });

/** getTopTemplates: the `top_templates` widget (phase1.ts) at the hook's limit. */
export const topTemplatesDefinition: QueryDefinition<
  typeof topTemplatesInputSchema,
  ReturnType<typeof topTemplatesParams>,
  TopTemplate[]
> = {
  name: 'useTopTemplates',
  schema: topTemplatesInputSchema,
  params: topTemplatesParams,
  key: ({ timeframe, limit, window }) => ({
    timeframe,
    limit,
    dateRange: timeframe === 'all' ? null : window.dateRange,
    timezone: 'UTC',
  }),
  load: ({ window, limit }, loader, signal) => {
    const spec = PHASE1_WIDGETS.top_templates;
    return widgetAnswer(spec, window, loader, signal, spec.queries(window, limit));
  },
};

const trendsParams = (
  { timeframe, metrics }: z.output<typeof trendsInputSchema>,
  hour: number,
) => ({ timeframe, metrics, window: timeframeWindow(timeframe, hour) });

/** getTrends: the `trend.<metric>` widgets (phase1.ts) of the metrics asked, in parallel. */
export const trendsDefinition: QueryDefinition<
  typeof trendsInputSchema,
  ReturnType<typeof trendsParams>,
  Trends
> = {
  name: 'useTrends',
  schema: trendsInputSchema,
  params: trendsParams,
  key: ({ timeframe, metrics, window }) => ({
    timeframe,
    metrics,
    granularity: window.granularity,
    dateRange: window.dateRange,
    lastBucketStart: window.lastBucketStart,
    timezone: 'UTC',
  }),
  load: async ({ metrics, window }, cubeLoader, signal) => {
    const loader = onceEach(cubeLoader);
    // Every trend is a series over time: one page start for all of them.
    const resolve = seriesWindow(true, window, loader, signal);
    const answers = await Promise.all(
      metrics.map((metric) => {
        const spec = PHASE1_WIDGETS[trendWidgetId(metric)];
        return loadWidget(spec, window, loader, signal, spec.queries(window), resolve);
      }),
    );
    const series: Partial<Record<(typeof metrics)[number], TrendSeries>> = {};
    metrics.forEach((metric, i) => {
      const answer = answers[i];
      if (answer) series[metric] = answer.value;
    });
    return cubeAnswer(
      trendsSchema.parse({ granularity: window.granularity, series }),
      answers.flatMap((a) => a.responses),
    );
  },
};

const wowParams = ({ metric, weeks }: z.output<typeof wowInputSchema>, hour: number) => ({
  metric,
  weeks,
  windows: wowWindows(weeks, hour),
});

/** getWoW: the `wow.<metric>` widget (phase1.ts): the last 7·N days against the 7·N before. */
export const wowDefinition: QueryDefinition<
  typeof wowInputSchema,
  ReturnType<typeof wowParams>,
  Wow
> = {
  name: 'useWoW',
  schema: wowInputSchema,
  params: wowParams,
  key: ({ metric, weeks, windows }) => ({
    metric,
    weeks,
    current: windows.current,
    previous: windows.previous,
    timezone: 'UTC',
  }),
  load: ({ metric, windows }, loader, signal) =>
    widgetAnswer(PHASE1_WIDGETS[wowWidgetId(metric)], windows, loader, signal),
};

/** A section hook's input: one of its widgets at one of its timeframes. */
export interface SectionWidgetInput<K extends string> {
  readonly timeframe: WindowTimeframe;
  readonly widget: K;
}

function sectionInputSchema(section: Section) {
  const widgets = Object.keys(section.widgets);
  return z
    .object({
      timeframe: z.enum(section.timeframes),
      widget: z.enum(widgets as [string, ...string[]]),
    })
    .strict();
}

export type SectionSchema = ReturnType<typeof sectionInputSchema>;
export type SectionParams = { widget: string; window: ReturnType<typeof timeframeWindow> };

/**
 * One widget of one Phase 2 section: its queries go out in parallel and their answers are
 * checked by the widget's zod schema. Input outside the section's timeframes or widgets is an
 * error state and sends nothing.
 */
export function sectionWidgetDefinition<W extends Record<string, SectionWidget>>(
  name: string,
  section: Section<string, W>,
): QueryDefinition<SectionSchema, SectionParams, WidgetData<W[keyof W]>> {
  return {
    name,
    schema: sectionInputSchema(section),
    params: ({ timeframe, widget }, hour) => ({ widget, window: timeframeWindow(timeframe, hour) }),
    key: ({ widget, window }) => ({
      section: section.id,
      widget,
      timeframe: window.timeframe,
      dateRange: window.dateRange,
      lastBucketStart: window.lastBucketStart,
      timezone: 'UTC',
    }),
    load: async ({ widget, window }, cubeLoader, signal) => {
      const spec = section.widgets[widget];
      if (!spec) throw new Error(`${name}: no widget ${widget}`);
      const loader = onceEach(cubeLoader);
      const { value, responses } = await loadWidget(
        spec,
        window,
        loader,
        signal,
        spec.queries(window),
        seriesWindow(spec.series !== undefined, window, loader, signal),
      );
      return cubeAnswer(value as WidgetData<W[keyof W]>, responses);
    },
  };
}

/** The six Phase 2 endpoints, by route name: hook name and section. */
export const SECTION_ROUTES = {
  getReleaseAnalytics: sectionWidgetDefinition('useReleaseAnalytics', releasesSection),
  getExportFunnel: sectionWidgetDefinition('useExportFunnel', exportsSection),
  getEngagement: sectionWidgetDefinition('useEngagement', engagementSection),
  getMonetizationFunnel: sectionWidgetDefinition('useMonetizationFunnel', monetizationSection),
  getLLMUsage: sectionWidgetDefinition('useLLMUsage', llmSection),
  getAssetStats: sectionWidgetDefinition('useAssetStats', assetsSection),
} as const;
