/**
 * The typed hooks: input validation before any request, every parameter in the query,
 * and stale responses never overwriting newer ones.
 */
import { waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  ANSWER_TIMEOUT_MS,
  HookInputError,
  SourceNotAnsweringError,
} from '../../web/components/hooks/queries/cubeQueryState';
import { useTopTemplates } from '../../web/components/hooks/queries/useTopTemplates';
import { useTrends } from '../../web/components/hooks/queries/useTrends';
import { useWoW } from '../../web/components/hooks/queries/useWoW';
import type { TopTemplatesInput, TrendsInput, WowInput } from '../../web/lib/analytics/schemas';
import {
  byMeasure,
  deferred,
  fixtureNow,
  fixtureResponse,
  ok,
  type Reply,
  recordedNumber,
  recordedSum,
} from './helpers/cubeFixtures';
import { renderHookWithCube } from './helpers/render';

const NOW = fixtureNow('trend-exports-7d');

describe('input validation (rejected before any request)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test.each<[string, unknown]>([
    ['unknown timeframe', { timeframe: '90d', limit: 10 }],
    ['limit 0', { timeframe: '7d', limit: 0 }],
    ['fractional limit', { timeframe: '7d', limit: 2.5 }],
    ['extra key', { timeframe: '7d', limit: 10, sql: 'drop table' }],
  ])('useTopTemplates: %s', async (_name, input) => {
    const { result, cube } = renderHookWithCube(useTopTemplates, {
      initialProps: input as TopTemplatesInput,
      reply: () => ok('top-templates-7d'),
      now: NOW,
    });
    expect(result.current.status).toBe('error');
    expect(result.current.error).toBeInstanceOf(HookInputError);
    expect(result.current.error?.message).toMatch(/^useTopTemplates: invalid input/);
    // Every timer the render scheduled has run, with the promises in between: no request went out.
    await vi.runOnlyPendingTimersAsync();
    expect(cube.calls).toHaveLength(0);
  });

  test.each<[string, unknown]>([
    ['no metrics', { timeframe: '7d', metrics: [] }],
    ['unknown metric', { timeframe: '7d', metrics: ['revenue'] }],
    ['duplicate metric', { timeframe: '7d', metrics: ['exports', 'exports'] }],
    ['unknown timeframe', { timeframe: 'yesterday', metrics: ['exports'] }],
  ])('useTrends: %s', async (_name, input) => {
    const { result, cube } = renderHookWithCube(useTrends, {
      initialProps: input as TrendsInput,
      reply: () => ok('trend-exports-7d'),
      now: NOW,
    });
    expect(result.current.error).toBeInstanceOf(HookInputError);
    // Every timer the render scheduled has run, with the promises in between: no request went out.
    await vi.runOnlyPendingTimersAsync();
    expect(cube.calls).toHaveLength(0);
  });

  test.each<[string, unknown]>([
    ['3 weeks', { metric: 'paying_users', weeks: 3 }],
    ['weeks as a string', { metric: 'paying_users', weeks: '2' }],
    ['unknown metric', { metric: 'revenue', weeks: 1 }],
  ])('useWoW: %s', async (_name, input) => {
    const { result, cube } = renderHookWithCube(useWoW, {
      initialProps: input as WowInput,
      reply: () => ok('wow-paying-users-1w'),
      now: NOW,
    });
    expect(result.current.error).toBeInstanceOf(HookInputError);
    // Every timer the render scheduled has run, with the promises in between: no request went out.
    await vi.runOnlyPendingTimersAsync();
    expect(cube.calls).toHaveLength(0);
  });
});

describe('queries sent to Cube', () => {
  test('useTopTemplates 7d: uses in the explicit UTC window, top 10, ties by id', async () => {
    const { result, cube } = renderHookWithCube(useTopTemplates, {
      initialProps: { timeframe: '7d', limit: 10 },
      reply: () => ok('top-templates-7d'),
      now: NOW,
    });
    await waitFor(() => expect(result.current.status).toBe('success'));
    expect(cube.calls[0]).toStrictEqual({
      dimensions: [
        'template_leaderboard.template_id',
        'template_leaderboard.template_name',
        'template_leaderboard.thumbnail_url',
      ],
      measures: ['template_leaderboard.uses'],
      timeDimensions: [
        {
          dimension: 'template_leaderboard.created_at',
          dateRange: ['2026-11-14T00:00:00.000', '2026-11-20T23:59:59.999'],
        },
      ],
      order: [
        ['template_leaderboard.uses', 'desc'],
        ['template_leaderboard.template_id', 'asc'],
      ],
      limit: 10,
      timezone: 'UTC',
    });
    expect(result.current.data).toHaveLength(10);
    expect(result.current.lastRefreshTime).toBe(
      fixtureResponse('top-templates-7d').results[0]?.lastRefreshTime,
    );
    expect(result.current.fromPreAggregations).toBe(true);
  });

  test('useTopTemplates all: lifetime counter, no date range', async () => {
    const { result, cube } = renderHookWithCube(useTopTemplates, {
      initialProps: { timeframe: 'all', limit: 10 },
      reply: () => ok('top-templates-all'),
      now: NOW,
    });
    await waitFor(() => expect(result.current.status).toBe('success'));
    expect(cube.calls[0]?.measures).toStrictEqual(['template_leaderboard.lifetime_uses']);
    expect(cube.calls[0]?.timeDimensions).toBeUndefined();
  });

  test('useTrends: one query per metric, hourly/daily/weekly granularity, UTC', async () => {
    const { result, cube } = renderHookWithCube(useTrends, {
      initialProps: { timeframe: '7d', metrics: ['exports', 'prompts', 'paywall'] } as TrendsInput,
      reply: byMeasure({
        'exports_overview.exports': ok('trend-exports-7d'),
        'prompts.prompts': ok('trend-prompts-7d'),
        'paywall_funnel.conversions': ok('trend-paywall-7d'),
      }),
      now: NOW,
    });
    await waitFor(() => expect(result.current.status).toBe('success'));
    expect(cube.calls.map((c) => c.measures?.[0]).sort()).toStrictEqual([
      'exports_overview.exports',
      'paywall_funnel.conversions',
      'prompts.prompts',
    ]);
    for (const call of cube.calls) {
      expect(call.timezone).toBe('UTC');
      expect(call.timeDimensions?.[0]).toMatchObject({
        granularity: 'day',
        dateRange: ['2026-11-14T00:00:00.000', '2026-11-20T23:59:59.999'],
      });
    }
    const data = result.current.data;
    expect(data?.granularity).toBe('day');
    expect(data?.series.exports?.total).toBe(
      recordedSum('trend-exports-7d', 'exports_overview.exports'),
    );
    expect(data?.series.prompts?.buckets).toHaveLength(7);
    expect(data?.series.paywall?.total).toBe(
      recordedSum('trend-paywall-7d', 'paywall_funnel.conversions'),
    );
  });

  test('useWoW: one compareDateRange query with [current, previous]', async () => {
    const { result, cube } = renderHookWithCube(useWoW, {
      initialProps: { metric: 'paying_users', weeks: 1 } as WowInput,
      reply: () => ok('wow-paying-users-1w'),
      now: fixtureNow('wow-paying-users-1w'),
    });
    await waitFor(() => expect(result.current.status).toBe('success'));
    expect(cube.calls).toHaveLength(1);
    expect(cube.calls[0]?.timeDimensions).toStrictEqual([
      {
        dimension: 'credits.created_at',
        compareDateRange: [
          ['2026-11-14T00:00:00.000', '2026-11-20T23:59:59.999'],
          ['2026-11-07T00:00:00.000', '2026-11-13T23:59:59.999'],
        ],
      },
    ]);
    const current = recordedNumber('wow-paying-users-1w', 'credits.paying_users', 0, 0);
    const previous = recordedNumber('wow-paying-users-1w', 'credits.paying_users', 0, 1);
    expect(result.current.data).toStrictEqual({
      unit: 'count',
      current,
      previous,
      deltaAbs: current - previous,
      deltaPct: previous === 0 ? null : ((current - previous) / previous) * 100,
    });
  });

  test('every parameter is part of the cache key: changing weeks asks Cube again', async () => {
    const { result, cube, rerender } = renderHookWithCube(useWoW, {
      initialProps: { metric: 'paying_users', weeks: 1 } as WowInput,
      reply: () => ok('wow-paying-users-1w'),
      now: NOW,
    });
    await waitFor(() => expect(result.current.status).toBe('success'));
    rerender({ metric: 'paying_users', weeks: 2 });
    await waitFor(() => expect(cube.calls).toHaveLength(2));
    expect(cube.calls[1]?.timeDimensions?.[0]).toMatchObject({
      compareDateRange: [
        ['2026-11-07T00:00:00.000', '2026-11-20T23:59:59.999'],
        ['2026-10-24T00:00:00.000', '2026-11-06T23:59:59.999'],
      ],
    });
    rerender({ metric: 'paying_users', weeks: 1 });
    // served from the cache
    expect(result.current.data?.current).toBe(
      recordedNumber('wow-paying-users-1w', 'credits.paying_users', 0, 0),
    );
    expect(cube.calls).toHaveLength(2);
  });
});

describe('stale responses', () => {
  test('an older response resolving after a newer one never wins', async () => {
    const sevenDays = deferred<Reply>();
    const thirtyDays = deferred<Reply>();
    const { result, cube, rerender, queryClient } = renderHookWithCube(useTopTemplates, {
      initialProps: { timeframe: '7d', limit: 10 } as TopTemplatesInput,
      reply: (query) => {
        const range = query.timeDimensions?.[0]?.dateRange as string[] | undefined;
        return range?.[0] === '2026-11-14T00:00:00.000' ? sevenDays.promise : thirtyDays.promise;
      },
      now: NOW,
    });
    await waitFor(() => expect(cube.calls).toHaveLength(1));
    rerender({ timeframe: '30d', limit: 10 });
    await waitFor(() => expect(cube.calls).toHaveLength(2));

    // The newer (30d) answer arrives first …
    const newer = structuredClone(fixtureResponse('top-templates-7d'));
    const [first] = newer.results;
    if (first) {
      first.data = first.data.slice(0, 2).map((row) => ({
        ...row,
        'template_leaderboard.uses': '9999',
      }));
    }
    thirtyDays.resolve({ status: 200, body: newer });
    await waitFor(() => expect(result.current.data?.[0]?.usageCount).toBe(9999));

    // … then the older (7d) one: it must not replace what is shown.
    sevenDays.resolve(ok('top-templates-7d'));
    // The client has read the older answer and no query is still running.
    await waitFor(() => expect(cube.answered).toHaveLength(2));
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
    expect(result.current.data).toHaveLength(2);
    expect(result.current.data?.[0]?.usageCount).toBe(9999);
    expect(result.current.isPlaceholderData).toBe(false);
  });

  test('while the new timeframe loads, the previous data stays visible and is marked stale', async () => {
    const thirtyDays = deferred<Reply>();
    const { result, rerender } = renderHookWithCube(useTopTemplates, {
      initialProps: { timeframe: '7d', limit: 10 } as TopTemplatesInput,
      reply: (query) => {
        const range = query.timeDimensions?.[0]?.dateRange as string[] | undefined;
        return range?.[0] === '2026-11-14T00:00:00.000'
          ? ok('top-templates-7d')
          : thirtyDays.promise;
      },
      now: NOW,
    });
    await waitFor(() => expect(result.current.status).toBe('success'));
    rerender({ timeframe: '30d', limit: 10 });
    await waitFor(() => expect(result.current.isPlaceholderData).toBe(true));
    expect(result.current.data).toHaveLength(10);
    thirtyDays.resolve(ok('top-templates-24h-empty'));
    await waitFor(() => expect(result.current.data).toStrictEqual([]));
    expect(result.current.isPlaceholderData).toBe(false);
  });

  test('a source that never answers: after the bounded wait, an error and the previous data stays', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { result, rerender } = renderHookWithCube(useTopTemplates, {
        initialProps: { timeframe: '7d', limit: 10 } as TopTemplatesInput,
        reply: (query) => {
          const range = query.timeDimensions?.[0]?.dateRange as string[] | undefined;
          return range?.[0] === '2026-11-14T00:00:00.000'
            ? ok('top-templates-7d')
            : new Promise<Reply>(() => {});
        },
        now: NOW,
      });
      await waitFor(() => expect(result.current.status).toBe('success'));
      rerender({ timeframe: '30d', limit: 10 });
      await waitFor(() => expect(result.current.isPlaceholderData).toBe(true));
      await vi.advanceTimersByTimeAsync(ANSWER_TIMEOUT_MS - 500);
      expect(result.current.error).toBeNull();
      await vi.advanceTimersByTimeAsync(1_000);
      await waitFor(() => expect(result.current.status).toBe('error'));
      expect(result.current.error).toBeInstanceOf(SourceNotAnsweringError);
      expect(result.current.error?.message).toMatch(/data source isn’t answering/);
      expect(result.current.data).toHaveLength(10);
      expect(result.current.isPlaceholderData).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  test('while a failed load is asked again, the error and the previous data stay until it answers', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const retried = deferred<Reply>();
      let asked30d = 0;
      const { result, rerender } = renderHookWithCube(useTopTemplates, {
        initialProps: { timeframe: '7d', limit: 10 } as TopTemplatesInput,
        reply: (query) => {
          const range = query.timeDimensions?.[0]?.dateRange as string[] | undefined;
          if (range?.[0] === '2026-11-14T00:00:00.000') return ok('top-templates-7d');
          asked30d += 1;
          return asked30d === 1 ? new Promise<Reply>(() => {}) : retried.promise;
        },
        now: NOW,
      });
      await waitFor(() => expect(result.current.status).toBe('success'));
      rerender({ timeframe: '30d', limit: 10 });
      await vi.advanceTimersByTimeAsync(ANSWER_TIMEOUT_MS + 500);
      await waitFor(() => expect(result.current.status).toBe('error'));
      expect(result.current.isFetching).toBe(false);

      result.current.refetch();
      await waitFor(() => expect(result.current.isFetching).toBe(true));
      expect(asked30d).toBe(2);
      expect(result.current.status).toBe('error');
      expect(result.current.error).toBeInstanceOf(SourceNotAnsweringError);
      expect(result.current.data).toHaveLength(10);

      retried.resolve(ok('top-templates-24h-empty'));
      await waitFor(() => expect(result.current.status).toBe('success'));
      expect(result.current.error).toBeNull();
      expect(result.current.data).toStrictEqual([]);
      expect(result.current.isPlaceholderData).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
