/**
 * LLM (plan: getLLMUsage): what do LLMs cost? Tokens by provider and model, response times
 * (average and p95), success ratio and error rate, the tools invoked most and where errors cluster.
 */
import { z } from 'zod';
import { cubeQuery } from '../../cube/query';
import { defineSection, nonAdditive, PERCENTILE_OVER_WINDOW, widget } from './define';
import { count, nullableNumber, nullableText, parseRows, result, totalsRow } from './values';

const L = {
  createdAt: 'llm_usage.created_at',
  provider: 'llm_usage.provider',
  model: 'llm_usage.model',
  tool: 'llm_usage.tool_name',
  errorType: 'llm_usage.error_type',
  calls: 'llm_usage.calls',
  errors: 'llm_usage.errors',
  inputTokens: 'llm_usage.input_tokens',
  outputTokens: 'llm_usage.output_tokens',
  totalTokens: 'llm_usage.total_tokens',
  avgMs: 'llm_usage.avg_response_ms',
  p95Ms: 'llm_usage.p95_response_ms',
  successRate: 'llm_usage.success_rate',
  errorRate: 'llm_usage.error_rate',
} as const;

export const TOP_TOOLS_LIMIT = 10;
export const HOTSPOTS_LIMIT = 10;

export const llmSection = defineSection({
  id: 'llm',
  label: 'LLM',
  question: 'What do LLMs cost?',
  timeframes: ['24h', '7d', '30d', 'all'],
  defaultTimeframe: '7d',
  widgets: {
    summary: widget({
      output: z.object({
        calls: z.number().nonnegative(),
        totalTokens: z.number().nonnegative(),
        successRate: z.number().nullable().describe('0–1'),
        errorRate: z.number().nullable().describe('0–1'),
      }),
      queries: (w) => [
        {
          query: cubeQuery({
            measures: [L.calls, L.totalTokens, L.successRate, L.errorRate],
            timeDimensions: [{ dimension: L.createdAt, dateRange: w.dateRange }],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) =>
        totalsRow(
          {
            calls: [L.calls, count],
            totalTokens: [L.totalTokens, count],
            successRate: [L.successRate, nullableNumber],
            errorRate: [L.errorRate, nullableNumber],
          },
          responses,
          0,
          'LLM summary',
        ),
    }),
    models: widget({
      output: z.array(
        z.object({
          provider: z.string(),
          model: z.string(),
          calls: z.number().nonnegative(),
          inputTokens: z.number().nonnegative(),
          outputTokens: z.number().nonnegative(),
          totalTokens: z.number().nonnegative(),
        }),
      ),
      queries: (w) => [
        {
          query: cubeQuery({
            dimensions: [L.provider, L.model],
            measures: [L.calls, L.inputTokens, L.outputTokens, L.totalTokens],
            timeDimensions: [{ dimension: L.createdAt, dateRange: w.dateRange }],
            order: [
              [L.totalTokens, 'desc'],
              [L.provider, 'asc'],
              [L.model, 'asc'],
            ],
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) =>
        parseRows(
          {
            provider: [L.provider, nullableText.transform((v) => v ?? 'unknown')],
            model: [L.model, nullableText.transform((v) => v ?? 'unknown')],
            calls: [L.calls, count],
            inputTokens: [L.inputTokens, count],
            outputTokens: [L.outputTokens, count],
            totalTokens: [L.totalTokens, count],
          },
          result(responses, 0),
          'tokens by model',
        ).filter((r) => r.calls > 0),
    }),
    latency: widget({
      output: z.array(
        z.object({
          provider: z.string(),
          avgMs: z.number().nullable(),
          p95Ms: z.number().nullable(),
        }),
      ),
      queries: (w) => [
        nonAdditive(w, L.createdAt, PERCENTILE_OVER_WINDOW, {
          dimensions: [L.provider],
          measures: [L.p95Ms, L.avgMs],
          order: [[L.provider, 'asc']],
          timezone: 'UTC',
        }),
      ],
      parse: (responses) =>
        parseRows(
          {
            provider: [L.provider, nullableText.transform((v) => v ?? 'unknown')],
            avgMs: [L.avgMs, nullableNumber],
            p95Ms: [L.p95Ms, nullableNumber],
          },
          result(responses, 0),
          'response time',
        ).filter((r) => r.avgMs !== null || r.p95Ms !== null),
    }),
    tools: widget({
      output: z.array(
        z.object({
          tool: z.string(),
          calls: z.number().nonnegative(),
          errors: z.number().nonnegative(),
          errorRate: z.number().nullable(),
        }),
      ),
      queries: (w) => [
        {
          query: cubeQuery({
            dimensions: [L.tool],
            measures: [L.calls, L.errors, L.errorRate],
            filters: [{ member: L.tool, operator: 'set' }],
            timeDimensions: [{ dimension: L.createdAt, dateRange: w.dateRange }],
            order: [
              [L.calls, 'desc'],
              [L.tool, 'asc'],
            ],
            limit: TOP_TOOLS_LIMIT,
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) =>
        parseRows(
          {
            tool: [L.tool, z.string()],
            calls: [L.calls, count],
            errors: [L.errors, count],
            errorRate: [L.errorRate, nullableNumber],
          },
          result(responses, 0),
          'top tools',
        ).filter((r) => r.calls > 0),
    }),
    hotspots: widget({
      output: z.array(
        z.object({
          tool: z.string().describe('“(no tool)” for calls outside a tool'),
          errorType: z.string(),
          errors: z.number().nonnegative(),
        }),
      ),
      queries: (w) => [
        {
          query: cubeQuery({
            dimensions: [L.tool, L.errorType],
            measures: [L.errors],
            filters: [{ member: L.errorType, operator: 'set' }],
            timeDimensions: [{ dimension: L.createdAt, dateRange: w.dateRange }],
            order: [
              [L.errors, 'desc'],
              [L.tool, 'asc'],
              [L.errorType, 'asc'],
            ],
            limit: HOTSPOTS_LIMIT,
            timezone: 'UTC',
          }),
        },
      ],
      parse: (responses) =>
        parseRows(
          {
            tool: [L.tool, nullableText.transform((v) => v ?? '(no tool)')],
            errorType: [L.errorType, z.string()],
            errors: [L.errors, count],
          },
          result(responses, 0),
          'error hotspots',
        ).filter((r) => r.errors > 0),
    }),
  },
});
