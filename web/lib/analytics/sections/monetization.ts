/**
 * Monetization (plan: getMonetizationFunnel): are we monetizing? The paywall funnel with step
 * conversion and drop-off, and credits used vs purchased over time (zero-filled buckets).
 */
import { z } from 'zod';
import { zeroFill } from '../../buckets';
import { cubeQuery, timeKey } from '../../cube/query';
import type { LoadResult } from '../../cube/response';
import { bucketStarts, parseCubeTimestamp, type TimeframeWindow } from '../../timeframe';
import { defineSection, widget } from './define';
import { count, parseRows, result, totalsRow } from './values';

const P = {
  createdAt: 'paywall_funnel.created_at',
  views: 'paywall_funnel.views',
  clicks: 'paywall_funnel.package_clicks',
  checkouts: 'paywall_funnel.checkouts',
  conversions: 'paywall_funnel.conversions',
} as const;
const C = {
  createdAt: 'credits.created_at',
  purchased: 'credits.credits_purchased',
  used: 'credits.credits_used',
} as const;

function creditRows(r: LoadResult, w: Pick<TimeframeWindow, 'granularity'>) {
  return parseRows(
    {
      at: [timeKey(C.createdAt, w.granularity), z.string().transform(parseCubeTimestamp)],
      purchased: [C.purchased, count],
      used: [C.used, count],
    },
    r,
    'credits trend',
  );
}
const hasCredits = (r: { purchased: number; used: number }) => r.purchased !== 0 || r.used !== 0;

export const FUNNEL_STEPS = ['viewed', 'clicked', 'checkout', 'completed'] as const;
export const FUNNEL_LABELS: Record<(typeof FUNNEL_STEPS)[number], string> = {
  viewed: 'Viewed paywall',
  clicked: 'Clicked a package',
  checkout: 'Started checkout',
  completed: 'Completed purchase',
};

const bucketPoint = z.object({ bucket: z.iso.datetime(), count: z.number() });

export const monetizationSection = defineSection({
  id: 'monetization',
  label: 'Monetization',
  question: 'Are we monetizing?',
  timeframes: ['24h', '7d', '30d', 'all'],
  defaultTimeframe: '7d',
  widgets: {
    funnel: widget({
      output: z.array(
        z.object({
          step: z.enum(FUNNEL_STEPS),
          count: z.number().nonnegative(),
          conversion: z.number().nullable().describe('from the previous step, 0–1'),
          dropOff: z.number().nullable().describe('1 − conversion'),
        }),
      ),
      queries: (w) => [
        {
          query: cubeQuery({
            measures: [P.views, P.clicks, P.checkouts, P.conversions],
            timeDimensions: [{ dimension: P.createdAt, dateRange: w.dateRange }],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) => {
        const row = totalsRow(
          {
            viewed: [P.views, count],
            clicked: [P.clicks, count],
            checkout: [P.checkouts, count],
            completed: [P.conversions, count],
          },
          responses,
          0,
          'paywall funnel',
        );
        return FUNNEL_STEPS.map((step, i) => {
          const previous = i === 0 ? null : row[FUNNEL_STEPS[i - 1] ?? step];
          const conversion = previous === null || previous === 0 ? null : row[step] / previous;
          return {
            step,
            count: row[step],
            conversion,
            dropOff: conversion === null ? null : 1 - conversion,
          };
        });
      },
    }),
    credits: widget({
      output: z.object({
        purchased: z.array(bucketPoint),
        used: z.array(bucketPoint),
        totalPurchased: z.number(),
        totalUsed: z.number(),
      }),
      queries: (w) => [
        {
          query: cubeQuery({
            measures: [C.purchased, C.used],
            timeDimensions: [
              { dimension: C.createdAt, granularity: w.granularity, dateRange: w.dateRange },
            ],
            order: [[C.createdAt, 'asc']],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses, w) => {
        const rows = creditRows(result(responses, 0), w);
        // Both series share the window's buckets (at `all`, the page's first week on), so the
        // lines line up with each other and with the page's other charts.
        const starts = bucketStarts(
          w,
          rows.filter(hasCredits).map((r) => r.at),
        );
        const purchased = zeroFill(
          rows.map((r) => ({ at: r.at, count: r.purchased })),
          starts,
        );
        const used = zeroFill(
          rows.map((r) => ({ at: r.at, count: r.used })),
          starts,
        );
        const sum = (s: readonly { count: number }[]) => s.reduce((t, b) => t + b.count, 0);
        return { purchased, used, totalPurchased: sum(purchased), totalUsed: sum(used) };
      },
      series: {
        query: 0,
        dataBuckets: (response, w) =>
          creditRows(result([response], 0), w)
            .filter(hasCredits)
            .map((r) => r.at),
      },
    }),
  },
});
