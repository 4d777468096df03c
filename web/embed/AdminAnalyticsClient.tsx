'use client';

import { type DehydratedState, HydrationBoundary } from '@tanstack/react-query';
import type { CSSProperties } from 'react';
import { useHydrated, useViewerDisplay } from '../components/hooks/useViewerDisplay';
import { AnalyticsProviders } from '../components/providers/AnalyticsProviders';
import { type EmbedClientConfigInput, EmbedConfigError, parseEmbedClientConfig } from './config';
import { EmbedError } from './EmbedError';
import { nextRouterAdapter, type RouterAdapter } from './router';
import { AnalyticsTab } from './tab/AnalyticsTab';

export interface AdminAnalyticsClientProps {
  readonly config: EmbedClientConfigInput;
  /** Data the server already fetched for this view (AdminAnalytics passes it). */
  readonly dehydratedState?: DehydratedState;
  /** The host's router (default: Next's App Router). */
  readonly router?: RouterAdapter;
}

/**
 * The whole Analytics tab in the browser: Phase 1 row, the six sections, chips and URL state.
 * Hosts on Next usually mount the server component AdminAnalytics instead (data in the first
 * paint); this one serves other routers, or hosts with their own `<CubeProvider cubeApi>`.
 */
export function AdminAnalyticsClient(props: AdminAnalyticsClientProps) {
  // Buttons work once hydrated (links work before): tests and hosts can wait for this attribute.
  const hydrated = useHydrated();
  let config: ReturnType<typeof parseEmbedClientConfig>;
  try {
    config = parseEmbedClientConfig(props.config);
  } catch (error) {
    if (error instanceof EmbedConfigError) return <EmbedError message={error.message} />;
    throw error;
  }
  const router = props.router ?? nextRouterAdapter;
  return (
    <div
      data-testid="admin-analytics"
      data-hydrated={hydrated}
      style={config.theme as CSSProperties}
    >
      <AnalyticsProviders
        tokenEndpoint={config.tokenEndpoint}
        {...(config.now ? { clock: fixedClock(Date.parse(config.now)) } : {})}
      >
        <HydrationBoundary state={props.dehydratedState}>
          <RoutedTab router={router} />
        </HydrationBoundary>
      </AnalyticsProviders>
    </div>
  );
}

function RoutedTab(props: { router: RouterAdapter }) {
  useViewerDisplay();
  const search = props.router.useSearch();
  return <AnalyticsTab search={search} navigate={props.router.push} />;
}

const fixedClock = (ms: number) => () => ms;
