/**
 * Renders analytics UI with its providers: a no-retry query client, a Cube loader over a
 * fake transport (recorded responses) and a fixed clock.
 */
import { QueryClient } from '@tanstack/react-query';
import { cleanup, render, renderHook } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { afterEach } from 'vitest';
import { AnalyticsProviders } from '../../../web/components/providers/AnalyticsProviders';
import { type CubeLoader, createCubeLoader } from '../../../web/lib/cube/client';
import { type FakeCube, fakeCube, type Reply, type SentQuery } from './cubeFixtures';

// vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(cleanup);

export const TEST_API_URL = 'http://cube.test/cubejs-api/v1';

export function testQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Number.POSITIVE_INFINITY } },
  });
}

export function testLoader(cube: FakeCube): CubeLoader {
  return createCubeLoader({
    fetchToken: async () => ({
      token: 'test-token',
      apiUrl: TEST_API_URL,
      expiresAt: '2999-01-01T00:00:00.000Z',
    }),
    transport: () => cube.transport,
  });
}

export interface AnalyticsRenderOptions {
  readonly reply: (query: SentQuery, index: number) => Reply | Promise<Reply>;
  readonly now: number;
}

function setup(options: AnalyticsRenderOptions) {
  const cube = fakeCube(options.reply);
  const loader = testLoader(cube);
  const queryClient = testQueryClient();
  const clock = () => options.now;
  const wrapper = ({ children }: { children: ReactNode }) => (
    <AnalyticsProviders loader={loader} queryClient={queryClient} clock={clock}>
      {children}
    </AnalyticsProviders>
  );
  return { cube, queryClient, wrapper };
}

export function renderWithCube(ui: ReactElement, options: AnalyticsRenderOptions) {
  const { cube, queryClient, wrapper } = setup(options);
  return { ...render(ui, { wrapper }), cube, queryClient };
}

export function renderHookWithCube<P, R>(
  hook: (props: P) => R,
  options: AnalyticsRenderOptions & { initialProps: P },
) {
  const { cube, queryClient, wrapper } = setup(options);
  return {
    ...renderHook(hook, { wrapper, initialProps: options.initialProps }),
    cube,
    queryClient,
  };
}
