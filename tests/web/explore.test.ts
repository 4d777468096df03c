import Papa from 'papaparse';
import { describe, expect, test } from 'vitest';
import {
  csvFileName,
  playgroundHref,
  regularQueriesOf,
  tableToCsv,
} from '../../web/lib/analytics/explore';
import { topTemplatesTable, trendTable, wowTable } from '../../web/lib/analytics/exploreTables';
import { topTemplatesWindowQuery, wowQuery } from '../../web/lib/analytics/queries';

describe('tableToCsv', () => {
  test('header of human names, RFC 4180 quoting, formula-like text escaped, nulls empty', () => {
    const csv = tableToCsv({
      columns: [
        { key: 'name', label: 'Template' },
        { key: 'uses', label: 'Uses' },
      ],
      rows: [
        { name: 'Say "hi", then\nleave', uses: 3 },
        { name: '=HYPERLINK("http://x")', uses: null },
      ],
    });
    expect(csv).toBe(
      'Template,Uses\r\n"Say ""hi"", then\nleave",3\r\n"\'=HYPERLINK(""http://x"")",',
    );
    expect(Papa.parse(csv, { skipEmptyLines: true }).data).toEqual([
      ['Template', 'Uses'],
      ['Say "hi", then\nleave', '3'],
      ['\'=HYPERLINK("http://x")', ''],
    ]);
  });
});

test('csvFileName: widget and timeframe, file-system safe', () => {
  expect(csvFileName('Top templates', 'Last 7 days')).toBe('top-templates_last-7-days.csv');
  expect(csvFileName('Export success rate', 'last 14 days vs previous 14 days')).toBe(
    'export-success-rate_last-14-days-vs-previous-14-days.csv',
  );
});

test('playgroundHref carries the exact query through the web app’s hand-off', () => {
  const query = topTemplatesWindowQuery(['2026-11-01T00:00:00.000', '2026-11-07T23:59:59.999'], 10);
  const href = playgroundHref(query);
  expect(href.startsWith('/admin/playground?query=')).toBe(true);
  expect(JSON.parse(new URL(href, 'http://x').searchParams.get('query') ?? '')).toEqual(query);
});

describe('regularQueriesOf', () => {
  test('a regular query stays as it is', () => {
    const query = topTemplatesWindowQuery(
      ['2026-11-01T00:00:00.000', '2026-11-07T23:59:59.999'],
      5,
    );
    expect(regularQueriesOf(query)).toEqual([{ period: null, query }]);
  });
  test('compareDateRange becomes one dateRange query per period, current first', () => {
    const current = ['2026-11-23T00:00:00.000', '2026-11-29T23:59:59.999'] as const;
    const previous = ['2026-11-16T00:00:00.000', '2026-11-22T23:59:59.999'] as const;
    const parts = regularQueriesOf(wowQuery('paying_users', { current, previous, weeks: 1 }));
    expect(parts.map((p) => p.query.timeDimensions)).toEqual([
      [{ dimension: 'credits.created_at', dateRange: current }],
      [{ dimension: 'credits.created_at', dateRange: previous }],
    ]);
    expect(parts.map((p) => p.query.segments)).toEqual([
      ['credits.purchase_transactions'],
      ['credits.purchase_transactions'],
    ]);
    expect(parts[0]?.period).toMatch(/^current period/);
  });
});

describe('widget tables', () => {
  test('top templates: rank, id, name, uses', () => {
    const table = topTemplatesTable(
      [
        { id: 't2', name: 'B', usageCount: 9, thumbnailUrl: null },
        { id: 't1', name: 'A', usageCount: 4, thumbnailUrl: 'x' },
      ],
      false,
    );
    expect(tableToCsv(table)).toBe('Rank,Template ID,Template,Uses\r\n1,t2,B,9\r\n2,t1,A,4');
  });
  test('trend: one row per displayed bucket', () => {
    const table = trendTable(
      {
        granularity: 'day',
        series: {
          exports: {
            buckets: [
              { bucket: '2026-11-01T00:00:00.000Z', count: 0 },
              { bucket: '2026-11-02T00:00:00.000Z', count: 5 },
            ],
            total: 5,
            cumulative: [],
          },
        },
      },
      'exports',
      'Exports',
    );
    expect(tableToCsv(table)).toBe(
      'Day (UTC),Exports\r\n2026-11-01T00:00:00.000Z,0\r\n2026-11-02T00:00:00.000Z,5',
    );
  });
  test('week over week: both periods and the deltas; a missing delta is empty', () => {
    const table = wowTable(
      { unit: 'percent', current: 95.5, previous: 0, deltaAbs: 95.5, deltaPct: null },
      'Export success rate',
      2,
    );
    expect(tableToCsv(table)).toBe(
      'Metric,Last 14 days (%),Previous 14 days (%),Change (points),Change (%)\r\nExport success rate,95.5,0,95.5,',
    );
  });
});
