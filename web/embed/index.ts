/**
 * The Analytics tab as an embed: the public surface a host admin imports. Server-only parts
 * (the tab's data endpoints as functions, the token route, the server component) are in ./server and
 * ./AdminAnalytics; everything here is safe in the browser.
 */

export type { CubeQueryState } from '../components/hooks/queries/cubeQueryState';
export {
  useAssetStats,
  useEngagement,
  useExportFunnel,
  useLLMUsage,
  useMonetizationFunnel,
  useReleaseAnalytics,
} from '../components/hooks/queries/sectionHooks';
// The typed hooks.
export { useTopTemplates } from '../components/hooks/queries/useTopTemplates';
export { useTrends } from '../components/hooks/queries/useTrends';
export { useWoW } from '../components/hooks/queries/useWoW';
// Widgets, each usable on its own inside <AnalyticsProviders>.
export { AnalyticsProviders } from '../components/providers/AnalyticsProviders';
export type { CubeAnswer, SectionWidgetInput } from '../lib/analytics/definitions';
export type {
  TopTemplate,
  TopTemplatesInput,
  Trends,
  TrendsInput,
  Wow,
  WowInput,
} from '../lib/analytics/schemas';
export { cubeQuery, type TypedQuery } from '../lib/cube/query';
export { AdminAnalyticsClient, type AdminAnalyticsClientProps } from './AdminAnalyticsClient';
export {
  type CubeTokenProvider,
  type EmbedClientConfig,
  type EmbedClientConfigInput,
  type EmbedConfig,
  EmbedConfigError,
  embedClientConfigSchema,
  embedServerConfigSchema,
  type HostToken,
  hostTokenSchema,
  TokenRefusedError,
} from './config';
export { nextRouterAdapter, type RouterAdapter } from './router';
export { parseTabState, type TabState } from './state';
export { AnalyticsDashboard } from './tab/AnalyticsDashboard';
export { AssetsSection } from './tab/sections/AssetsSection';
export { EngagementSection } from './tab/sections/EngagementSection';
export { ExportsSection } from './tab/sections/ExportsSection';
export { LlmSection } from './tab/sections/LlmSection';
export { MonetizationSection } from './tab/sections/MonetizationSection';
export { ReleasesSection } from './tab/sections/ReleasesSection';
export { SectionsPanel } from './tab/sections/SectionsPanel';
export { TopTemplatesWidget } from './tab/TopTemplatesWidget';
export { TrendWidget } from './tab/TrendWidget';
export { WowWidget } from './tab/WowWidget';
