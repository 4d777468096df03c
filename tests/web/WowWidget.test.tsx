import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { WowWidget } from '../../web/app/admin/analytics/WowWidget';
import { cubeError, fixtureNow, ok } from './helpers/cubeFixtures';
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
    expect(Number(card.dataset.current)).toBeCloseTo((806 / 850) * 100, 8);
    expect(Number(card.dataset.previous)).toBeCloseTo((748 / 812) * 100, 8);
    expect(card.dataset.unit).toBe('percent');
    expect(card.textContent).toContain('94.8%');
    expect(card.textContent).toContain('+2.7 pp');
    expect(card.textContent).toContain('+2.9%');
    expect(card.textContent).toContain('92.1%');
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
    expect(card.dataset.current).toBe('57');
    expect(card.dataset.previous).toBe('48');
    expect(card.dataset.deltaAbs).toBe('9');
    expect(card.dataset.deltaPct).toBe('18.75');
    expect(card.textContent).toContain('+9');
    expect(card.textContent).toContain('+18.8%');
    expect(within(card).getAllByText(/up/).length).toBeGreaterThan(0);
  });

  test('previous window was 0: relative change is n/a', async () => {
    renderWithCube(<WowWidget metric="paying_users" weeks={1} />, {
      reply: () => ok('wow-paying-users-1w-no-previous'),
      now: NOW,
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
