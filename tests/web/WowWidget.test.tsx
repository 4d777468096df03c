import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { WowWidget } from '../../web/embed/tab/WowWidget';
import {
  formatDeltaCount,
  formatDeltaPercent,
  formatDeltaPoints,
  formatPercent,
} from '../../web/lib/format';
import { cubeError, fixtureNow, ok, recordedNumber } from './helpers/cubeFixtures';

const rate = (i: number) =>
  (recordedNumber('wow-export-success-1w', 'exports_overview.completed_exports', 0, i) /
    recordedNumber('wow-export-success-1w', 'exports_overview.exports', 0, i)) *
  100;
const payers = (i: number) => recordedNumber('wow-paying-users-1w', 'credits.paying_users', 0, i);

import { renderWithCube } from './helpers/render';

const NOW = fixtureNow('wow-export-success-1w');

describe('WowWidget', () => {
  test('loading: a skeleton', () => {
    renderWithCube(<WowWidget metric="export_success" weeks={1} />, {
      reply: () => new Promise(() => {}),
      now: NOW,
    });
    expect(screen.getByTestId('widget-wow-export_success').dataset.state).toBe('loading');
  });

  test('export success: rate, delta in percentage points and in %', async () => {
    renderWithCube(<WowWidget metric="export_success" weeks={1} />, {
      reply: () => ok('wow-export-success-1w'),
      now: NOW,
    });
    await waitFor(() =>
      expect(screen.getByTestId('widget-wow-export_success').dataset.state).toBe('ready'),
    );
    const card = screen.getByTestId('wow-card-export_success');
    expect(Number(card.dataset.current)).toBeCloseTo(rate(0), 8);
    expect(Number(card.dataset.previous)).toBeCloseTo(rate(1), 8);
    expect(card.dataset.unit).toBe('percent');
    expect(card.textContent).toContain(formatPercent(rate(0)));
    expect(card.textContent).toContain(formatDeltaPoints(rate(0) - rate(1)));
    expect(card.textContent).toContain(formatDeltaPercent(((rate(0) - rate(1)) / rate(1)) * 100));
    expect(card.textContent).toContain(formatPercent(rate(1)));
    expect(card.textContent).toContain('previous 7 days');
  });

  test('paying users: count, absolute and relative delta', async () => {
    renderWithCube(<WowWidget metric="paying_users" weeks={1} />, {
      reply: () => ok('wow-paying-users-1w'),
      now: NOW,
    });
    await waitFor(() =>
      expect(screen.getByTestId('widget-wow-paying_users').dataset.state).toBe('ready'),
    );
    const card = screen.getByTestId('wow-card-paying_users');
    const [current, previous] = [payers(0), payers(1)];
    const pct = ((current - previous) / previous) * 100;
    expect(card.dataset.current).toBe(String(current));
    expect(card.dataset.previous).toBe(String(previous));
    expect(card.dataset.deltaAbs).toBe(String(current - previous));
    expect(Number(card.dataset.deltaPct)).toBeCloseTo(pct, 10);
    expect(card.textContent).toContain(formatDeltaCount(current - previous));
    expect(card.textContent).toContain(formatDeltaPercent(pct));
    const direction = current > previous ? /up/ : current < previous ? /down/ : /no change/i;
    expect(within(card).getAllByText(direction).length).toBeGreaterThan(0);
  });

  test('previous window was 0: relative change is n/a', async () => {
    renderWithCube(<WowWidget metric="paying_users" weeks={1} />, {
      reply: () => ok('wow-paying-users-1w-no-previous'),
      now: fixtureNow('wow-paying-users-1w-no-previous'),
    });
    await waitFor(() =>
      expect(screen.getByTestId('widget-wow-paying_users').dataset.state).toBe('ready'),
    );
    const card = screen.getByTestId('wow-card-paying_users');
    expect(card.dataset.deltaPct).toBe('');
    expect(card.textContent).toContain('n/a');
  });

  test('empty: no exports in either window', async () => {
    renderWithCube(<WowWidget metric="export_success" weeks={1} />, {
      reply: () => ok('wow-export-success-1w-empty'),
      now: NOW,
    });
    await waitFor(() =>
      expect(screen.getByTestId('widget-wow-export_success').dataset.state).toBe('empty'),
    );
    expect(screen.getByTestId('widget-wow-export_success').textContent).toContain(
      'No exports in either period.',
    );
  });

  test('error: Cube’s message and retry', async () => {
    let fail = true;
    renderWithCube(<WowWidget metric="paying_users" weeks={2} />, {
      reply: () =>
        fail
          ? cubeError(400, 'compareDateRange can only exist for one timeDimension')
          : ok('wow-paying-users-1w'),
      now: NOW,
    });
    const widget = screen.getByTestId('widget-wow-paying_users');
    await waitFor(() => expect(widget.dataset.state).toBe('error'));
    expect(within(widget).getByTestId('widget-error-message').textContent).toBe(
      'compareDateRange can only exist for one timeDimension',
    );
    fail = false;
    fireEvent.click(within(widget).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(widget.dataset.state).toBe('ready'));
  });
});
