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
      title: 'Uploads by type',
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
      title: 'Reuse rate',
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
            timeDimensions: [{ dimension: A.createdAt, dateRange: w.dateRange }],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) =>
        totalsRow(
          {
            uploads: [A.uploads, count],
            newAssets: [A.newAssets, count],
            reused: [A.reused, count],
            reuseRate: [A.reuseRate, nullableNumber],
          },
          responses,
          0,
          'reuse rate',
        ),
    }),
    sizes: widget({
      title: 'Upload sizes',
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
