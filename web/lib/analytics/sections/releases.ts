/**
 * Releases (plan: getReleaseAnalytics): views per release, publish cadence, media coverage, and
 * the release drill-down (its row of the per-release list: title, version, date, views, media).
 */
import { z } from 'zod';
import { cubeQuery, timeKey } from '../../cube/query';
import { parseCubeTimestamp } from '../../timeframe';
import { defineSection, MEDIAN_OVER_WINDOW, nonAdditive, widget } from './define';
import { count, nullableNumber, nullableText, parseRows, result, text, totalsRow } from './values';

const R = {
  id: 'releases.release_id',
  title: 'releases.title',
  version: 'releases.version',
  videoUrl: 'releases.video_url',
  thumbnailUrl: 'releases.thumbnail_url',
  publishedAt: 'releases.published_at',
  published: 'releases.published_entries',
  views: 'releases.views',
  videoCoverage: 'releases.video_coverage',
  thumbnailCoverage: 'releases.thumbnail_coverage',
  fullCoverage: 'releases.full_media_coverage',
  median: 'releases.median_days_between_releases',
} as const;

/**
 * Every release published in the window is listed (chart, table and CSV, like Media coverage's
 * count); this cap only bounds a pathological catalogue, and the list says so when it is reached.
 */
export const RELEASE_LIST_LIMIT = 1000;

const releaseSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  version: z.string(),
  publishedAt: z.iso.datetime().describe('publication day, UTC'),
  views: z.number().nonnegative(),
  videoUrl: z.string().nullable(),
  thumbnailUrl: z.string().nullable(),
});
export type Release = z.infer<typeof releaseSchema>;

export const releasesSection = defineSection({
  id: 'releases',
  label: 'Releases',
  question: 'Which releases drive engagement?',
  timeframes: ['30d', '90d', 'all'],
  defaultTimeframe: '30d',
  widgets: {
    list: widget({
      output: z.array(releaseSchema).describe('newest first'),
      queries: (w) => [
        {
          query: cubeQuery({
            dimensions: [R.id, R.title, R.version, R.videoUrl, R.thumbnailUrl],
            measures: [R.views],
            timeDimensions: [
              { dimension: R.publishedAt, granularity: 'day', dateRange: w.dateRange },
            ],
            order: [
              [R.publishedAt, 'desc'],
              [R.id, 'desc'],
            ],
            limit: RELEASE_LIST_LIMIT,
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) =>
        parseRows(
          {
            id: [R.id, text],
            title: [R.title, nullableText.transform((v) => v ?? '')],
            version: [R.version, nullableText.transform((v) => v ?? '')],
            publishedAt: [
              timeKey(R.publishedAt, 'day'),
              z.string().transform((v) => new Date(parseCubeTimestamp(v)).toISOString()),
            ],
            views: [R.views, count],
            videoUrl: [R.videoUrl, nullableText],
            thumbnailUrl: [R.thumbnailUrl, nullableText],
          },
          result(responses, 0),
          'views per release',
        ),
    }),
    coverage: widget({
      output: z.object({
        published: z.number().nonnegative(),
        video: z.number().nullable().describe('share 0–1 of published releases with a video'),
        thumbnail: z.number().nullable(),
        both: z.number().nullable(),
      }),
      queries: (w) => [
        {
          query: cubeQuery({
            measures: [R.published, R.videoCoverage, R.thumbnailCoverage, R.fullCoverage],
            timeDimensions: [{ dimension: R.publishedAt, dateRange: w.dateRange }],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) =>
        totalsRow(
          {
            published: [R.published, count],
            video: [R.videoCoverage, nullableNumber],
            thumbnail: [R.thumbnailCoverage, nullableNumber],
            both: [R.fullCoverage, nullableNumber],
          },
          responses,
          0,
          'media coverage',
        ),
    }),
    cadence: widget({
      output: z.object({
        medianDays: z.number().nullable().describe('median days between published releases'),
      }),
      queries: (w) => [
        nonAdditive(w, R.publishedAt, MEDIAN_OVER_WINDOW, {
          measures: [R.median],
          timezone: 'UTC',
        }),
      ],
      parse: (responses) =>
        totalsRow({ medianDays: [R.median, nullableNumber] }, responses, 0, 'publish cadence'),
    }),
  },
});
