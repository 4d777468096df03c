/**
 * Engagement (plan: getEngagement): are users engaged? Prompts per active user, iterations to
 * a successful scene, the mix of edit complexity and the time from project to first scene.
 */
import { z } from 'zod';
import { cubeQuery } from '../../cube/query';
import { DISTINCT_OVER_WINDOW, defineSection, nonAdditive, widget } from './define';
import { count, nullableNumber, totalsRow } from './values';

const G = {
  promptedAt: 'engagement.prompted_at',
  prompts: 'engagement.prompts',
  activeUsers: 'engagement.active_users',
  perUser: 'engagement.prompts_per_active_user',
  promptMessages: 'engagement.prompt_messages',
  firstSuccessAt: 'engagement.first_success_at',
  avgIterations: 'engagement.avg_iterations_to_success',
  succeeded: 'engagement.succeeded_scenes',
  iteratedAt: 'engagement.iterated_at',
  edits: 'engagement.edits',
  structural: 'engagement.structural_edits',
  creative: 'engagement.creative_edits',
  surgical: 'engagement.surgical_edits',
  firstSceneAt: 'engagement.first_scene_at',
  minutesToFirst: 'engagement.avg_minutes_to_first_scene',
  projects: 'engagement.projects_with_first_scene',
} as const;

export const EDIT_KINDS = ['structural', 'creative', 'surgical'] as const;

export const engagementSection = defineSection({
  id: 'engagement',
  label: 'Engagement',
  question: 'Are users engaged?',
  timeframes: ['24h', '7d', '30d', 'all'],
  defaultTimeframe: '7d',
  widgets: {
    prompts: widget({
      output: z.object({
        prompts: z.number().nonnegative(),
        activeUsers: z.number().nonnegative(),
        perUser: z.number().nullable(),
      }),
      queries: (w) => [
        nonAdditive(
          w,
          G.promptedAt,
          DISTINCT_OVER_WINDOW,
          { measures: [G.prompts, G.activeUsers, G.perUser], timezone: 'UTC' },
          [G.promptMessages],
        ),
      ],
      parse: (responses) =>
        totalsRow(
          {
            prompts: [G.prompts, count],
            activeUsers: [G.activeUsers, count],
            perUser: [G.perUser, nullableNumber],
          },
          responses,
          0,
          'prompts per active user',
        ),
    }),
    iterations: widget({
      output: z.object({
        average: z.number().nullable(),
        scenes: z.number().nonnegative().describe('scenes whose first success is in the window'),
      }),
      queries: (w) => [
        {
          query: cubeQuery({
            measures: [G.avgIterations, G.succeeded],
            timeDimensions: [{ dimension: G.firstSuccessAt, dateRange: w.dateRange }],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) =>
        totalsRow(
          { average: [G.avgIterations, nullableNumber], scenes: [G.succeeded, count] },
          responses,
          0,
          'iterations to success',
        ),
    }),
    editMix: widget({
      output: z.object({
        edits: z.number().nonnegative(),
        kinds: z.array(
          z.object({
            kind: z.enum(EDIT_KINDS),
            count: z.number().nonnegative(),
            share: z.number().nullable().describe('of the classified edits, 0–1'),
          }),
        ),
      }),
      queries: (w) => [
        {
          query: cubeQuery({
            measures: [G.edits, G.structural, G.creative, G.surgical],
            timeDimensions: [{ dimension: G.iteratedAt, dateRange: w.dateRange }],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) => {
        const row = totalsRow(
          {
            edits: [G.edits, count],
            structural: [G.structural, count],
            creative: [G.creative, count],
            surgical: [G.surgical, count],
          },
          responses,
          0,
          'edit complexity',
        );
        // Shares of the edits that carry a complexity, as the model's *_share measures.
        const classified = EDIT_KINDS.reduce((sum, kind) => sum + row[kind], 0);
        return {
          edits: row.edits,
          kinds: EDIT_KINDS.map((kind) => ({
            kind,
            count: row[kind],
            share: classified === 0 ? null : row[kind] / classified,
          })),
        };
      },
    }),
    firstScene: widget({
      output: z.object({
        averageMinutes: z.number().nullable(),
        projects: z.number().nonnegative(),
      }),
      queries: (w) => [
        {
          query: cubeQuery({
            measures: [G.minutesToFirst, G.projects],
            timeDimensions: [{ dimension: G.firstSceneAt, dateRange: w.dateRange }],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) =>
        totalsRow(
          { averageMinutes: [G.minutesToFirst, nullableNumber], projects: [G.projects, count] },
          responses,
          0,
          'time to first scene',
        ),
    }),
  },
});
