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

export function createAnalyticsQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Cube's 4xx answers (bad query, forbidden) do not get better by asking again.
        retry: (failureCount, error) =>
          failureCount < 2 &&
          !(error instanceof CubeRequestError && error.status !== null && error.status < 500),
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
