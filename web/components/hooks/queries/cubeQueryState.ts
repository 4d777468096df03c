import type { UseQueryResult } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CubeAnswer } from '../../../lib/analytics/definitions';
import type { TypedQuery } from '../../../lib/cube/query';

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

/** How long a widget waits for Cube's answer before it says the data source isn't answering. */
export const ANSWER_TIMEOUT_MS = 10_000;

/** While a widget's query is failing it is asked again this often, so it recovers by itself. */
export const RECOVERY_INTERVAL_MS = 10_000;

/** The wait for an answer ran out (Postgres down or stalled; Cube keeps answering "Continue wait"). */
export class SourceNotAnsweringError extends Error {
  constructor(readonly waitedMs: number) {
    super(
      `The data source isn’t answering (no answer within ${waitedMs / 1000} s). Retrying automatically.`,
    );
    this.name = 'SourceNotAnsweringError';
  }
}

/**
 * Runs one load with a bounded wait: after `ms` it is aborted and fails with
 * SourceNotAnsweringError. Rejects on time even if the load ignores the abort.
 */
export function withAnswerTimeout<T>(
  signal: AbortSignal,
  run: (signal: AbortSignal) => Promise<T>,
  ms = ANSWER_TIMEOUT_MS,
): Promise<T> {
  const controller = new AbortController();
  const forward = () => controller.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new SourceNotAnsweringError(ms));
      controller.abort();
    }, ms);
    run(controller.signal)
      .then(resolve, reject)
      .finally(() => {
        clearTimeout(timer);
        signal.removeEventListener('abort', forward);
      });
  });
}

/** TanStack Query options shared by every Cube-backed hook. */
export const CUBE_QUERY_OPTIONS = {
  staleTime: 2 * 60_000,
  gcTime: 10 * 60_000,
  refetchOnWindowFocus: true,
} as const;

/**
 * `previous` is the last answer the hook got for any parameters: when a load fails before the new
 * parameters ever answered, it stays visible (dimmed, as placeholder data) next to the error.
 * `retryingAfter` is the error of these parameters' last load while it is being asked again: TanStack
 * Query resets a query without data to "pending" when it refetches, which would hide the message
 * (and show a plain "loading") for every retry of an outage.
 */
export function toCubeQueryState<T>(
  query: UseQueryResult<CubeAnswer<T>, Error>,
  inputError: HookInputError | null,
  previous?: CubeAnswer<T>,
  retryingAfter: Error | null = null,
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
  const refetch = () => {
    void query.refetch();
  };
  const failure = query.status === 'error' ? query.error : retryingAfter;
  if (failure !== null && (query.data === undefined || query.isPlaceholderData)) {
    return {
      status: 'error',
      data: previous?.value,
      error: failure,
      lastRefreshTime: previous?.lastRefreshTime ?? null,
      fromPreAggregations: previous?.fromPreAggregations ?? false,
      isFetching: query.isFetching,
      isPlaceholderData: previous !== undefined,
      queries: previous?.queries ?? [],
      refetch,
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
    refetch,
  };
}
