/**
 * The bench's "incremental refresh" rebuilds what the refresh scheduler would in one hour, read
 * from the model's refresh keys (bench/refresh-plan.ts).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { everySeconds, refreshPlan, refreshRequests } from '../../bench/refresh-plan';

let dir: string | null = null;
afterEach(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
  dir = null;
});

async function model(yaml: string): Promise<string> {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'refresh-plan-'));
  await fs.mkdir(path.join(dir, 'cubes', 'area'), { recursive: true });
  await fs.writeFile(path.join(dir, 'cubes', 'area', 'c.yml'), yaml);
  return dir;
}

test('refresh periods are read as Cube reads them', () => {
  expect(everySeconds('10 minute')).toBe(600);
  expect(everySeconds('1 hour')).toBe(3600);
  expect(everySeconds('2 days')).toBe(172_800);
  expect(everySeconds(undefined)).toBe(3600);
  expect(() => everySeconds('soon')).toThrow(/not understood/);
});

describe('which rollups an hour of new rows rebuilds', () => {
  test('partitioned ones and those keyed at most hourly; daily ones wait for their day', async () => {
    const plan = await refreshPlan(
      await model(`
cubes:
  - name: c
    sql_table: t
    pre_aggregations:
      - name: parts
        partition_granularity: month
        refresh_key: { every: 10 minute, incremental: true, update_window: 1 day }
      - name: weeks
        partition_granularity: week
        refresh_key: { every: 10 minute, incremental: true, update_window: 2 day }
      - name: no_window
        partition_granularity: day
        refresh_key: { every: 10 minute, incremental: true }
      - name: small
        refresh_key: { every: 10 minute }
      - name: default_key
      - name: lifetime
        refresh_key: { every: 1 day }
`),
    );
    expect(plan.hourly).toEqual(['c.parts', 'c.weeks', 'c.no_window', 'c.small', 'c.default_key']);
    expect(plan.updateWindowSeconds).toEqual({
      'c.parts': 86_400,
      'c.weeks': 172_800,
      'c.no_window': 0,
    });
    expect(plan.slower).toEqual([{ id: 'c.lifetime', every: '1 day' }]);
  });

  test.each([
    {
      what: 'an unknown partition granularity',
      granularity: 'fortnight',
      refreshKey: '{ every: 10 minute, incremental: true }',
      refused: /fortnight|partition_granularity/,
    },
    {
      what: 'a partitioned rollup without an incremental key (not misreported)',
      granularity: 'month',
      refreshKey: '{ every: 10 minute }',
      refused: /c\.parts/,
    },
  ])('$what is refused', async ({ granularity, refreshKey, refused }) => {
    const dirPath = await model(`
cubes:
  - name: c
    sql_table: t
    pre_aggregations:
      - name: parts
        partition_granularity: ${granularity}
        refresh_key: ${refreshKey}
`);
    await expect(refreshPlan(dirPath)).rejects.toThrow(refused);
  });

  test('each update window reaches back from now; the new hour at least; whole ones ride along', () => {
    const now = Date.UTC(2026, 10, 30, 18, 0);
    const hour = 3_600_000;
    const requests = refreshRequests(
      {
        hourly: ['c.parts', 'c.weeks', 'c.no_window', 'c.small'],
        updateWindowSeconds: { 'c.parts': 86_400, 'c.weeks': 172_800, 'c.no_window': 0 },
        slower: [],
      },
      now,
    );
    expect(requests).toEqual([
      { from: now - hour, to: now - 1, preAggregations: ['c.no_window', 'c.small'] },
      { from: now - 24 * hour, to: now - 1, preAggregations: ['c.parts'] },
      { from: now - 48 * hour, to: now - 1, preAggregations: ['c.weeks'] },
    ]);
    expect(
      refreshRequests({ hourly: ['c.small'], updateWindowSeconds: {}, slower: [] }, now),
    ).toEqual([{ from: now - hour, to: now - 1, preAggregations: ['c.small'] }]);
  });

  test('the model: every lifetime and reuse rollup is daily, everything else hourly', async () => {
    const plan = await refreshPlan();
    expect(plan.slower.map((r) => r.id).sort()).toEqual([
      'api_usage_metrics.lifetime_p95_by_provider',
      'credit_transactions.lifetime_payers',
      'export_analytics.phase_pct',
      'messages.lifetime_active_users',
      'uploaded_assets.reuse_daily',
    ]);
    expect(plan.hourly).toContain('scene_outcomes.hourly');
    expect(plan.hourly).toContain('uploaded_assets.hourly');
    // Every partitioned rollup keeps late rows for at least a day (no window of 0 by omission).
    for (const [id, seconds] of Object.entries(plan.updateWindowSeconds))
      expect(seconds, id).toBeGreaterThanOrEqual(86_400);
  });
});
