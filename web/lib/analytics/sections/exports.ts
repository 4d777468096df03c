/**
 * Exports (plan: getExportFunnel): are exports reliable and fast? Totals, success rate, render
 * time and minutes; the format mix; the most frequent failure messages and their share. Then the
 * reliability deep dive (view export_reliability): time per phase, the finalizing share of render
 * time (overall, by format, per bucket), the phase failed exports were in, stuck exports.
 */
import { z } from 'zod';
import { cubeQuery, timeKey } from '../../cube/query';
import type { LoadResult } from '../../cube/response';
import { bucketStarts, parseCubeTimestamp, type TimeframeWindow } from '../../timeframe';
import { defineSection, nonAdditive, widget } from './define';
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

const R = {
  createdAt: 'export_reliability.created_at',
  event: 'export_reliability.event',
  format: 'export_reliability.format',
  failedInPhase: 'export_reliability.failed_in_phase',
  failed: 'export_reliability.failed_exports',
  medianMs: 'export_reliability.median_phase_ms',
  p95Ms: 'export_reliability.p95_phase_ms',
  finalizingSeconds: 'export_reliability.finalizing_seconds',
  renderSeconds: 'export_reliability.finalized_render_seconds',
  finalizingShare: 'export_reliability.finalizing_share',
  stuck: 'export_reliability.stuck_exports',
} as const;

/** The buckets with a finalizing share (null shares left out: no finalized export there). */
function finalizingTrend(r: LoadResult, w: Pick<TimeframeWindow, 'granularity'>) {
  return parseRows(
    {
      at: [timeKey(R.createdAt, w.granularity), z.string().transform(parseCubeTimestamp)],
      share: [R.finalizingShare, nullableNumber],
    },
    r,
    'finalizing share trend',
  ).flatMap((p) => (p.share === null ? [] : [{ at: p.at, share: p.share }]));
}

export const TOP_ERRORS_LIMIT = 10;
/** The phases an export passes through before it ends (completed or failed), in order. */
export const EXPORT_PHASES = ['started', 'progress', 'finalizing'] as const;
const phaseOrder = (phase: string) => {
  const i = (EXPORT_PHASES as readonly string[]).indexOf(phase);
  return i < 0 ? EXPORT_PHASES.length : i;
};

export const PHASE_PERCENTILE_OVER_WINDOW =
  'Median and p95 of phase durations over a moving window are not additive: no rollup grain ' +
  'equals the window, so they run on export_analytics through its (event, created_at) index. ' +
  '`all` is served by a lifetime rollup.';
/** The start of "however long ago": before any data. */
const SINCE_EVER = '1970-01-01T00:00:00.000';
export const STUCK_NEEDS_CLOCK =
  'Whether an export is stuck depends on the current time (its latest event is over an hour old), ' +
  'which a rollup built earlier cannot know. Only unfinished exports reach the per-row check.';

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
    phases: widget({
      output: z.array(
        z.object({
          phase: z.string(),
          medianMs: z.number().nullable(),
          p95Ms: z.number().nullable(),
        }),
      ),
      queries: (w) => [
        nonAdditive(w, R.createdAt, PHASE_PERCENTILE_OVER_WINDOW, {
          dimensions: [R.event],
          measures: [R.medianMs, R.p95Ms],
          filters: [{ member: R.event, operator: 'equals', values: [...EXPORT_PHASES] }],
          order: [[R.event, 'asc']],
          timezone: 'UTC',
        }),
      ],
      parse: (responses) =>
        parseRows(
          {
            phase: [R.event, z.string()],
            medianMs: [R.medianMs, nullableNumber],
            p95Ms: [R.p95Ms, nullableNumber],
          },
          result(responses, 0),
          'time per phase',
        )
          .filter((r) => r.medianMs !== null)
          .sort((a, b) => phaseOrder(a.phase) - phaseOrder(b.phase)),
    }),
    finalizing: widget({
      output: z.object({
        share: z.number().nullable().describe('0–1'),
        finalizingSeconds: z.number().nonnegative(),
        renderSeconds: z.number().nonnegative(),
        byFormat: z.array(
          z.object({
            format: z.string(),
            share: z.number().nullable(),
            finalizingSeconds: z.number().nonnegative(),
            renderSeconds: z.number().nonnegative(),
          }),
        ),
        trend: z
          .array(z.object({ bucket: z.iso.datetime(), share: z.number().nullable() }))
          .describe('every bucket of the window; null: no finalized export in it (a gap)'),
      }),
      queries: (w) => [
        {
          query: cubeQuery({
            measures: [R.finalizingShare, R.finalizingSeconds, R.renderSeconds],
            timeDimensions: [{ dimension: R.createdAt, dateRange: w.dateRange }],
            timezone: 'UTC',
          }),
        },
        {
          query: cubeQuery({
            dimensions: [R.format],
            measures: [R.finalizingShare, R.finalizingSeconds, R.renderSeconds],
            timeDimensions: [{ dimension: R.createdAt, dateRange: w.dateRange }],
            order: [[R.format, 'asc']],
            timezone: 'UTC',
          }),
        },
        {
          query: cubeQuery({
            measures: [R.finalizingShare],
            timeDimensions: [
              { dimension: R.createdAt, granularity: w.granularity, dateRange: w.dateRange },
            ],
            order: [[R.createdAt, 'asc']],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses, w) => {
        const totals = totalsRow(
          {
            share: [R.finalizingShare, nullableNumber],
            finalizingSeconds: [R.finalizingSeconds, count],
            renderSeconds: [R.renderSeconds, count],
          },
          responses,
          0,
          'finalizing share',
        );
        const byFormat = parseRows(
          {
            format: [R.format, nullableText.transform((v) => v ?? 'unknown')],
            share: [R.finalizingShare, nullableNumber],
            finalizingSeconds: [R.finalizingSeconds, count],
            renderSeconds: [R.renderSeconds, count],
          },
          result(responses, 1),
          'finalizing share by format',
        ).filter((r) => r.share !== null);
        // Buckets without a finalized export have no share (not 0 %): gaps in the trend, which
        // still has every bucket of the window, as the other series over time.
        const points = finalizingTrend(result(responses, 2), w);
        const shares = new Map(points.map((p) => [p.at, p.share] as const));
        const trend = bucketStarts(
          w,
          points.map((p) => p.at),
        ).map((at) => ({ bucket: new Date(at).toISOString(), share: shares.get(at) ?? null }));
        return { ...totals, byFormat, trend };
      },
      series: {
        query: 2,
        dataBuckets: (response, w) => finalizingTrend(result([response], 0), w).map((p) => p.at),
      },
    }),
    failedIn: widget({
      output: z.object({
        failures: z.number().nonnegative(),
        phases: z.array(
          z.object({
            phase: z.string(),
            failures: z.number().nonnegative(),
            share: z.number().nullable().describe('of all failures, 0–1'),
          }),
        ),
      }),
      queries: (w) => [
        {
          query: cubeQuery({
            dimensions: [R.failedInPhase],
            measures: [R.failed],
            filters: [{ member: R.failedInPhase, operator: 'set' }],
            timeDimensions: [{ dimension: R.createdAt, dateRange: w.dateRange }],
            order: [[R.failedInPhase, 'asc']],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) => {
        const rows = parseRows(
          { phase: [R.failedInPhase, z.string()], failures: [R.failed, count] },
          result(responses, 0),
          'failures by phase',
        )
          .filter((r) => r.failures > 0)
          .sort((a, b) => phaseOrder(a.phase) - phaseOrder(b.phase));
        const failures = rows.reduce((sum, r) => sum + r.failures, 0);
        return {
          failures,
          phases: rows.map((r) => ({ ...r, share: failures === 0 ? null : r.failures / failures })),
        };
      },
    }),
    // The state at the window's end (now), whatever the timeframe: every export stuck then,
    // however long ago it got stuck (a window's start would hide the ones stuck longest).
    stuck: widget({
      output: z.object({
        total: z.number().nonnegative(),
        phases: z.array(z.object({ phase: z.string(), exports: z.number().nonnegative() })),
      }),
      queries: (w) => [
        {
          query: cubeQuery({
            dimensions: [R.event],
            measures: [R.stuck],
            filters: [{ member: R.event, operator: 'equals', values: [...EXPORT_PHASES] }],
            timeDimensions: [{ dimension: R.createdAt, dateRange: [SINCE_EVER, w.dateRange[1]] }],
            order: [[R.event, 'asc']],
            timezone: 'UTC',
          }),
          deliberatelyRaw: STUCK_NEEDS_CLOCK,
        },
      ],
      parse: (responses) => {
        const phases = parseRows(
          { phase: [R.event, z.string()], exports: [R.stuck, count] },
          result(responses, 0),
          'stuck exports',
        )
          .filter((r) => r.exports > 0)
          .sort((a, b) => phaseOrder(a.phase) - phaseOrder(b.phase));
        return { total: phases.reduce((sum, r) => sum + r.exports, 0), phases };
      },
    }),
  },
});
