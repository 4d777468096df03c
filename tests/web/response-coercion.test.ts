/**
 * The web app coerces Cube's cells at the edge: stock Cube sends bigint/numeric results as strings
 * and int4/float8 ones as numbers (and Cube Store-served results all as strings), so every hook
 * output must be the same whichever way a number arrives.
 */
import { describe, expect, test } from 'vitest';
import { toTopTemplates, toTrendSeries, toWow } from '../../web/lib/analytics/transform';
import { toMultiResponse } from '../../web/lib/cube/response';
import { timeframeWindow, wowWindows } from '../../web/lib/timeframe';
import { fixtureNow, readFixture } from './helpers/cubeFixtures';

type Mode = 'strings' | 'numbers';
const NUMERIC = /^-?\d+(\.\d+)?$/;

/** The recording with every numeric cell of its rows sent as a string, or as a JSON number. */
function retyped(name: string, mode: Mode) {
  const body = structuredClone(readFixture(name)) as {
    data?: Record<string, unknown>[];
    results?: { data: Record<string, unknown>[] }[];
  };
  const results = body.results ?? [body as { data: Record<string, unknown>[] }];
  for (const { data } of results) {
    for (const row of data) {
      for (const [key, value] of Object.entries(row)) {
        if (mode === 'strings' && typeof value === 'number') row[key] = String(value);
        if (mode === 'numbers' && typeof value === 'string' && NUMERIC.test(value)) {
          row[key] = Number(value);
        }
      }
    }
  }
  return toMultiResponse(body);
}

const cells = (response: ReturnType<typeof retyped>) =>
  response.results.flatMap((result) => result.data.flatMap((row) => Object.values(row)));

const hooks: [string, (response: ReturnType<typeof retyped>) => unknown][] = [
  ['top-templates-7d', (r) => toTopTemplates(r, false)],
  ['top-templates-all', (r) => toTopTemplates(r, true)],
  [
    'trend-exports-7d',
    (r) => toTrendSeries(r, 'exports', timeframeWindow('7d', fixtureNow('trend-exports-7d'))),
  ],
  [
    'wow-export-success-1w',
    (r) => toWow(r, 'export_success', wowWindows(1, fixtureNow('wow-export-success-1w'))),
  ],
  [
    'wow-paying-users-1w',
    (r) => toWow(r, 'paying_users', wowWindows(1, fixtureNow('wow-paying-users-1w'))),
  ],
];

describe('numbers arrive as strings or as numbers: same hook output', () => {
  test.each(hooks)('%s', (name, hook) => {
    const asStrings = retyped(name, 'strings');
    const asNumbers = retyped(name, 'numbers');
    // The variants really differ in type: no number left in one, no numeric string in the other.
    expect(cells(asStrings).some((cell) => typeof cell === 'number')).toBe(false);
    expect(cells(asNumbers).some((cell) => typeof cell === 'string' && NUMERIC.test(cell))).toBe(
      false,
    );
    expect(cells(asNumbers).some((cell) => typeof cell === 'number')).toBe(true);
    expect(hook(asStrings)).toStrictEqual(hook(asNumbers));
  });
});
