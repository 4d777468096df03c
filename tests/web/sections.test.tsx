/**
 * Every Phase 2 widget with recorded Cube answers (tests/fixtures/cube/section-*.recorded.json,
 * `npm run record:fixtures`): loading, empty (a window before the data), error with retry, and
 * data, where every number the widget shows is one of its parsed answer's numbers. Plus the
 * section hooks' input checks and the numeric-string/number tolerance of every widget's parser.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { type ComponentType, useState } from 'react';
import { describe, expect, test } from 'vitest';
import { HookInputError } from '../../web/components/hooks/queries/cubeQueryState';
import {
  useExportFunnel,
  useReleaseAnalytics,
} from '../../web/components/hooks/queries/sectionHooks';
import { AssetsSection } from '../../web/embed/tab/sections/AssetsSection';
import { EngagementSection } from '../../web/embed/tab/sections/EngagementSection';
import { ExportsSection } from '../../web/embed/tab/sections/ExportsSection';
import { LlmSection } from '../../web/embed/tab/sections/LlmSection';
import { MonetizationSection } from '../../web/embed/tab/sections/MonetizationSection';
import { ReleasesSection } from '../../web/embed/tab/sections/ReleasesSection';
import { SectionNavContext } from '../../web/embed/tab/sections/SectionNav';
import { SECTION_IDS, SECTIONS, type SectionId } from '../../web/lib/analytics/sections';
import type { SectionWidget } from '../../web/lib/analytics/sections/define';
import { measureDefinitions } from '../../web/lib/cube/definitions.generated';
import type { LoadResponse } from '../../web/lib/cube/response';
import { timeframeWindow, type WindowTimeframe } from '../../web/lib/timeframe';
import {
  cubeError,
  fixtureNames,
  fixtureNow,
  fixtureResponse,
  ok,
  type Reply,
  type SentQuery,
} from './helpers/cubeFixtures';
import { renderHookWithCube, renderWithCube } from './helpers/render';

const VIEWS: Record<SectionId, ComponentType<{ timeframe: WindowTimeframe }>> = {
  releases: ReleasesSection,
  exports: ExportsSection,
  engagement: EngagementSection,
  monetization: MonetizationSection,
  llm: LlmSection,
  assets: AssetsSection,
};

type Case = { section: SectionId; widget: string; spec: SectionWidget; tf: WindowTimeframe };
const CASES: Case[] = SECTION_IDS.flatMap((section) => {
  const widgets: Record<string, SectionWidget> = SECTIONS[section].widgets;
  return Object.entries(widgets).map(([widget, spec]) => ({
    section,
    widget,
    spec,
    tf: SECTIONS[section].defaultTimeframe,
  }));
});

/** The recordings of a widget's queries, in the order it sends them (`-0`, `-1` when several). */
function recordings(c: Case, suffix: '' | '-empty'): string[] {
  const base = `section-${c.section}-${c.widget}-${c.tf}`;
  const pattern = new RegExp(`^${base}(-\\d+)?${suffix}$`);
  const names = fixtureNames().filter((n) => pattern.test(n));
  if (names.length === 0) throw new Error(`no recording ${base}${suffix}: npm run record:fixtures`);
  return names.sort();
}

const key = (q: { measures?: unknown; dimensions?: unknown }) =>
  JSON.stringify([
    [...((q.measures as string[]) ?? [])].sort(),
    [...((q.dimensions as string[]) ?? [])].sort(),
  ]);

/** Answers each query with the recording of the same measures and dimensions. */
function replyFrom(names: string[]): (query: SentQuery) => Reply {
  const byKey = new Map(names.map((n) => [key(fixtureResponse(n).results[0]?.query ?? {}), n]));
  return (query) => {
    const name = byKey.get(key(query));
    return name ? ok(name) : cubeError(400, `no recording for ${key(query)}`);
  };
}

function numbersIn(value: unknown, out = new Set<number>()): Set<number> {
  if (typeof value === 'number') out.add(value);
  else if (Array.isArray(value)) for (const v of value) numbersIn(v, out);
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) numbersIn(v, out);
  return out;
}

/** Charts render slowly in jsdom on a busy machine. */
const SLOW = { timeout: 15_000 };

const widgetEl = (c: Case) => screen.getByTestId(`widget-${c.section}-${c.widget}`);

describe.each(CASES)('$section / $widget', (c) => {
  const View = VIEWS[c.section];
  const data = recordings(c, '');
  const empty = recordings(c, '-empty');

  test('loading: a skeleton, aria-busy', () => {
    renderWithCube(<View timeframe={c.tf} />, {
      reply: () => new Promise(() => {}),
      now: fixtureNow(data[0] ?? ''),
    });
    expect(widgetEl(c).dataset.state).toBe('loading');
    expect(widgetEl(c).getAttribute('aria-busy')).toBe('true');
  });

  test('definitions: the model’s description of every measure it asks for, before any answer', () => {
    const now = fixtureNow(data[0] ?? '');
    renderWithCube(<View timeframe={c.tf} />, { reply: () => new Promise(() => {}), now });
    const button = within(widgetEl(c)).getByTestId('metric-info');
    const popover = within(widgetEl(c)).getByTestId('metric-definitions');
    expect(button.getAttribute('popovertarget')).toBe(popover.id);
    const definitions: Record<string, { description: string }> = measureDefinitions;
    const measures = new Set(
      c.spec.queries(timeframeWindow(c.tf, now)).flatMap((q) => q.query.measures ?? []),
    );
    expect(measures.size).toBeGreaterThan(0);
    for (const measure of measures) {
      const description = definitions[measure]?.description;
      expect(description, `${measure} has no description in the model`).toBeTruthy();
      const item = popover.querySelector(`[data-measure="${measure}"]`);
      expect(item?.textContent, measure).toContain(description);
    }
  });

  test('data: every number shown is one of the parsed answer’s, with "data as of"', async () => {
    const now = fixtureNow(data[0] ?? '');
    renderWithCube(<View timeframe={c.tf} />, { reply: replyFrom(data), now });
    await waitFor(() => expect(widgetEl(c).dataset.state).toBe('ready'), SLOW);
    const responses: LoadResponse[] = data.map(fixtureResponse);
    const parsed = c.spec.output.parse(c.spec.parse(responses, timeframeWindow(c.tf, now)));
    const allowed = numbersIn(parsed);
    const shown = [...widgetEl(c).querySelectorAll('[data-metric]')];
    expect(shown.length).toBeGreaterThan(0);
    for (const el of shown) {
      const raw = el.getAttribute('data-value');
      if (raw === '') continue;
      expect(allowed.has(Number(raw)), `${el.getAttribute('data-metric')} = ${raw}`).toBe(true);
      expect(el.textContent?.trim()).not.toBe('');
    }
    expect(within(widgetEl(c)).getByTestId('data-as-of')).toBeTruthy();
  });

  test('empty: says what is empty', async () => {
    renderWithCube(<View timeframe={c.tf} />, {
      reply: replyFrom(empty),
      now: fixtureNow(empty[0] ?? ''),
    });
    await waitFor(() => expect(widgetEl(c).dataset.state).toBe('empty'), SLOW);
    expect(within(widgetEl(c)).getByRole('status').textContent).toMatch(/^No |Fewer than|Nobody/);
  });

  test('error: Cube’s message and a retry that recovers; the rest of the section keeps working', async () => {
    let failing = true;
    const section = CASES.filter((o) => o.section === c.section);
    const fromData = replyFrom(section.flatMap((o) => recordings(o, '')));
    const target = new Set(data.map((n) => key(fixtureResponse(n).results[0]?.query ?? {})));
    const now = fixtureNow(data[0] ?? '');
    renderWithCube(<View timeframe={c.tf} />, {
      reply: (query) =>
        failing && target.has(key(query)) ? cubeError(500, 'boom from Cube') : fromData(query),
      now,
    });
    await waitFor(() => expect(widgetEl(c).dataset.state).toBe('error'), SLOW);
    expect(within(widgetEl(c)).getByTestId('widget-error-message').textContent).toContain('boom');
    for (const other of section.filter((o) => o.widget !== c.widget)) {
      await waitFor(() => expect(widgetEl(other).dataset.state).toBe('ready'), SLOW);
    }
    failing = false;
    fireEvent.click(within(widgetEl(c)).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(widgetEl(c).dataset.state).toBe('ready'), SLOW);
  });

  test('numeric cells parse as numbers or numeric strings alike', () => {
    const now = fixtureNow(data[0] ?? '');
    const window = timeframeWindow(c.tf, now);
    const responses = data.map(fixtureResponse);
    const flip = (r: LoadResponse, to: (v: number) => number | string): LoadResponse => ({
      ...r,
      results: r.results.map((res) => ({
        ...res,
        data: res.data.map((row) =>
          Object.fromEntries(
            Object.entries(row).map(([k, v]) => {
              const isMeasure = k in (res.annotation.measures ?? {});
              if (!isMeasure || v === null) return [k, v];
              return [k, to(Number(v))];
            }),
          ),
        ),
      })),
    });
    const asNumbers = responses.map((r) => flip(r, (v) => v));
    const asStrings = responses.map((r) => flip(r, (v) => String(v)));
    expect(c.spec.output.parse(c.spec.parse(asStrings, window))).toEqual(
      c.spec.output.parse(c.spec.parse(asNumbers, window)),
    );
  });
});

describe('section hooks', () => {
  test('a timeframe the section does not offer is an error state and sends nothing', async () => {
    const { result, cube } = renderHookWithCube(
      (input: { timeframe: WindowTimeframe }) =>
        useReleaseAnalytics({ timeframe: input.timeframe, widget: 'list' }),
      {
        reply: () => cubeError(500, 'unexpected'),
        now: Date.parse('2026-11-20T14:00:00Z'),
        initialProps: { timeframe: '24h' },
      },
    );
    expect(result.current.status).toBe('error');
    expect(result.current.error).toBeInstanceOf(HookInputError);
    expect(cube.calls).toHaveLength(0);
  });

  test('an unknown widget is an error state and sends nothing', () => {
    const { result, cube } = renderHookWithCube(
      (input: { widget: string }) =>
        // @ts-expect-error: widget names are checked at compile time; this checks run time too
        useExportFunnel({ timeframe: '7d', widget: input.widget }),
      {
        reply: () => cubeError(500, 'unexpected'),
        now: Date.parse('2026-11-20T14:00:00Z'),
        initialProps: { widget: 'bogus' },
      },
    );
    expect(result.current.status).toBe('error');
    expect(cube.calls).toHaveLength(0);
  });
});

/** The Releases section with the page's URL, as the router adapter would hold it. */
function ReleasesWithUrl(props: { hrefs: string[] }) {
  const [search, setSearch] = useState('section=releases');
  const navigate = (href: string) => {
    props.hrefs.push(href);
    setSearch(href.slice(1));
  };
  return (
    <SectionNavContext.Provider value={{ search, navigate }}>
      <ReleasesSection timeframe="30d" />
    </SectionNavContext.Provider>
  );
}

describe('the release drill-down', () => {
  test('clicking a release opens its detail: title, version, date, views, media links', async () => {
    const names = recordings(
      CASES.find((c) => c.section === 'releases' && c.widget === 'list') as Case,
      '',
    );
    const all = [
      ...names,
      ...recordings(CASES.find((c) => c.widget === 'cadence') as Case, ''),
      ...recordings(CASES.find((c) => c.widget === 'coverage') as Case, ''),
    ];
    const hrefs: string[] = [];
    renderWithCube(<ReleasesWithUrl hrefs={hrefs} />, {
      reply: replyFrom(all),
      now: fixtureNow(names[0] ?? ''),
    });
    const list = await screen.findByTestId('widget-releases-list');
    await waitFor(() => expect(list.dataset.state).toBe('ready'), SLOW);
    const row = list.querySelector('tbody tr');
    if (!row) throw new Error('no release rows');
    const button = within(row as HTMLElement).getByRole('button');
    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const detail = screen.getByTestId('release-detail');
    expect(detail.dataset.releaseId).toBe((row as HTMLElement).dataset.releaseId);
    const views = row.querySelector('[data-metric$=".views"]')?.getAttribute('data-value');
    expect(detail.querySelector('[data-metric$=".views"]')?.getAttribute('data-value')).toBe(views);
    expect(within(detail).getByText('Version')).toBeTruthy();
    const id = (row as HTMLElement).dataset.releaseId ?? '';
    expect(new URLSearchParams(hrefs.at(-1)).get('release')).toBe(id);
    expect(new URLSearchParams(hrefs.at(-1)).get('section')).toBe('releases');
    fireEvent.click(within(detail).getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('release-detail')).toBeNull();
    expect(new URLSearchParams(hrefs.at(-1)).get('release')).toBeNull();
    // Any cell of the row opens it; Escape closes it.
    fireEvent.click(row.querySelectorAll('td')[2] as HTMLElement);
    expect(screen.getByTestId('release-detail').dataset.releaseId).toBe(id);
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(screen.queryByTestId('release-detail')).toBeNull();
  });
});
