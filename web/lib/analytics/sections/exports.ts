/**
 * Exports (plan: getExportFunnel): are exports reliable and fast? Totals, success rate, render
 * time and minutes; the format mix; the most frequent failure messages and their share.
 */
import { z } from 'zod';
import { cubeQuery } from '../../cube/query';
import { defineSection, widget } from './define';
import { count, nullableNumber, nullableText, parseRows, result, totalsRow } from './values';

const E = {
  createdAt: 'exports_overview.created_at',
  exports: 'exports_overview.exports',
  completed: 'exports_overview.completed_exports',
  failed: 'exports_overview.failed_exports',
  successRate: 'exports_overview.success_rate',
  avgRender: 'exports_overview.avg_render_seconds',
  minutes: 'exports_overview.total_video_minutes',
  format: 'exports_overview.format',
} as const;
const X = {
  createdAt: 'export_errors.created_at',
  message: 'export_errors.error_message',
  failures: 'export_errors.failures',
} as const;

export const TOP_ERRORS_LIMIT = 10;

export const exportsSection = defineSection({
  id: 'exports',
  label: 'Exports',
  question: 'Are exports reliable and fast?',
  timeframes: ['24h', '7d', '30d', 'all'],
  defaultTimeframe: '7d',
  widgets: {
    totals: widget({
      output: z.object({
        exports: z.number().nonnegative(),
        completed: z.number().nonnegative(),
        failed: z.number().nonnegative(),
        successRate: z.number().nullable().describe('0–1'),
        avgRenderSeconds: z.number().nullable(),
        videoMinutes: z.number().nonnegative(),
      }),
      queries: (w) => [
        {
          query: cubeQuery({
            measures: [E.exports, E.completed, E.failed, E.successRate, E.avgRender, E.minutes],
            timeDimensions: [{ dimension: E.createdAt, dateRange: w.dateRange }],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) =>
        totalsRow(
          {
            exports: [E.exports, count],
            completed: [E.completed, count],
            failed: [E.failed, count],
            successRate: [E.successRate, nullableNumber],
            avgRenderSeconds: [E.avgRender, nullableNumber],
            videoMinutes: [E.minutes, count],
          },
          responses,
          0,
          'export totals',
        ),
    }),
    formats: widget({
      output: z.array(
        z.object({
          format: z.string(),
          exports: z.number().nonnegative(),
          share: z.number().nullable().describe('of all exports in the window, 0–1'),
        }),
      ),
      queries: (w) => [
        {
          query: cubeQuery({
            dimensions: [E.format],
            measures: [E.exports],
            timeDimensions: [{ dimension: E.createdAt, dateRange: w.dateRange }],
            order: [[E.format, 'asc']],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) => {
        const rows = parseRows(
          {
            format: [E.format, nullableText.transform((v) => v ?? 'unknown')],
            exports: [E.exports, count],
          },
          result(responses, 0),
          'exports by format',
        ).filter((r) => r.exports > 0);
        const total = rows.reduce((sum, r) => sum + r.exports, 0);
        return rows.map((r) => ({ ...r, share: total === 0 ? null : r.exports / total }));
      },
    }),
    errors: widget({
      output: z.object({
        failures: z.number().nonnegative().describe('every failed export event in the window'),
        top: z.array(
          z.object({
            message: z.string(),
            count: z.number().nonnegative(),
            share: z.number().nullable().describe('of all failures, 0–1'),
          }),
        ),
      }),
      queries: (w) => [
        {
          query: cubeQuery({
            dimensions: [X.message],
            measures: [X.failures],
            filters: [{ member: X.message, operator: 'set' }],
            timeDimensions: [{ dimension: X.createdAt, dateRange: w.dateRange }],
            order: [
              [X.failures, 'desc'],
              [X.message, 'asc'],
            ],
            limit: TOP_ERRORS_LIMIT,
            timezone: 'UTC',
          }),
        },
        {
          query: cubeQuery({
            measures: [X.failures],
            timeDimensions: [{ dimension: X.createdAt, dateRange: w.dateRange }],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) => {
        const { failures } = totalsRow({ failures: [X.failures, count] }, responses, 1, 'failures');
        const top = parseRows(
          { message: [X.message, z.string()], count: [X.failures, count] },
          result(responses, 0),
          'top export errors',
        )
          .filter((r) => r.count > 0)
          .map((r) => ({ ...r, share: failures === 0 ? null : r.count / failures }));
        return { failures, top };
      },
    }),
  },
});
