/**
 * The embed's server side: the tab's data endpoints as typed functions (getTopTemplates, getTrends,
 * getWoW and the six Phase 2 ones), the browser's token route, and the prefetch that puts the
 * current view's data into the first paint. Import it only from server code (route handlers,
 * server components, server actions, a tRPC router): it calls the host's token provider.
 */
import { type DehydratedState, dehydrate, QueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { withAnswerTimeout } from '../components/hooks/queries/cubeQueryState';
import {
  type CubeAnswer,
  loadAnswer,
  type QueryDefinition,
  queryKeyOf,
  SECTION_ROUTES,
  type SectionParams,
  type SectionSchema,
  type SectionWidgetInput,
  topTemplatesDefinition,
  trendsDefinition,
  wowDefinition,
} from '../lib/analytics/definitions';
import { TOP_TEMPLATES_LIMIT } from '../lib/analytics/queries';
import type {
  TopTemplate,
  TopTemplatesInput,
  Trends,
  TrendsInput,
  Wow,
  WowInput,
} from '../lib/analytics/schemas';
import { TREND_METRICS, WOW_METRICS } from '../lib/analytics/schemas';
import {
  type assetsSection,
  type engagementSection,
  type exportsSection,
  type llmSection,
  type monetizationSection,
  type releasesSection,
  SECTIONS,
  type SectionId,
} from '../lib/analytics/sections';
import type { SectionWidget, WidgetData } from '../lib/analytics/sections/define';
import { type CubeLoader, createCubeLoader } from '../lib/cube/client';
import { startOfUtcHour } from '../lib/timeframe';
import {
  callTokenProvider,
  EmbedTokenError,
  type HostToken,
  type ParsedEmbedConfig,
  parseEmbedConfig,
  TokenRefusedError,
} from './config';
import type { TabState } from './state';

type Data<
  Sec extends { widgets: Record<string, SectionWidget> },
  K extends keyof Sec['widgets'],
> = WidgetData<Sec['widgets'][K]>;
type WidgetOf<Sec extends { widgets: object }> = keyof Sec['widgets'] & string;

/** The plan's routes, bound to one host configuration (make one per request: the token is the session's). */
export interface AnalyticsServer {
  getTopTemplates(input: TopTemplatesInput): Promise<CubeAnswer<TopTemplate[]>>;
  getTrends(input: TrendsInput): Promise<CubeAnswer<Trends>>;
  getWoW(input: WowInput): Promise<CubeAnswer<Wow>>;
  getReleaseAnalytics<K extends WidgetOf<typeof releasesSection>>(
    input: SectionWidgetInput<K>,
  ): Promise<CubeAnswer<Data<typeof releasesSection, K>>>;
  getExportFunnel<K extends WidgetOf<typeof exportsSection>>(
    input: SectionWidgetInput<K>,
  ): Promise<CubeAnswer<Data<typeof exportsSection, K>>>;
  getEngagement<K extends WidgetOf<typeof engagementSection>>(
    input: SectionWidgetInput<K>,
  ): Promise<CubeAnswer<Data<typeof engagementSection, K>>>;
  getMonetizationFunnel<K extends WidgetOf<typeof monetizationSection>>(
    input: SectionWidgetInput<K>,
  ): Promise<CubeAnswer<Data<typeof monetizationSection, K>>>;
  getLLMUsage<K extends WidgetOf<typeof llmSection>>(
    input: SectionWidgetInput<K>,
  ): Promise<CubeAnswer<Data<typeof llmSection, K>>>;
  getAssetStats<K extends WidgetOf<typeof assetsSection>>(
    input: SectionWidgetInput<K>,
  ): Promise<CubeAnswer<Data<typeof assetsSection, K>>>;
}

/**
 * A server-side Cube client for the host's configuration: its token comes from the host's
 * provider (checked by the provider contract); Node's fetch keeps connections to Cube alive.
 */
export function serverLoader(config: ParsedEmbedConfig, checked?: HostToken): CubeLoader {
  const apiUrl = config.serverCubeApiUrl ?? config.cubeApiUrl;
  // A token the caller already checked is used first (one provider call per page render).
  let first = checked;
  return createCubeLoader({
    fetchToken: async () => {
      const token = first ?? (await callTokenProvider(config.getToken));
      first = undefined;
      return { ...token, apiUrl };
    },
  });
}

/** Runs one definition on the server: same input check, parameters and answer as the hook. */
async function run<S extends z.ZodType, P, T>(
  def: QueryDefinition<S, P, T>,
  input: unknown,
  loader: CubeLoader,
  hour: number,
  signal: AbortSignal = new AbortController().signal,
): Promise<{ key: readonly unknown[]; answer: CubeAnswer<T> }> {
  const parsed = def.schema.safeParse(input);
  if (!parsed.success) {
    throw new TypeError(
      `${def.name.replace(/^use/, 'get')}: invalid input — ${parsed.error.message}`,
    );
  }
  const params = def.params(parsed.data, hour);
  const answer = await withAnswerTimeout(signal, (bounded) =>
    loadAnswer(def, params, loader, bounded),
  );
  return { key: queryKeyOf(def, params), answer };
}

export function createAnalyticsServer(config: unknown): AnalyticsServer {
  const parsed = parseEmbedConfig(config);
  const loader = serverLoader(parsed);
  const hour = () => startOfUtcHour(Date.now());
  const answer = async <S extends z.ZodType, P, T>(def: QueryDefinition<S, P, T>, input: unknown) =>
    (await run(def, input, loader, hour())).answer;
  return {
    getTopTemplates: (input) => answer(topTemplatesDefinition, input),
    getTrends: (input) => answer(trendsDefinition, input),
    getWoW: (input) => answer(wowDefinition, input),
    // A section definition answers with the union of its widgets' data; `widget` picks one.
    getReleaseAnalytics: async (input) =>
      narrow(await answer(SECTION_ROUTES.getReleaseAnalytics, input)),
    getExportFunnel: async (input) => narrow(await answer(SECTION_ROUTES.getExportFunnel, input)),
    getEngagement: async (input) => narrow(await answer(SECTION_ROUTES.getEngagement, input)),
    getMonetizationFunnel: async (input) =>
      narrow(await answer(SECTION_ROUTES.getMonetizationFunnel, input)),
    getLLMUsage: async (input) => narrow(await answer(SECTION_ROUTES.getLLMUsage, input)),
    getAssetStats: async (input) => narrow(await answer(SECTION_ROUTES.getAssetStats, input)),
  };
}

/** The widget's own schema checked the value (sectionWidgetDefinition); this only narrows the type. */
function narrow<T>(answer: CubeAnswer<unknown>): CubeAnswer<T> {
  return answer as CubeAnswer<T>;
}

type Prefetch = (loader: CubeLoader, hour: number, signal: AbortSignal) => ReturnType<typeof run>;

const prefetchOf =
  <S extends z.ZodType, P, T>(def: QueryDefinition<S, P, T>, input: unknown): Prefetch =>
  (loader, hour, signal) =>
    run(def, input, loader, hour, signal);

/**
 * How long the server waits for the first view's data before it renders without what is
 * missing (the browser then asks for it): a stalled source must not hold the page.
 */
export const PREFETCH_BUDGET_MS = 1_500;

const SECTION_DEFINITIONS: Record<
  SectionId,
  QueryDefinition<SectionSchema, SectionParams, unknown>
> = {
  releases: SECTION_ROUTES.getReleaseAnalytics,
  exports: SECTION_ROUTES.getExportFunnel,
  engagement: SECTION_ROUTES.getEngagement,
  monetization: SECTION_ROUTES.getMonetizationFunnel,
  llm: SECTION_ROUTES.getLLMUsage,
  assets: SECTION_ROUTES.getAssetStats,
};

/**
 * The queries the tab's widgets send for `state`, with the inputs the widgets pass (so the keys
 * match): three trends, the leaderboard, both WoW cards and every widget of the open section.
 */
function tabPrefetches(state: TabState): Prefetch[] {
  const { timeframe, weeks, sections } = state;
  const section = SECTION_DEFINITIONS[sections.section];
  return [
    ...TREND_METRICS.map((metric) =>
      prefetchOf(trendsDefinition, { timeframe, metrics: [metric] }),
    ),
    prefetchOf(topTemplatesDefinition, { timeframe, limit: TOP_TEMPLATES_LIMIT }),
    ...WOW_METRICS.map((metric) => prefetchOf(wowDefinition, { metric, weeks })),
    ...Object.keys(SECTIONS[sections.section].widgets).map((widget) =>
      prefetchOf(section, { timeframe: sections.timeframe, widget }),
    ),
  ];
}

/**
 * The current view's data, fetched on the server in parallel and dehydrated under the hooks'
 * query keys. A query that fails is left out (its widget loads and shows its own error and
 * retry in the browser), so Cube being down never fails the page.
 */
export async function prefetchTab(
  config: ParsedEmbedConfig,
  state: TabState,
  nowMs: number = Date.now(),
  budgetMs: number = PREFETCH_BUDGET_MS,
  checked?: HostToken,
): Promise<DehydratedState> {
  const loader = serverLoader(config, checked);
  const hour = startOfUtcHour(nowMs);
  const client = new QueryClient();
  const budget = new AbortController();
  const expired = new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      budget.abort();
      resolve();
    }, budgetMs);
    budget.signal.addEventListener('abort', () => clearTimeout(timer));
  });
  const all = Promise.all(
    tabPrefetches(state).map(async (prefetch) => {
      try {
        const { key, answer } = await prefetch(loader, hour, budget.signal);
        if (!budget.signal.aborted) client.setQueryData(key, answer, { updatedAt: Date.now() });
      } catch {
        // The widget asks again in the browser and shows the failure there.
      }
    }),
  );
  await Promise.race([all, expired]);
  budget.abort();
  return dehydrate(client);
}

const NO_STORE = { 'Cache-Control': 'no-store' };

/**
 * The browser's token route (`GET`, mounted at config.tokenEndpoint): the host's provider, under
 * the provider contract, answering `{ token, apiUrl, expiresAt }`; its TokenRefusedError is the
 * status (401/403) and a broken provider is a 500 naming what is wrong.
 */
export function createCubeTokenHandler(config: unknown): () => Promise<Response> {
  return async () => {
    let parsed: ParsedEmbedConfig;
    try {
      parsed = parseEmbedConfig(config);
    } catch (error) {
      return Response.json({ error: (error as Error).message }, { status: 500, headers: NO_STORE });
    }
    try {
      const token = await callTokenProvider(parsed.getToken);
      return Response.json({ ...token, apiUrl: parsed.cubeApiUrl }, { headers: NO_STORE });
    } catch (error) {
      if (error instanceof TokenRefusedError) {
        return Response.json({ error: error.message }, { status: error.status, headers: NO_STORE });
      }
      if (error instanceof EmbedTokenError) {
        return Response.json({ error: error.message }, { status: 500, headers: NO_STORE });
      }
      throw error;
    }
  };
}

export { AdminAnalytics, type AdminAnalyticsProps } from './AdminAnalytics';
export {
  type CubeTokenProvider,
  callTokenProvider,
  type EmbedConfig,
  EmbedConfigError,
  EmbedTokenError,
  type HostToken,
  parseEmbedConfig,
  TokenRefusedError,
} from './config';
