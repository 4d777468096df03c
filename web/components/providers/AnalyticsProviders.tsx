'use client';

import { CubeContext } from '@cubejs-client/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useContext, useState } from 'react';
import {
  type CubeApiLike,
  type CubeLoader,
  CubeRequestError,
  createCubeLoader,
  cubeApiLoader,
  fetchCubeToken,
} from '../../lib/cube/client';
import { ClockContext, CubeLoaderContext } from '../hooks/cubeContext';
import { RECOVERY_INTERVAL_MS, SourceNotAnsweringError } from '../hooks/queries/cubeQueryState';

export function createAnalyticsQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Cube's 4xx answers (bad query, forbidden) do not get better by asking again, and a
        // load that already waited its bound is reported at once (the interval below retries).
        retry: (failureCount, error) =>
          failureCount < 2 &&
          !(error instanceof SourceNotAnsweringError) &&
          !(error instanceof CubeRequestError && error.status !== null && error.status < 500),
        refetchInterval: (query) => (query.state.status === 'error' ? RECOVERY_INTERVAL_MS : false),
        refetchOnWindowFocus: true,
      },
    },
  });
}

/**
 * Query cache, Cube client and clock for the analytics widgets. The Cube client is the host's
 * own `cubeApi` when the tab sits inside `@cubejs-client/react`'s <CubeProvider>, else ours with
 * short-lived tokens from the host's token route (`tokenEndpoint`, default /api/cube-token).
 */
export function AnalyticsProviders(props: {
  children: ReactNode;
  tokenEndpoint?: string;
  /** Tests pass a loader over recorded responses and a no-retry client. */
  loader?: CubeLoader;
  queryClient?: QueryClient;
  clock?: () => number;
}) {
  const [queryClient] = useState(() => props.queryClient ?? createAnalyticsQueryClient());
  // CubeProvider's context is typed non-null but is empty outside a provider.
  const hostCube: { cubeApi?: CubeApiLike | null } | null = useContext(CubeContext);
  const [loader] = useState(
    () =>
      props.loader ??
      (hostCube?.cubeApi
        ? cubeApiLoader(hostCube.cubeApi)
        : createCubeLoader({ fetchToken: () => fetchCubeToken(props.tokenEndpoint) })),
  );
  const [clock] = useState(() => props.clock ?? Date.now);
  return (
    <QueryClientProvider client={queryClient}>
      <CubeLoaderContext value={loader}>
        <ClockContext value={clock}>{props.children}</ClockContext>
      </CubeLoaderContext>
    </QueryClientProvider>
  );
}
