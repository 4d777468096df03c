/**
 * The Exports section's reliability block has chips of its own: it starts at the section's
 * timeframe, its chips re-ask only its own widgets, and it follows the section when that changes.
 */
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, expect, test } from 'vitest';
import { ExportsSection } from '../../web/embed/tab/sections/ExportsSection';
import { timeframeWindow } from '../../web/lib/timeframe';
import { cubeError, type SentQuery } from './helpers/cubeFixtures';
import { renderWithCube } from './helpers/render';

afterEach(cleanup);

const NOW = Date.parse('2026-11-20T14:00:00.000Z');
const reliability = (q: SentQuery) =>
  (q.measures ?? []).some((m) => m.startsWith('export_reliability.'));
const rangeOf = (q: SentQuery) => JSON.stringify(q.timeDimensions?.[0]?.dateRange ?? null);

test('the reliability chips re-ask only the reliability widgets, and follow the section', async () => {
  const sent: SentQuery[] = [];
  const reply = (q: SentQuery) => {
    sent.push(q);
    return cubeError(400, 'not answered in this test');
  };
  const view = renderWithCube(<ExportsSection timeframe="7d" />, { reply, now: NOW });
  const chips = screen.getByTestId('exports-reliability-timeframes');
  const pressed = () => chips.querySelector('[aria-pressed="true"]')?.getAttribute('data-value');
  expect(pressed()).toBe('7d');
  await waitFor(() => expect(sent.some(reliability)).toBe(true));
  const week = JSON.stringify(timeframeWindow('7d', NOW).dateRange);
  const month = JSON.stringify(timeframeWindow('30d', NOW).dateRange);

  fireEvent.click(chips.querySelector('[data-value="30d"]') as HTMLElement);
  expect(pressed()).toBe('30d');
  await waitFor(() =>
    expect(sent.filter((q) => reliability(q) && rangeOf(q) === month).length).toBeGreaterThan(0),
  );
  // Nothing outside the block asked for the block's timeframe.
  expect(sent.filter((q) => !reliability(q) && rangeOf(q) === month)).toEqual([]);
  expect(sent.filter((q) => !reliability(q)).every((q) => rangeOf(q) === week)).toBe(true);

  view.rerender(<ExportsSection timeframe="24h" />);
  expect(pressed()).toBe('24h');
});
