'use client';

import type { UseQueryResult } from '@tanstack/react-query';
import type { z } from 'zod';
import type { TypedQuery } from '../../../lib/cube/query';
import type { LoadResponse } from '../../../lib/cube/response';
import { oldestRefreshTime, servedFromPreAggregations } from '../../../lib/cube/response';

/** What a query function resolves to: the hook's value plus the answer's freshness. */
export interface CubeAnswer<T> {
  readonly value: T;
  /** Oldest `lastRefreshTime` of the Cube results the value was computed from. */
  readonly lastRefreshTime: string | null;
  readonly fromPreAggregations: boolean;
  /** The Cube queries the value was computed from, as sent (filled in by useCubeHook). */
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

/** The state every analytics hook returns; widgets hand it to <WidgetPanel>. */
export interface CubeQueryState<T> {
  readonly status: 'pending' | 'error' | 'success';
  readonly data: T | undefined;
  readonly error: Error | null;
  readonly lastRefreshTime: string | null;
  readonly fromPreAggregations: boolean;
  /** A request is in flight (first load or background refetch). */
  readonly isFetching: boolean;
  /** `data` belongs to the previous parameters while the new ones load. */
  readonly isPlaceholderData: boolean;
  /** The Cube queries behind `data`, exactly as sent (Explore menu: Playground, SQL, CSV). */
  readonly queries: readonly TypedQuery[];
  readonly refetch: () => void;
}

/** A hook input outside its schema: rejected before any request is made. */
export class HookInputError extends Error {
  readonly issues: z.core.$ZodIssue[];
  constructor(hook: string, error: z.ZodError) {
    super(
      `${hook}: invalid input — ${error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`,
    );
    this.name = 'HookInputError';
    this.issues = error.issues;
  }
}

/** TanStack Query options shared by every Cube-backed hook. */
export const CUBE_QUERY_OPTIONS = {
  staleTime: 2 * 60_000,
  gcTime: 10 * 60_000,
  refetchOnWindowFocus: true,
} as const;

export function toCubeQueryState<T>(
  query: UseQueryResult<CubeAnswer<T>, Error>,
  inputError: HookInputError | null,
): CubeQueryState<T> {
  if (inputError) {
    return {
      status: 'error',
      data: undefined,
      error: inputError,
      lastRefreshTime: null,
      fromPreAggregations: false,
      isFetching: false,
      isPlaceholderData: false,
      queries: [],
      refetch: () => {},
    };
  }
  return {
    status: query.status,
    data: query.data?.value,
    error: query.error,
    lastRefreshTime: query.data?.lastRefreshTime ?? null,
    fromPreAggregations: query.data?.fromPreAggregations ?? false,
    isFetching: query.isFetching,
    isPlaceholderData: query.isPlaceholderData,
    queries: query.data?.queries ?? [],
    refetch: () => {
      void query.refetch();
    },
  };
}
