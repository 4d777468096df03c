import { describe, expect, test } from 'vitest';
import { parseTabState } from '../../web/embed/state';
import { sectionHref } from '../../web/embed/tab/sections/SectionsPanel';

const keys = (href: string) => Object.fromEntries(new URLSearchParams(href.slice(1)));

describe('the top row (tf) and the open section (stf) are separate in the URL', () => {
  test('each part reads only its own key', () => {
    const state = parseTabState('tf=24h&section=releases&stf=90d');
    expect(state.timeframe).toBe('24h');
    expect(state.sections).toMatchObject({ section: 'releases', timeframe: '90d' });
    expect(state.rejectedTimeframe).toBeNull();
    expect(state.sections.rejectedTimeframe).toBeNull();
  });

  test('a section without stf shows its default whatever the top row shows', () => {
    const state = parseTabState('tf=24h&section=exports');
    expect(state.timeframe).toBe('24h');
    expect(state.sections.timeframe).toBe('7d');
    expect(state.sections.rejectedTimeframe).toBeNull();
  });

  test('a bad value is noted by its own part only', () => {
    const section = parseTabState('tf=7d&section=exports&stf=90d');
    expect(section.rejectedTimeframe).toBeNull();
    expect(section.sections.rejectedTimeframe).toBe('90d');
    const top = parseTabState('tf=90d&section=releases&stf=90d');
    expect(top.rejectedTimeframe).toBe('90d');
    expect(top.timeframe).toBe('7d');
    expect(top.sections.rejectedTimeframe).toBeNull();
  });

  test("a section's links change section and stf only", () => {
    expect(keys(sectionHref('tf=24h&wow=2&section=llm&stf=30d', 'exports', '7d'))).toEqual({
      tf: '24h',
      wow: '2',
      section: 'exports',
      stf: '7d',
    });
    expect(keys(sectionHref('tf=24h&section=llm&stf=24h', 'releases'))).toEqual({
      tf: '24h',
      section: 'releases',
    });
  });
});
