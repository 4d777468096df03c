import { Suspense } from 'react';
import { AdminAnalyticsClient } from './AdminAnalyticsClient';
import {
  callTokenProvider,
  EmbedConfigError,
  EmbedTokenError,
  type HostToken,
  type ParsedEmbedConfig,
  parseEmbedConfig,
  TokenRefusedError,
} from './config';
import { EmbedError } from './EmbedError';
import { prefetchTab } from './server';
import { parseTabState, searchOf } from './state';

export interface AdminAnalyticsProps {
  /** Checked by zod; see the README's configuration table. */
  readonly config: unknown;
  /** The page's `searchParams` (the tab's view state lives in the URL). */
  readonly searchParams?: Record<string, string | string[] | undefined>;
}

/**
 * The Analytics tab as a server component: checks the host's configuration and token provider
 * (a problem is one message naming it, inside the host's page), fetches the current view's data
 * on the server and hands it to the browser's cache, so the first paint has data.
 */
export async function AdminAnalytics(props: AdminAnalyticsProps) {
  let config: ParsedEmbedConfig;
  let token: HostToken;
  try {
    config = parseEmbedConfig(props.config);
    // The provider contract is checked before anything renders: a broken provider is a
    // message here, not six failing widgets.
    token = await callTokenProvider(config.getToken);
  } catch (error) {
    if (
      error instanceof EmbedConfigError ||
      error instanceof EmbedTokenError ||
      error instanceof TokenRefusedError
    ) {
      return <EmbedError message={error.message} />;
    }
    throw error;
  }
  const dehydratedState = config.prefetch
    ? await prefetchTab(
        config,
        parseTabState(searchOf(props.searchParams ?? {})),
        config.now ? Date.parse(config.now) : Date.now(),
        undefined,
        token,
      )
    : undefined;
  const clientConfig = {
    cubeApiUrl: config.cubeApiUrl,
    tokenEndpoint: config.tokenEndpoint,
    timezone: config.timezone,
    theme: config.theme,
    ...(config.now ? { now: config.now } : {}),
  };
  return (
    // useSearchParams needs a Suspense boundary in a statically analysed route.
    <Suspense fallback={null}>
      <AdminAnalyticsClient
        config={clientConfig}
        {...(dehydratedState ? { dehydratedState } : {})}
      />
    </Suspense>
  );
}
