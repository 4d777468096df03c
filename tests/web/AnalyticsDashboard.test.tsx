import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, test, vi } from 'vitest';
import { WidgetErrorBoundary } from '../../web/components/panel/WidgetErrorBoundary';
import {
  AnalyticsDashboard,
  type AnalyticsDashboardProps,
} from '../../web/embed/tab/AnalyticsDashboard';
import { measureDefinitions } from '../../web/lib/cube/definitions.generated';
import {
  byMeasure,
  cubeError,
  fixtureNow,
  ok,
  recordedNumber,
  recordedSum,
} from './helpers/cubeFixtures';
import { renderWithCube } from './helpers/render';

const NOW = fixtureNow('trend-exports-7d');

const allFixtures = byMeasure({
  'exports_overview.exports': ok('trend-exports-7d'),
  'prompts.prompts': ok('trend-prompts-7d'),
  'paywall_funnel.conversions': ok('trend-paywall-7d'),
  'template_leaderboard.uses': ok('top-templates-7d'),
  'exports_overview.completed_exports': ok('wow-export-success-1w'),
  'credits.paying_users': ok('wow-paying-users-1w'),
});

function props(overrides: Partial<AnalyticsDashboardProps> = {}): AnalyticsDashboardProps {
  return {
    timeframe: '7d',
    weeks: 1,
    rejectedTimeframe: null,
    rejectedWeeks: null,
    onTimeframeChange: vi.fn(),
    onWeeksChange: vi.fn(),
    ...overrides,
  };
}

describe('AnalyticsDashboard', () => {
  test('shows every Phase 1 widget with data', async () => {
    renderWithCube(<AnalyticsDashboard {...props()} />, { reply: allFixtures, now: NOW });
    for (const id of [
      'widget-trend-exports',
      'widget-trend-prompts',
      'widget-trend-paywall',
      'widget-top-templates',
      'widget-wow-export_success',
      'widget-wow-paying_users',
    ]) {
      await waitFor(() => expect(screen.getByTestId(id).dataset.state).toBe('ready'));
    }
    expect(screen.getAllByTestId('leaderboard-row')).toHaveLength(10);
    expect(screen.getByTestId('sparkline-paywall').dataset.total).toBe(
      String(recordedSum('trend-paywall-7d', 'paywall_funnel.conversions')),
    );
    expect(screen.getByTestId('wow-card-paying_users').dataset.current).toBe(
      String(recordedNumber('wow-paying-users-1w', 'credits.paying_users', 0, 0)),
    );
  });

  test('every Phase 1 widget title defines its measures in the model’s words, before data', () => {
    renderWithCube(<AnalyticsDashboard {...props()} />, {
      reply: () => new Promise(() => {}),
      now: NOW,
    });
    const definitions: Record<string, { description: string }> = measureDefinitions;
    // The measure each widget is about (each widget's query asks for it).
    for (const [id, measure] of [
      ['widget-trend-exports', 'exports_overview.exports'],
      ['widget-trend-prompts', 'prompts.prompts'],
      ['widget-trend-paywall', 'paywall_funnel.conversions'],
      ['widget-top-templates', 'template_leaderboard.uses'],
      ['widget-wow-export_success', 'exports_overview.success_rate'],
      ['widget-wow-paying_users', 'credits.paying_users'],
    ] as const) {
      const widget = screen.getByTestId(id);
      expect(within(widget).getByTestId('metric-info').getAttribute('aria-label')).toMatch(/^What/);
      const item = within(widget)
        .getByTestId('metric-definitions')
        .querySelector(`[data-measure="${measure}"]`);
      expect(item?.textContent, `${id}: ${measure}`).toContain(definitions[measure]?.description);
    }
  });

  test('timeframe chips: pressed state, click and keyboard', () => {
    const onTimeframeChange = vi.fn();
    renderWithCube(<AnalyticsDashboard {...props({ onTimeframeChange })} />, {
      reply: () => new Promise(() => {}),
      now: NOW,
    });
    const chips = within(screen.getByTestId('timeframe-chips')).getAllByRole('button');
    expect(chips.map((c) => c.dataset.value)).toStrictEqual(['24h', '7d', '30d', 'all']);
    expect(chips.map((c) => c.getAttribute('aria-pressed'))).toStrictEqual([
      'false',
      'true',
      'false',
      'false',
    ]);
    fireEvent.click(chips[2] as HTMLElement);
    expect(onTimeframeChange).toHaveBeenCalledWith('30d');
    (chips[1] as HTMLElement).focus();
    fireEvent.keyDown(chips[1] as HTMLElement, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(chips[2]);
    fireEvent.keyDown(chips[0] as HTMLElement, { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(chips[3]);
    fireEvent.click(chips[1] as HTMLElement); // already selected: no navigation
    expect(onTimeframeChange).toHaveBeenCalledTimes(1);
  });

  test('week selector changes the comparison window', () => {
    const onWeeksChange = vi.fn();
    renderWithCube(<AnalyticsDashboard {...props({ onWeeksChange })} />, {
      reply: () => new Promise(() => {}),
      now: NOW,
    });
    const weeks = within(screen.getByTestId('wow-weeks')).getAllByRole('button');
    expect(weeks.map((c) => c.textContent?.slice(0, 2))).toStrictEqual(['1w', '2w', '4w']);
    fireEvent.click(weeks[2] as HTMLElement);
    expect(onWeeksChange).toHaveBeenCalledWith(4);
  });

  test('an unknown ?tf= shows a visible note and the default timeframe', () => {
    renderWithCube(<AnalyticsDashboard {...props({ rejectedTimeframe: '90d' })} />, {
      reply: () => new Promise(() => {}),
      now: NOW,
    });
    expect(screen.getByTestId('timeframe-notice').textContent).toBe(
      'Unknown timeframe “90d” in the link — showing last 7 days instead.',
    );
    expect(screen.getByTestId('analytics-dashboard').dataset.timeframe).toBe('7d');
  });

  test('a failing widget does not take the page down', async () => {
    const reply = byMeasure({
      'exports_overview.exports': ok('trend-exports-7d'),
      'prompts.prompts': () => cubeError(500, 'connection to database lost'),
      'paywall_funnel.conversions': ok('trend-paywall-7d'),
      'template_leaderboard.uses': ok('top-templates-7d'),
      'exports_overview.completed_exports': ok('wow-export-success-1w'),
      'credits.paying_users': ok('wow-paying-users-1w'),
    });
    renderWithCube(<AnalyticsDashboard {...props()} />, { reply, now: NOW });
    await waitFor(() =>
      expect(screen.getByTestId('widget-trend-prompts').dataset.state).toBe('error'),
    );
    expect(
      within(screen.getByTestId('widget-trend-prompts')).getByTestId('widget-error-message')
        .textContent,
    ).toBe('connection to database lost');
    await waitFor(() =>
      expect(screen.getByTestId('widget-trend-exports').dataset.state).toBe('ready'),
    );
    await waitFor(() =>
      expect(screen.getByTestId('widget-top-templates').dataset.state).toBe('ready'),
    );
  });
});

const flaky = { crash: true };
function Flaky() {
  if (flaky.crash) throw new Error('chart exploded');
  return <p>recovered</p>;
}

describe('WidgetErrorBoundary', () => {
  test('a widget that crashes while rendering shows its error in its own card', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    renderWithCube(
      <div>
        <WidgetErrorBoundary testId="widget-flaky" title="Flaky">
          <Flaky />
        </WidgetErrorBoundary>
        <p>sibling still here</p>
      </div>,
      { reply: () => new Promise(() => {}), now: NOW },
    );
    const card = screen.getByTestId('widget-flaky');
    expect(card.dataset.state).toBe('error');
    expect(within(card).getByTestId('widget-error-message').textContent).toBe('chart exploded');
    expect(screen.getByText('sibling still here')).toBeTruthy();
    flaky.crash = false;
    fireEvent.click(within(card).getByRole('button', { name: 'Retry' }));
    expect(screen.getByText('recovered')).toBeTruthy();
    spy.mockRestore();
  });
});
