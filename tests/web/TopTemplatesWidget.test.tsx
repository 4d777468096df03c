import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, test, vi } from 'vitest';
import { TopTemplatesWidget } from '../../web/embed/tab/TopTemplatesWidget';
import {
  cubeError,
  fixtureNow,
  fixtureResponse,
  ok,
  type Reply,
  recordedNumber,
  recordedRows,
} from './helpers/cubeFixtures';
import { renderWithCube } from './helpers/render';

const NOW = fixtureNow('top-templates-7d');
const root = () => screen.getByTestId('widget-top-templates');

describe('TopTemplatesWidget', () => {
  test('loading: a skeleton while Cube answers', () => {
    renderWithCube(<TopTemplatesWidget timeframe="7d" />, {
      reply: () => new Promise(() => {}),
      now: NOW,
    });
    expect(root().dataset.state).toBe('loading');
    expect(within(root()).getByRole('status').textContent).toBe('Loading…');
    expect(screen.queryAllByTestId('leaderboard-row')).toHaveLength(0);
  });

  test('data: top 10 with rank, name, count; placeholder for a missing thumbnail', async () => {
    renderWithCube(<TopTemplatesWidget timeframe="7d" />, {
      reply: () => ok('top-templates-7d'),
      now: NOW,
    });
    await waitFor(() => expect(root().dataset.state).toBe('ready'));
    const rows = screen.getAllByTestId('leaderboard-row');
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => r.dataset.rank)).toStrictEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
    ]);
    const [first] = recordedRows('top-templates-7d');
    const uses = String(recordedNumber('top-templates-7d', 'template_leaderboard.uses'));
    expect(rows[0]?.dataset.count).toBe(uses);
    expect(rows[0]?.textContent).toContain(String(first?.['template_leaderboard.template_name']));
    expect(rows[0]?.textContent).toContain(uses);
    expect(rows[0]?.querySelector('img')?.getAttribute('src')).toBe(
      first?.['template_leaderboard.thumbnail_url'],
    );
    expect(within(root()).getByTestId('data-as-of').dataset.lastRefresh).toBe(
      fixtureResponse('top-templates-7d').results[0]?.lastRefreshTime,
    );
    expect(root().dataset.preaggregated).toBe('true');
  });

  test('a template without a thumbnail shows its monogram', async () => {
    const body = structuredClone(fixtureResponse('top-templates-7d'));
    const row = body.results[0]?.data[2];
    if (row) row['template_leaderboard.thumbnail_url'] = null;
    const name = String(row?.['template_leaderboard.template_name']);
    const reply: Reply = { status: 200, body };
    renderWithCube(<TopTemplatesWidget timeframe="7d" />, { reply: () => reply, now: NOW });
    await waitFor(() => expect(root().dataset.state).toBe('ready'));
    const third = screen.getAllByTestId('leaderboard-row')[2] as HTMLElement;
    expect(within(third).getByTestId('thumbnail-placeholder').textContent).toBe(
      name.charAt(0).toUpperCase(),
    );
  });

  test('a thumbnail that fails to load falls back to the placeholder', async () => {
    renderWithCube(<TopTemplatesWidget timeframe="7d" />, {
      reply: () => ok('top-templates-7d'),
      now: NOW,
    });
    await waitFor(() => expect(root().dataset.state).toBe('ready'));
    const first = screen.getAllByTestId('leaderboard-row')[0] as HTMLElement;
    fireEvent.error(first.querySelector('img') as HTMLImageElement);
    expect(within(first).getByTestId('thumbnail-placeholder')).toBeTruthy();
  });

  test('a thumbnail that failed before React attached (no error event to hear) falls back too', async () => {
    // What a broken image in the server's HTML looks like once React hydrates it.
    const complete = vi.spyOn(HTMLImageElement.prototype, 'complete', 'get').mockReturnValue(true);
    try {
      renderWithCube(<TopTemplatesWidget timeframe="7d" />, {
        reply: () => ok('top-templates-7d'),
        now: NOW,
      });
      await waitFor(() => expect(root().dataset.state).toBe('ready'));
      expect(root().querySelectorAll('img')).toHaveLength(0);
      expect(screen.getAllByTestId('thumbnail-placeholder').length).toBe(
        screen.getAllByTestId('leaderboard-row').length,
      );
    } finally {
      complete.mockRestore();
    }
  });

  test('all: ranks by lifetime uses', async () => {
    renderWithCube(<TopTemplatesWidget timeframe="all" />, {
      reply: () => ok('top-templates-all'),
      now: NOW,
    });
    await waitFor(() => expect(root().dataset.state).toBe('ready'));
    expect(screen.getAllByTestId('leaderboard-row')[0]?.dataset.count).toBe(
      String(recordedNumber('top-templates-all', 'template_leaderboard.lifetime_uses')),
    );
    expect(root().textContent).toContain('Lifetime uses');
  });

  test('empty: a friendly message when no template was used', async () => {
    renderWithCube(<TopTemplatesWidget timeframe="24h" />, {
      reply: () => ok('top-templates-24h-empty'),
      now: fixtureNow('top-templates-24h-empty'),
    });
    await waitFor(() => expect(root().dataset.state).toBe('empty'));
    expect(root().textContent).toContain('No template was used in the last 24 hours.');
  });

  test('error: Cube’s message and a working retry', async () => {
    let fail = true;
    const { cube } = renderWithCube(<TopTemplatesWidget timeframe="7d" />, {
      reply: () =>
        fail
          ? cubeError(
              400,
              "Error: 'template_leaderboard.uses' not found for path 'template_leaderboard.uses'",
            )
          : ok('top-templates-7d'),
      now: NOW,
    });
    await waitFor(() => expect(root().dataset.state).toBe('error'));
    expect(within(root()).getByRole('alert').textContent).toContain('Couldn’t load Top templates');
    expect(within(root()).getByTestId('widget-error-message').textContent).toBe(
      "Error: 'template_leaderboard.uses' not found for path 'template_leaderboard.uses'",
    );
    fail = false;
    fireEvent.click(within(root()).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(root().dataset.state).toBe('ready'));
    expect(screen.getAllByTestId('leaderboard-row')).toHaveLength(10);
    expect(cube.calls).toHaveLength(2);
  });
});
