import { describe, expect, test } from 'vitest';
import { type ExploreTable, tableToCsv } from '../../web/lib/analytics/explore';
import { SECTION_IDS, SECTIONS, type SectionId } from '../../web/lib/analytics/sections';
import { FUNNEL_LABELS } from '../../web/lib/analytics/sections/monetization';
import { SECTION_TABLES, type SectionTables } from '../../web/lib/analytics/sections/tables';
import type { Granularity } from '../../web/lib/timeframe';

type Samples = {
  readonly [S in SectionId]: {
    readonly [K in keyof SectionTables[S]]: Parameters<SectionTables[S][K]>[0];
  };
};

/** One hand-written widget value per widget of every section (a type error when one is missing). */
const SAMPLES: Samples = {
  releases: {
    list: [
      {
        id: 'r2',
        title: 'Faster, "better" exports',
        version: '2.1',
        publishedAt: '2026-11-20T00:00:00.000Z',
        views: 12,
        videoUrl: 'https://v/2',
        thumbnailUrl: null,
      },
      {
        id: 'r1',
        title: '',
        version: '2.0',
        publishedAt: '2026-11-01T00:00:00.000Z',
        views: 0,
        videoUrl: null,
        thumbnailUrl: 'https://t/1',
      },
    ],
    coverage: { published: 4, video: 0.5, thumbnail: 0.75, both: 0.25 },
    cadence: { medianDays: 9.5 },
  },
  exports: {
    totals: {
      exports: 10,
      completed: 8,
      failed: 2,
      successRate: 0.8,
      avgRenderSeconds: 12.5,
      videoMinutes: 3.25,
    },
    formats: [
      { format: 'gif', exports: 1, share: 0.25 },
      { format: 'mp4', exports: 3, share: 0.75 },
    ],
    errors: {
      failures: 5,
      top: [
        { message: 'timeout', count: 3, share: 0.6 },
        { message: '=cmd', count: 1, share: 0.2 },
      ],
    },
    phases: [
      { phase: 'started', medianMs: 3500, p95Ms: 9000.5 },
      { phase: 'finalizing', medianMs: 1200, p95Ms: null },
    ],
    finalizing: {
      share: 0.125,
      finalizingSeconds: 10,
      renderSeconds: 80,
      byFormat: [{ format: 'mp4', share: 0.125, finalizingSeconds: 10, renderSeconds: 80 }],
      trend: [{ bucket: '2026-11-20T00:00:00.000Z', share: 0.125 }],
    },
    failedIn: {
      failures: 4,
      phases: [
        { phase: 'started', failures: 1, share: 0.25 },
        { phase: 'progress', failures: 3, share: 0.75 },
      ],
    },
    stuck: { total: 2, phases: [{ phase: 'progress', exports: 2 }] },
  },
  engagement: {
    prompts: { prompts: 9, activeUsers: 3, perUser: 3 },
    iterations: { average: 2.5, scenes: 4 },
    editMix: {
      edits: 4,
      kinds: [
        { kind: 'structural', count: 1, share: 0.25 },
        { kind: 'creative', count: 3, share: 0.75 },
        { kind: 'surgical', count: 0, share: 0 },
      ],
    },
    firstScene: { averageMinutes: null, projects: 0 },
  },
  monetization: {
    funnel: [
      { step: 'viewed', count: 10, conversion: null, dropOff: null },
      { step: 'clicked', count: 4, conversion: 0.4, dropOff: 0.6 },
      { step: 'checkout', count: 2, conversion: 0.5, dropOff: 0.5 },
      { step: 'completed', count: 1, conversion: 0.5, dropOff: 0.5 },
    ],
    credits: {
      purchased: [
        { bucket: '2026-11-01T00:00:00.000Z', count: 100 },
        { bucket: '2026-11-02T00:00:00.000Z', count: 0 },
      ],
      used: [
        { bucket: '2026-11-01T00:00:00.000Z', count: 30 },
        { bucket: '2026-11-02T00:00:00.000Z', count: 5 },
      ],
      totalPurchased: 100,
      totalUsed: 35,
    },
  },
  llm: {
    summary: { calls: 20, totalTokens: 5000, successRate: 0.9, errorRate: 0.1 },
    models: [
      {
        provider: 'openai',
        model: 'gpt-x',
        calls: 7,
        inputTokens: 100,
        outputTokens: 50,
        totalTokens: 150,
      },
    ],
    latency: [{ provider: 'openai', avgMs: 820.5, p95Ms: null }],
    tools: [{ tool: 'search', calls: 6, errors: 1, errorRate: 1 / 6 }],
    hotspots: [{ tool: '(no tool)', errorType: 'rate_limit', errors: 2 }],
  },
  assets: {
    types: [{ type: 'image', uploads: 3, bytes: 2048 }],
    reuse: { uploads: 5, newAssets: 3, reused: 2, reuseRate: 0.4 },
    sizes: [
      { bucket: '< 1 MB', uploads: 4 },
      { bucket: '1–10 MB', uploads: 1 },
    ],
  },
};

type Mapper = (data: unknown, granularity: Granularity) => ExploreTable;

/** One widget's table of its sample (the cast lets one loop run every section's mappers). */
function tableOf(
  section: SectionId,
  widget: string,
  granularity: Granularity = 'day',
): ExploreTable {
  const map = (SECTION_TABLES[section] as unknown as Record<string, Mapper | undefined>)[widget];
  if (!map) throw new Error(`no table for ${section}.${widget}`);
  return map((SAMPLES[section] as Record<string, unknown>)[widget], granularity);
}

const csv = (section: SectionId, widget: string, granularity?: Granularity) =>
  tableToCsv(tableOf(section, widget, granularity));

describe('every Phase 2 widget has a table', () => {
  const pairs = SECTION_IDS.flatMap((s) =>
    Object.keys(SECTIONS[s].widgets).map((w) => [s, w] as const),
  );
  test.each(pairs)(
    '%s.%s: named columns, every row fills exactly those columns',
    (section, widget) => {
      const table = tableOf(section, widget);
      const keys = table.columns.map((c) => c.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(new Set(table.columns.map((c) => c.label)).size).toBe(keys.length);
      for (const c of table.columns) expect(c.label.trim()).not.toBe('');
      expect(table.rows.length).toBeGreaterThan(0);
      for (const row of table.rows) expect(Object.keys(row).sort()).toEqual([...keys].sort());
    },
  );
});

describe('Phase 2 widget tables', () => {
  test('releases list: newest first, empty cells for missing media, quoted titles', () => {
    expect(csv('releases', 'list')).toBe(
      'Release ID,Version,Title,Published (UTC),Views,Video,Thumbnail\r\n' +
        'r2,2.1,"Faster, ""better"" exports",2026-11-20T00:00:00.000Z,12,https://v/2,\r\n' +
        'r1,2.0,,2026-11-01T00:00:00.000Z,0,,https://t/1',
    );
  });
  test('stat widgets are one row, shares in percent, units in the header, rounded as on screen', () => {
    expect(csv('releases', 'coverage')).toBe(
      'Published releases,With video (%),With thumbnail (%),With both (%)\r\n4,50,75,25',
    );
    expect(csv('exports', 'totals')).toBe(
      'Exports,Completed,Failed,Success rate (%),Average render time (s),Video exported (min)\r\n10,8,2,80,12.5,3.3',
    );
    expect(csv('engagement', 'firstScene')).toBe('Average time to first scene (s),Projects\r\n,0');
    expect(
      tableToCsv(
        SECTION_TABLES.engagement.firstScene({ averageMinutes: 0.26394, projects: 3 }, 'day'),
      ),
    ).toBe('Average time to first scene (s),Projects\r\n15.8,3');
    expect(
      tableToCsv(
        SECTION_TABLES.exports.totals(
          {
            exports: 3,
            completed: 1,
            failed: 2,
            successRate: 1 / 3,
            avgRenderSeconds: 36052.89999999999,
            videoMinutes: 220.14,
          },
          'day',
        ),
      ),
    ).toBe(
      'Exports,Completed,Failed,Success rate (%),Average render time (s),Video exported (min)\r\n3,1,2,33.3,36052.9,220.1',
    );
  });
  test('top export errors: ranked, formula-like messages escaped, the total closes the file', () => {
    expect(csv('exports', 'errors')).toBe(
      'Rank,Message,Failures,Share of failures (%)\r\n1,timeout,3,60\r\n2,"\'=cmd",1,20\r\n,All failures,5,100',
    );
  });
  test('edit mix and funnel use the widget’s labels', () => {
    expect(csv('engagement', 'editMix')).toBe(
      'Kind,Edits,Share (%)\r\nStructural,1,25\r\nCreative,3,75\r\nSurgical,0,0',
    );
    expect(csv('monetization', 'funnel').split('\r\n')).toEqual([
      'Step,Count,Conversion (%),Drop-off (%)',
      `${FUNNEL_LABELS.viewed},10,,`,
      `${FUNNEL_LABELS.clicked},4,40,60`,
      `${FUNNEL_LABELS.checkout},2,50,50`,
      `${FUNNEL_LABELS.completed},1,50,50`,
    ]);
    // 1 of 16: 6.25 % and 93.75 % would both round up (to 100.1); the drop-off is the rest.
    const [, row] = tableToCsv(
      SECTION_TABLES.monetization.funnel(
        [{ step: 'clicked', count: 1, conversion: 1 / 16, dropOff: 15 / 16 }],
        'day',
      ),
    ).split('\r\n');
    expect(row).toBe(`${FUNNEL_LABELS.clicked},1,6.3,93.7`);
  });
  test('credits: one row per bucket, both series side by side, bucket named by granularity', () => {
    expect(csv('monetization', 'credits', 'week')).toBe(
      'Week (UTC),Credits purchased,Credits used\r\n' +
        '2026-11-01T00:00:00.000Z,100,30\r\n2026-11-02T00:00:00.000Z,0,5',
    );
    expect(csv('monetization', 'credits', 'hour').startsWith('Hour (UTC),')).toBe(true);
  });
  test('llm models: the shown token columns only (calls is not displayed)', () => {
    expect(csv('llm', 'models')).toBe(
      'Provider,Model,Input tokens,Output tokens,Total tokens\r\nopenai,gpt-x,100,50,150',
    );
    expect(csv('llm', 'latency')).toBe('Provider,Average (ms),p95 (ms)\r\nopenai,821,');
  });
});
