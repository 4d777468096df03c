/**
 * The public surface is a contract with analysts, SQL-API users and the web app: the views and
 * members listed here exist in `/meta` with these types, cubes stay private, and what people read
 * carries a title, a description and the right format.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { CubeMeta } from '../../lib/cube-client';
import { cubeFromTestStack } from '../support/cube';

const D = 'string';
const T = 'time';

/** view → member → /meta type (dimensions: string/time; measures: number). */
const CONTRACT: Record<string, { dimensions: Record<string, string>; measures: string[] }> = {
  template_leaderboard: {
    dimensions: { template_id: D, template_name: D, thumbnail_url: D, category: D, created_at: T },
    measures: ['uses', 'lifetime_uses'],
  },
  exports_overview: {
    dimensions: { format: D, quality: D, status: D, created_at: T },
    measures: [
      'exports',
      'completed_exports',
      'failed_exports',
      'success_rate',
      'avg_render_seconds',
      'total_video_minutes',
    ],
  },
  export_errors: { dimensions: { error_message: D, created_at: T }, measures: ['failures'] },
  export_reliability: {
    dimensions: { event: D, format: D, failed_in_phase: D, created_at: T },
    measures: [
      'median_phase_ms',
      'p95_phase_ms',
      'finalizing_share',
      'finalizing_seconds',
      'finalized_render_seconds',
      'failed_exports',
      'stuck_exports',
    ],
  },
  prompts: {
    dimensions: { created_at: T },
    measures: ['prompts', 'active_users', 'prompts_per_active_user'],
  },
  paywall_funnel: {
    dimensions: { trigger: D, package_id: D, created_at: T },
    measures: [
      'views',
      'package_clicks',
      'checkouts',
      'conversions',
      'view_to_click_rate',
      'click_to_checkout_rate',
      'checkout_to_conversion_rate',
      'view_to_conversion_rate',
    ],
  },
  credits: {
    dimensions: { type: D, created_at: T },
    measures: ['paying_users', 'credits_purchased', 'credits_used', 'revenue'],
  },
  llm_usage: {
    dimensions: { provider: D, model: D, tool_name: D, error_type: D, created_at: T },
    measures: [
      'calls',
      'input_tokens',
      'output_tokens',
      'total_tokens',
      'avg_response_ms',
      'p95_response_ms',
      'success_rate',
      'errors',
    ],
  },
  engagement: {
    dimensions: {
      prompted_at: T,
      iterated_at: T,
      first_success_at: T,
      first_scene_at: T,
      edit_complexity: D,
    },
    measures: [
      'prompts_per_active_user',
      'avg_iterations_to_success',
      'structural_share',
      'creative_share',
      'surgical_share',
      'avg_minutes_to_first_scene',
    ],
  },
  releases: {
    dimensions: { published_at: T, title: D, version: D },
    measures: [
      'published_entries',
      'views',
      'median_days_between_releases',
      'video_coverage',
      'thumbnail_coverage',
    ],
  },
  assets: {
    dimensions: { asset_type: D, size_bucket: D, created_at: T },
    measures: ['uploads', 'bytes', 'reuse_rate'],
  },
};

const PERCENT = [
  'exports_overview.success_rate',
  'paywall_funnel.view_to_click_rate',
  'paywall_funnel.click_to_checkout_rate',
  'paywall_funnel.checkout_to_conversion_rate',
  'paywall_funnel.view_to_conversion_rate',
  'llm_usage.success_rate',
  'releases.video_coverage',
  'releases.thumbnail_coverage',
  'export_reliability.finalizing_share',
  'assets.reuse_rate',
  'engagement.structural_share',
];
const CURRENCY = ['credits.revenue'];

let meta: CubeMeta;
beforeAll(async () => {
  meta = await cubeFromTestStack().meta();
});

const view = (name: string) => meta.cubes.find((c) => c.name === name);
const member = (name: string) => {
  const owner = view(name.split('.')[0] as string);
  return [...(owner?.measures ?? []), ...(owner?.dimensions ?? [])].find((m) => m.name === name);
};

describe.each(Object.entries(CONTRACT))('view %s', (name, contract) => {
  test('exists as a public view', () => {
    expect(view(name)?.type).toBe('view');
  });
  test('has the contracted dimensions with their types', () => {
    const got = Object.fromEntries(
      (view(name)?.dimensions ?? []).map((d) => [d.name.slice(name.length + 1), d.type]),
    );
    expect(got).toMatchObject(contract.dimensions);
  });
  test('has the contracted measures, all numeric, each titled and described', () => {
    for (const m of contract.measures) {
      const found = view(name)?.measures.find((x) => x.name === `${name}.${m}`);
      expect(found, `${name}.${m}`).toBeDefined();
      expect(found?.type, `${name}.${m}`).toBe('number');
      expect(found?.title, `${name}.${m}`).toBeTruthy();
    }
  });
});

test('only views are public: no cube of the model is listed', () => {
  expect(meta.cubes.filter((c) => c.type !== 'view').map((c) => c.name)).toEqual([]);
});

test('rates read as percentages and money as currency', () => {
  for (const name of PERCENT) expect(member(name)?.format, name).toBe('percent');
  for (const name of CURRENCY) expect(member(name)?.format, name).toBe('currency');
});

test('every public measure has a description', () => {
  const missing = meta.cubes.flatMap((c) =>
    c.measures.filter((m) => !m.description).map((m) => m.name),
  );
  expect(missing).toEqual([]);
});
