'use client';

import { hashKey, keepPreviousData, useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import type { z } from 'zod';
import {
  type CubeAnswer,
  loadAnswer,
  type QueryDefinition,
  queryKeyOf,
} from '../../../lib/analytics/definitions';
import { useCubeLoader } from '../cubeContext';
import { useUtcHour } from '../useUtcHour';
import {
  CUBE_QUERY_OPTIONS,
  type CubeQueryState,
  HookInputError,
  toCubeQueryState,
  withAnswerTimeout,
} from './cubeQueryState';

/**
 * What every analytics hook does the same way: validate its input (an invalid one is an error
 * state and sends no request), derive its parameters from the current UTC hour, key the query
 * by every parameter (the key the server functions prefill, see web/embed/server.ts), keep the
 * previous data while new parameters load (and when they fail), bound the wait for an answer,
 * and report the state.
 */
export function useCubeHook<S extends z.ZodType, P, T>(
  def: QueryDefinition<S, P, T>,
  input: unknown,
): CubeQueryState<T> {
  const loader = useCubeLoader();
  const hour = useUtcHour();
  const parsed = def.schema.safeParse(input);
  const params = parsed.success ? def.params(parsed.data, hour) : null;

  const queryKey = params === null ? (['cube', def.name, null] as const) : queryKeyOf(def, params);
  const query = useQuery({
    queryKey,
    queryFn: ({ signal }) => {
      if (params === null) throw new Error('unreachable: disabled without valid input');
      return withAnswerTimeout(signal, (bounded) => loadAnswer(def, params, loader, bounded));
    },
    enabled: params !== null,
    placeholderData: keepPreviousData,
    ...CUBE_QUERY_OPTIONS,
  });

  const lastAnswer = useRef<CubeAnswer<T> | undefined>(undefined);
  if (query.data !== undefined && !query.isPlaceholderData) lastAnswer.current = query.data;
  // The last failure of these parameters, kept while they are asked again (toCubeQueryState).
  const failed = useRef<{ key: string; error: Error } | undefined>(undefined);
  if (query.status === 'error') failed.current = { key: hashKey(queryKey), error: query.error };
  else if (query.status === 'success' && !query.isPlaceholderData) failed.current = undefined;
  // Asked again without data of its own: "pending", or "success" with the previous parameters'
  // data as placeholder.
  const retryingAfter =
    failed.current !== undefined &&
    query.isFetching &&
    (query.isPending || query.isPlaceholderData) &&
    failed.current.key === hashKey(queryKey)
      ? failed.current.error
      : null;

  return toCubeQueryState(
    query,
    parsed.success ? null : new HookInputError(def.name, parsed.error),
    lastAnswer.current,
    retryingAfter,
  );
}
