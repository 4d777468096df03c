/**
 * The rows each Phase 1 widget displays, as CSV-ready tables with human column names. Values
 * are the widget's own numbers (the zero-filled buckets, the ranked templates, the two periods).
 */
import type { ExploreTable } from './explore';
import type { TopTemplate, TrendMetric, Trends, Wow } from './schemas';

export function topTemplatesTable(rows: readonly TopTemplate[], allTime: boolean): ExploreTable {
  return {
    columns: [
      { key: 'rank', label: 'Rank', kind: 'count' },
      { key: 'id', label: 'Template ID' },
      { key: 'name', label: 'Template' },
      { key: 'uses', label: allTime ? 'Lifetime uses' : 'Uses', kind: 'count' },
    ],
    rows: rows.map((r, i) => ({ rank: i + 1, id: r.id, name: r.name, uses: r.usageCount })),
  };
}

/** The bucket column's name, by granularity (Phase 1 trends, Phase 2 series). */
export const BUCKET_LABELS: Record<Trends['granularity'], string> = {
  hour: 'Hour (UTC)',
  day: 'Day (UTC)',
  week: 'Week (UTC)',
};

export function trendTable(trends: Trends, metric: TrendMetric, label: string): ExploreTable {
  return {
    columns: [
      { key: 'bucket', label: BUCKET_LABELS[trends.granularity] },
      { key: 'count', label, kind: 'count' },
    ],
    rows: (trends.series[metric]?.buckets ?? []).map((b) => ({ bucket: b.bucket, count: b.count })),
  };
}

export function wowTable(w: Wow, title: string, weeks: number): ExploreTable {
  const days = weeks * 7;
  const rate = w.unit === 'percent';
  const value = rate ? 'percent' : 'count';
  return {
    columns: [
      { key: 'metric', label: 'Metric' },
      { key: 'current', label: `Last ${days} days`, kind: value },
      { key: 'previous', label: `Previous ${days} days`, kind: value },
      { key: 'deltaAbs', label: 'Change', kind: rate ? 'points' : 'count' },
      { key: 'deltaPct', label: 'Change', kind: 'percent' },
    ],
    rows: [
      {
        metric: title,
        current: w.current,
        previous: w.previous,
        deltaAbs: w.deltaAbs,
        deltaPct: w.deltaPct,
      },
    ],
  };
}
