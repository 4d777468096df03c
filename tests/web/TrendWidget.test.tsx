import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { TrendWidget } from '../../web/embed/tab/TrendWidget';
import { formatCount } from '../../web/lib/format';
import {
  byMeasure,
  cubeError,
  fixtureNow,
  fixtureResponse,
  ok,
  recordedRows,
  recordedSum,
} from './helpers/cubeFixtures';

const exports7d = recordedSum('trend-exports-7d', 'exports_overview.exports');

import { renderWithCube } from './helpers/render';

describe('TrendWidget', () => {
  test('loading: a skeleton', () => {
    renderWithCube(<TrendWidget timeframe="7d" metric="exports" />, {
      reply: () => new Promise(() => {}),
      now: fixtureNow('trend-exports-7d'),
    });
    expect(screen.getByTestId('widget-trend-exports').dataset.state).toBe('loading');
    expect(screen.queryByTestId('sparkline-exports')).toBeNull();
  });

  test('data: the 7d sparkline has 7 daily buckets summing to the total shown beside it', async () => {
    renderWithCube(<TrendWidget timeframe="7d" metric="exports" />, {
      reply: () => ok('trend-exports-7d'),
      now: fixtureNow('trend-exports-7d'),
    });
    const widget = screen.getByTestId('widget-trend-exports');
    await waitFor(() => expect(widget.dataset.state).toBe('ready'));
    const spark = screen.getByTestId('sparkline-exports');
    expect(spark.dataset.bucketCount).toBe('7');
    expect(spark.dataset.total).toBe(String(exports7d));
    expect(spark.dataset.granularity).toBe('day');
    expect(screen.getByTestId('trend-total-exports').textContent).toContain(formatCount(exports7d));
    // Text alternative: a summary and a table of every bucket.
    const chart = within(spark).getByRole('img');
    const peak = Math.max(
      ...recordedRows('trend-exports-7d').map((r) => Number(r['exports_overview.exports'])),
    );
    expect(chart.getAttribute('aria-label')).toMatch(
      new RegExp(
        `^Exports: 7 daily buckets, total ${formatCount(exports7d)}, peak ${formatCount(peak)}`,
      ),
    );
    expect(within(spark).getAllByRole('row')).toHaveLength(8);
    expect(within(widget).getByTestId('data-as-of')).toBeTruthy();
  });

  test('24h: 24 hourly buckets', async () => {
    renderWithCube(<TrendWidget timeframe="24h" metric="exports" />, {
      reply: () => ok('trend-exports-24h'),
      now: fixtureNow('trend-exports-24h'),
    });
    await waitFor(() =>
      expect(screen.getByTestId('widget-trend-exports').dataset.state).toBe('ready'),
    );
    expect(screen.getByTestId('sparkline-exports').dataset.bucketCount).toBe('24');
    expect(screen.getByTestId('sparkline-exports').dataset.granularity).toBe('hour');
  });

  test("all: weekly buckets from the page's first week (the earliest of every series')", async () => {
    // Every series over time at `all`, recorded: the page's first week is read from all of them.
    const allTime = {
      'exports_overview.exports': 'trend-exports-all',
      'prompts.prompts': 'all-time-trend-prompts',
      'paywall_funnel.conversions': 'all-time-trend-paywall',
      'export_reliability.finalizing_share': 'all-time-exports-finalizing',
      'credits.credits_purchased': 'all-time-monetization-credits',
    };
    renderWithCube(<TrendWidget timeframe="all" metric="paywall" />, {
      reply: byMeasure(
        Object.fromEntries(Object.entries(allTime).map(([measure, name]) => [measure, ok(name)])),
      ),
      now: fixtureNow('trend-exports-all'),
    });
    await waitFor(() =>
      expect(screen.getByTestId('widget-trend-paywall').dataset.state).toBe('ready'),
    );
    const spark = screen.getByTestId('sparkline-paywall');
    const firstWeek = (name: string) =>
      Math.min(
        ...recordedRows(name)
          .filter((r) =>
            Object.entries(r).some(
              ([key, v]) => !key.includes('.created_at') && v !== null && Number(v) !== 0,
            ),
          )
          .map((r) =>
            Date.parse(
              `${String(Object.entries(r).find(([key]) => key.endsWith('.created_at.week'))?.[1])}Z`,
            ),
          ),
      );
    const pageStart = Math.min(...Object.values(allTime).map(firstWeek));
    // Conversions start later than other data: their first weeks are drawn empty.
    expect(firstWeek('all-time-trend-paywall')).toBeGreaterThan(pageStart);
    const thisWeek = Date.parse('2026-11-16T00:00:00.000Z'); // the recording's now is in it
    expect(spark.dataset.bucketCount).toBe(String((thisWeek - pageStart) / (7 * 86_400_000) + 1));
    expect(spark.dataset.total).toBe(
      String(recordedSum('all-time-trend-paywall', 'paywall_funnel.conversions')),
    );
    expect(spark.dataset.granularity).toBe('week');
  });

  test('a window without conversions still shows its 7 zero buckets and says so', async () => {
    renderWithCube(<TrendWidget timeframe="7d" metric="paywall" />, {
      reply: () => ok('trend-paywall-7d-empty'),
      now: fixtureNow('trend-paywall-7d-empty'),
    });
    await waitFor(() =>
      expect(screen.getByTestId('widget-trend-paywall').dataset.state).toBe('ready'),
    );
    expect(screen.getByTestId('sparkline-paywall').dataset.bucketCount).toBe('7');
    expect(screen.getByTestId('sparkline-paywall').dataset.total).toBe('0');
    expect(screen.getByTestId('widget-trend-paywall').textContent).toContain(
      'No conversions in this period.',
    );
  });

  test('empty: "all" with no data at all', async () => {
    const body = structuredClone(fixtureResponse('trend-exports-all'));
    for (const result of body.results) result.data = [];
    renderWithCube(<TrendWidget timeframe="all" metric="exports" />, {
      reply: () => ({ status: 200, body }),
      now: fixtureNow('trend-exports-all'),
    });
    await waitFor(() =>
      expect(screen.getByTestId('widget-trend-exports').dataset.state).toBe('empty'),
    );
    expect(screen.getByTestId('widget-trend-exports').textContent).toContain('No exports yet.');
  });

  test('error: Cube’s message, then retry succeeds', async () => {
    let fail = true;
    renderWithCube(<TrendWidget timeframe="7d" metric="prompts" />, {
      reply: () => (fail ? cubeError(500, 'Query timeout') : ok('trend-prompts-7d')),
      now: fixtureNow('trend-prompts-7d'),
    });
    const widget = screen.getByTestId('widget-trend-prompts');
    await waitFor(() => expect(widget.dataset.state).toBe('error'));
    expect(within(widget).getByTestId('widget-error-message').textContent).toBe('Query timeout');
    fail = false;
    fireEvent.click(within(widget).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(widget.dataset.state).toBe('ready'));
    expect(screen.getByTestId('sparkline-prompts').dataset.total).toBe(
      String(recordedSum('trend-prompts-7d', 'prompts.prompts')),
    );
  });
});
