'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import type { z } from 'zod';
import type { CubeLoader } from '../../../lib/cube/client';
import type { TypedQuery } from '../../../lib/cube/query';
import { useCubeLoader } from '../cubeContext';
import { useUtcHour } from '../useUtcHour';
import {
  CUBE_QUERY_OPTIONS,
  type CubeAnswer,
  type CubeQueryState,
  HookInputError,
  toCubeQueryState,
  withAnswerTimeout,
} from './cubeQueryState';

/**
 * What every analytics hook does the same way: validate its input (an invalid one is an error
 * state and sends no request), derive its parameters from the current UTC hour, key the query
 * by every parameter, keep the previous data while new parameters load (and when they fail),
 * bound the wait for an answer, and report the state.
 */
export function useCubeHook<S extends z.ZodType, P, T>(spec: {
  /** The hook's name, for input errors and the query key. */
  name: string;
  schema: S;
  input: unknown;
  params: (input: z.output<S>, utcHour: number) => P;
  /** The query key's parameter part (defaults to the parameters themselves). */
  key?: (params: P) => unknown;
  load: (params: P, loader: CubeLoader, signal: AbortSignal) => Promise<CubeAnswer<T>>;
}): CubeQueryState<T> {
  const loader = useCubeLoader();
  const hour = useUtcHour();
  const parsed = spec.schema.safeParse(spec.input);
  const params = parsed.success ? spec.params(parsed.data, hour) : null;

  const query = useQuery({
    queryKey: ['cube', spec.name, params && (spec.key ? spec.key(params) : params)] as const,
    queryFn: async ({ signal }) => {
      if (params === null) throw new Error('unreachable: disabled without valid input');
      // Every query the hook sends is kept with its answer, so the widget can explore it.
      const queries: TypedQuery[] = [];
      const recording: CubeLoader = {
        load: (query, options) => {
          queries.push(query);
          return loader.load(query, options);
        },
        sql: (query, options) => loader.sql(query, options),
      };
      const answer = await withAnswerTimeout(signal, (bounded) =>
        spec.load(params, recording, bounded),
      );
      return { ...answer, queries };
    },
    enabled: params !== null,
    placeholderData: keepPreviousData,
    ...CUBE_QUERY_OPTIONS,
  });

  const lastAnswer = useRef<CubeAnswer<T> | undefined>(undefined);
  if (query.data !== undefined && !query.isPlaceholderData) lastAnswer.current = query.data;

  return toCubeQueryState(
    query,
    parsed.success ? null : new HookInputError(spec.name, parsed.error),
    lastAnswer.current,
  );
}
