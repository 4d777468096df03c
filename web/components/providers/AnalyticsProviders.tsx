'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import {
  type CubeLoader,
  CubeRequestError,
  createCubeLoader,
  fetchCubeToken,
} from '../../lib/cube/client';
import { ClockContext, CubeLoaderContext } from '../hooks/cubeContext';
import { SourceNotAnsweringError } from '../hooks/queries/cubeQueryState';

/** While a widget's query is failing it is asked again this often, so it recovers by itself. */
const RECOVERY_INTERVAL_MS = 10_000;

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

/** Query cache, Cube client (token from /api/cube-token) and clock for the analytics widgets. */
export function AnalyticsProviders(props: {
  children: ReactNode;
  /** Tests pass a loader over recorded responses and a no-retry client. */
  loader?: CubeLoader;
  queryClient?: QueryClient;
  clock?: () => number;
}) {
  const [queryClient] = useState(() => props.queryClient ?? createAnalyticsQueryClient());
  const [loader] = useState(() => props.loader ?? createCubeLoader({ fetchToken: fetchCubeToken }));
  const [clock] = useState(() => props.clock ?? Date.now);
  return (
    <QueryClientProvider client={queryClient}>
      <CubeLoaderContext value={loader}>
        <ClockContext value={clock}>{props.children}</ClockContext>
      </CubeLoaderContext>
    </QueryClientProvider>
  );
}
