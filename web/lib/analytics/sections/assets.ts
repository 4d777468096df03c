/**
 * Assets (plan: getAssetStats): how are assets used? Uploads by type, how often an upload is
 * reused, and the size classes of uploads.
 */
import { z } from 'zod';
import { cubeQuery } from '../../cube/query';
import { defineSection, widget } from './define';
import { count, nullableNumber, nullableText, parseRows, result, totalsRow } from './values';

const A = {
  createdAt: 'assets.created_at',
  type: 'assets.asset_type',
  sizeBucket: 'assets.size_bucket',
  uploads: 'assets.uploads',
  bytes: 'assets.bytes',
  newAssets: 'assets.new_assets',
  reused: 'assets.reused_assets',
  reuseRate: 'assets.reuse_rate',
} as const;

/** The model's size classes, smallest first (the order the chart shows them in). */
export const SIZE_BUCKETS = [
  '< 100 KB',
  '100 KB – 1 MB',
  '1 – 10 MB',
  '10 – 100 MB',
  '≥ 100 MB',
] as const;
const sizeRank = (bucket: string) => {
  const i = (SIZE_BUCKETS as readonly string[]).indexOf(bucket);
  return i === -1 ? SIZE_BUCKETS.length : i;
};

export const assetsSection = defineSection({
  id: 'assets',
  label: 'Assets',
  question: 'How are assets used?',
  timeframes: ['24h', '7d', '30d', 'all'],
  defaultTimeframe: '7d',
  widgets: {
    types: widget({
      output: z.array(
        z.object({
          type: z.string(),
          uploads: z.number().nonnegative(),
          bytes: z.number().nonnegative(),
        }),
      ),
      queries: (w) => [
        {
          query: cubeQuery({
            dimensions: [A.type],
            measures: [A.uploads, A.bytes],
            timeDimensions: [{ dimension: A.createdAt, dateRange: w.dateRange }],
            order: [[A.type, 'asc']],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) =>
        parseRows(
          {
            type: [A.type, nullableText.transform((v) => v ?? 'unknown')],
            uploads: [A.uploads, count],
            bytes: [A.bytes, count],
          },
          result(responses, 0),
          'uploads by type',
        ).filter((r) => r.uploads > 0),
    }),
    reuse: widget({
      output: z.object({
        uploads: z.number().nonnegative(),
        newAssets: z.number().nonnegative(),
        reused: z.number().nonnegative(),
        reuseRate: z.number().nullable().describe('0–1'),
      }),
      queries: (w) => [
        {
          query: cubeQuery({
            measures: [A.uploads, A.newAssets, A.reused, A.reuseRate],
            // 24h per hour: a 24h window is a whole UTC day from 23:00 to midnight, and a
            // day-aligned totals query goes to `uploaded_assets.reuse_daily`, rebuilt once a
            // day (reuse is a lifetime fact), so it would show the day as of 00:00. Hours only
            // the incremental `hourly` rollup can answer; the hours add up (below).
            timeDimensions: [
              {
                dimension: A.createdAt,
                dateRange: w.dateRange,
                ...(w.timeframe === '24h' ? { granularity: 'hour' as const } : {}),
              },
            ],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses, w) => {
        const spec = {
          uploads: [A.uploads, count],
          newAssets: [A.newAssets, count],
          reused: [A.reused, count],
          reuseRate: [A.reuseRate, nullableNumber],
        } as const;
        if (w.timeframe !== '24h') return totalsRow(spec, responses, 0, 'reuse rate');
        const hours = parseRows(spec, result(responses, 0), 'reuse rate');
        const sum = (key: 'uploads' | 'newAssets' | 'reused') =>
          hours.reduce((total, hour) => total + hour[key], 0);
        const newAssets = sum('newAssets');
        const reused = sum('reused');
        // The model's reuse_rate (reused ÷ new assets) over the day's hours: both are counted at
        // an asset's first upload, so they add up across hours.
        return {
          uploads: sum('uploads'),
          newAssets,
          reused,
          reuseRate: newAssets > 0 ? reused / newAssets : null,
        };
      },
    }),
    sizes: widget({
      output: z.array(z.object({ bucket: z.string(), uploads: z.number().nonnegative() })),
      queries: (w) => [
        {
          query: cubeQuery({
            dimensions: [A.sizeBucket],
            measures: [A.uploads],
            timeDimensions: [{ dimension: A.createdAt, dateRange: w.dateRange }],
            order: [[A.sizeBucket, 'asc']],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) =>
        parseRows(
          {
            bucket: [A.sizeBucket, nullableText.transform((v) => v ?? 'unknown')],
            uploads: [A.uploads, count],
          },
          result(responses, 0),
          'upload sizes',
        )
          .filter((r) => r.uploads > 0)
          .sort((a, b) => sizeRank(a.bucket) - sizeRank(b.bucket)),
    }),
  },
});
