/**
 * Phase 1 on the page against the hand-written SQL (oracles/pages.ts): the leaderboard, the three
 * sparklines and both WoW cards. Shared by the demo's tests and the example host's.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { leaderboardOracle, trendOracle, wowOracle } from '../../oracles/pages';
import type { Oracle } from '../../oracles/sql';
import type { Timeframe, WowWeeks } from '../../web/lib/timeframe';
import {
  readLeaderboard,
  readSparkline,
  readWow,
  TREND_METRICS,
  WOW_METRICS,
  widgetState,
} from './browser';

/** Relative 1e-9 (browser floats vs Postgres numerics); integers and nulls exactly. */
function near(actual: number | null, expected: number | null): boolean {
  if (actual === null || expected === null) return actual === expected;
  if (Number.isInteger(expected) && Number.isInteger(actual)) return actual === expected;
  const scale = Math.max(Math.abs(actual), Math.abs(expected));
  return Math.abs(actual - expected) <= 1e-9 * scale;
}

/** The leaderboard, the three sparklines and both WoW cards equal the SQL answers at `now`. */
export async function expectPhase1Oracles(
  db: Oracle,
  page: Page,
  timeframe: Timeframe,
  weeks: WowWeeks,
  now: number,
) {
  const label = `${timeframe}, ${weeks}w`;

  const leaders = await leaderboardOracle(db, timeframe, now);
  if (leaders.length === 0) {
    expect
      .soft(await widgetState(page, 'widget-top-templates'), `leaderboard ${label}`)
      .toBe('empty');
  } else {
    const rows = await readLeaderboard(page);
    expect
      .soft(
        rows.map((r) => r.rank),
        `leaderboard ranks ${label}`,
      )
      .toEqual(leaders.map((_, i) => i + 1));
    expect
      .soft(
        rows.map(({ id, count }) => ({ id, count })),
        `leaderboard ${label}`,
      )
      .toEqual(leaders);
  }

  for (const metric of TREND_METRICS) {
    const expected = await trendOracle(db, metric, timeframe, now);
    if (expected.bucketCount === 0) {
      expect
        .soft(await widgetState(page, `widget-trend-${metric}`), `${metric} ${label}`)
        .toBe('empty');
      continue;
    }
    expect
      .soft(await readSparkline(page, metric), `sparkline ${metric} ${label}`)
      .toEqual(expected);
  }

  for (const metric of WOW_METRICS) {
    const expected = await wowOracle(db, metric, weeks, now);
    if (expected.current === null && expected.previous === null) {
      expect
        .soft(await widgetState(page, `widget-wow-${metric}`), `${metric} ${label}`)
        .toBe('empty');
      continue;
    }
    const shown = await readWow(page, metric);
    const keys = ['current', 'previous', 'deltaAbs', 'deltaPct'] as const;
    const wrong = keys.filter((k) => !near(shown[k], expected[k]));
    expect
      .soft(
        wrong.map((k) => `${k}: page ${shown[k]} ≠ sql ${expected[k]}`),
        `WoW ${metric} ${label}`,
      )
      .toEqual([]);
  }
}
