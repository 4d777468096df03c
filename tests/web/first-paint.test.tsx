/**
 * Charts in the server's HTML (the first paint): Recharts draws nothing on the server, so each
 * chart carries its own SVG drawing of the data (web/components/charts/FirstPaint.tsx), and the
 * browser's hydration of that HTML must not mismatch.
 */
import { act } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { prerenderToNodeStream } from 'react-dom/static';
import { beforeAll, describe, expect, test } from 'vitest';
import { BarChartCard } from '../../web/components/charts/BarChartCard';
import { SeriesChart } from '../../web/components/charts/SeriesChart';
import { Sparkline } from '../../web/components/charts/Sparkline';
import { ClockContext } from '../../web/components/hooks/cubeContext';

const buckets = ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04'];
const counts = [3, 0, 12, 6];

/** The server's HTML once everything resolved (Recharts' lazy chunk too), as Next streams it. */
async function serverHtml(element: React.ReactElement): Promise<HTMLDivElement> {
  const { prelude } = await prerenderToNodeStream(element);
  let html = '';
  for await (const chunk of prelude) html += String(chunk);
  const container = document.createElement('div');
  container.innerHTML = html;
  return container;
}

beforeAll(() => {
  // React's act() outside a test library's render.
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

async function hydrate(
  element: React.ReactElement,
  server: React.ReactElement = element,
): Promise<{ errors: unknown[] }> {
  const container = await serverHtml(server);
  document.body.append(container);
  const errors: unknown[] = [];
  const root = await act(async () =>
    hydrateRoot(container, element, { onRecoverableError: (error) => errors.push(error) }),
  );
  await act(async () => root.unmount());
  container.remove();
  return { errors };
}

describe('charts in the first paint', () => {
  const sparkline = (
    <Sparkline
      testId="spark"
      label="Exports"
      granularity="day"
      data={buckets.map((bucket, i) => ({ bucket, count: counts[i] ?? 0 }))}
    />
  );

  test('a sparkline: its chart box holds an area and a line through every bucket', async () => {
    const html = await serverHtml(sparkline);
    const box = html.querySelector('[data-chart]');
    expect(box?.getAttribute('role')).toBe('img');
    const paths = [...(box?.querySelectorAll('svg path') ?? [])].map((p) => p.getAttribute('d'));
    expect(paths).toHaveLength(2);
    // The line starts at the first bucket (x 0) and ends at the last (x 1000, the drawing's width);
    // the highest bucket (12) touches the headroom line (y 4), a zero the bottom (y 72).
    const line = paths[1] ?? '';
    expect(line.startsWith('M0,')).toBe(true);
    expect(line).toContain('1000,');
    expect(line).toMatch(/,4(?:[^\d.]|$)/);
    expect(line).toMatch(/,72(?:[^\d.]|$)/);
  });

  test('bars: one per row, widths proportional to the values, labels beside them', async () => {
    const data = [
      { key: 'a', label: 'v1.2', value: 40 },
      { key: 'b', label: 'v1.1', value: 10 },
    ];
    const html = await serverHtml(
      <BarChartCard testId="bars" label="Views" data={data} format={(v) => String(v)} />,
    );
    const box = html.querySelector('[data-testid=bars]');
    expect(box?.hasAttribute('data-chart')).toBe(true);
    const widths = [...(box?.querySelectorAll('svg rect') ?? [])].map((r) =>
      Number(r.getAttribute('width')),
    );
    expect(widths).toEqual([1000, 250]);
    expect(box?.textContent).toContain('v1.2');
    expect(box?.textContent).toContain('v1.1');
  });

  test('lines: one path per series', async () => {
    const html = await serverHtml(
      <SeriesChart
        title="Revenue"
        granularity="day"
        format={(v) => String(v)}
        series={['a', 'b'].map((key) => ({
          key,
          label: key,
          color: 'red',
          points: buckets.map((bucket, i) => ({ bucket, count: counts[i] ?? 0 })),
        }))}
      />,
    );
    expect(html.querySelectorAll('[data-chart] svg path')).toHaveLength(2);
  });

  test('lines: the bucket still filling is drawn apart (dashed) and said to be "so far"', async () => {
    const days = ['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'].map(
      (d) => `${d}T00:00:00.000Z`,
    );
    const chart = (
      <SeriesChart
        title="Credits"
        granularity="day"
        format={(v) => String(v)}
        series={['a', 'b'].map((key) => ({
          key,
          label: key,
          color: 'red',
          points: days.map((bucket, i) => ({ bucket, count: counts[i] ?? 0 })),
        }))}
      />
    );
    const at = (iso: string) => (
      <ClockContext.Provider value={() => Date.parse(iso)}>{chart}</ClockContext.Provider>
    );
    // Nov 20 14:00: the last day is partial; one solid and one dashed path per series.
    const during = await serverHtml(at('2026-11-20T14:00:00Z'));
    expect(during.querySelector('figure')?.getAttribute('data-partial-last')).toBe('true');
    const paths = [...during.querySelectorAll('[data-chart] svg path')];
    expect(paths).toHaveLength(4);
    expect(paths.filter((p) => p.getAttribute('stroke-dasharray'))).toHaveLength(2);
    expect(during.querySelector('figcaption tbody tr:last-child td')?.textContent).toContain(
      '(so far)',
    );
    // Nov 21: every bucket is complete; nothing is drawn apart.
    const after = await serverHtml(at('2026-11-21T00:00:00Z'));
    expect(after.querySelector('figure')?.hasAttribute('data-partial-last')).toBe(false);
    expect(after.querySelectorAll('[data-chart] svg path')).toHaveLength(2);
    expect(after.textContent).not.toContain('(so far)');
  });

  test('the browser hydrates the server HTML without a mismatch', async () => {
    expect((await hydrate(sparkline)).errors).toEqual([]);
    const bars = (
      <BarChartCard
        label="Views"
        data={[{ key: 'a', label: 'A', value: 1 }]}
        format={(v) => String(v)}
      />
    );
    expect((await hydrate(bars)).errors).toEqual([]);
    // The check can fail: other data on the server than in the browser is a mismatch.
    const other = <BarChartCard label="Views" data={[]} format={(v) => String(v)} />;
    expect((await hydrate(bars, other)).errors).not.toEqual([]);
  });
});
