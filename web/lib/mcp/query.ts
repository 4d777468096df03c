/**
 * The `query` and `query_sql` tools' input: a Cube query in a shape a model writes easily,
 * checked twice before Cube sees it: by zod (shape, Cube's limits) and against the views'
 * members (names, kinds, granularities, the order of a date range). Every refusal says what is
 * wrong and names the nearest valid members.
 */

import { z } from 'zod';
import { CUBE_GRANULARITIES } from '../../../cube/granularities';
import { LIMITS } from '../../../cube/limits';
import type { TypedQuery } from '../cube/query';
import type { LoadResult } from '../cube/response';
import type { MetaView } from './cube';

/** Rows one answer may carry: enough for any table a person reads, small for a model's context. */
export const MCP_MAX_ROWS = 200;

export const GRANULARITIES = CUBE_GRANULARITIES;

const FILTER_OPERATORS = [
  'equals',
  'notEquals',
  'contains',
  'notContains',
  'startsWith',
  'notStartsWith',
  'endsWith',
  'notEndsWith',
  'gt',
  'gte',
  'lt',
  'lte',
  'set',
  'notSet',
  'inDateRange',
  'notInDateRange',
  'beforeDate',
  'beforeOrOnDate',
  'afterDate',
  'afterOrOnDate',
] as const;

const member = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/, 'a member name: "<view>.<member>"');
const instant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?$/,
    'a UTC date "YYYY-MM-DD" or timestamp "YYYY-MM-DDTHH:MM:SS"',
  );

export const queryInputShape = {
  measures: z
    .array(member)
    .max(LIMITS.maxMembersPerQuery)
    .default([])
    .describe('Measures to aggregate, e.g. ["exports_overview.exports"]'),
  dimensions: z
    .array(member)
    .max(LIMITS.maxMembersPerQuery)
    .default([])
    .describe('Dimensions to group by, e.g. ["exports_overview.format"]'),
  segments: z
    .array(member)
    .max(LIMITS.maxMembersPerQuery)
    .default([])
    .describe('Predefined filters of the view (see describe_view)'),
  timeDimension: z
    .object({
      dimension: member.describe(
        'A time dimension of the view, e.g. "exports_overview.created_at"',
      ),
      granularity: z
        .enum(GRANULARITIES)
        .optional()
        .describe('Bucket size; omit for totals over the whole range'),
      dateRange: z
        .union([
          z.array(instant).length(2).describe('[start, end], both inclusive, UTC'),
          z.string().min(1).max(64).describe('Relative range such as "last 7 days"'),
        ])
        .optional()
        .describe('Omit for all time'),
    })
    .strict()
    .optional(),
  filters: z
    .array(
      z
        .object({
          member,
          operator: z.enum(FILTER_OPERATORS),
          values: z
            .array(z.string().max(LIMITS.maxFilterValueChars))
            .max(LIMITS.maxFilterValues)
            .optional()
            .describe('Omit for set / notSet'),
        })
        .strict(),
    )
    .max(LIMITS.maxFiltersPerQuery)
    .default([]),
  order: z
    .array(z.object({ member, direction: z.enum(['asc', 'desc']) }).strict())
    .max(LIMITS.maxMembersPerQuery)
    .default([])
    .describe('Sort order; members must be in the query'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(LIMITS.maxLimit)
    .optional()
    .describe(`Rows to return; at most ${MCP_MAX_ROWS} are shown`),
};
export const queryInputSchema = z.object(queryInputShape).strict();
export type QueryInput = z.output<typeof queryInputSchema>;

/** A refusal meant for the assistant: the message is the whole tool result. */
export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/** The valid names closest to `wanted`, closest first (ties: alphabetical). */
export function nearest(wanted: string, valid: readonly string[], count = 5): string[] {
  const w = wanted.toLowerCase();
  return [...valid]
    .map((name) => ({ name, d: distance(w, name.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, count)
    .map((x) => x.name);
}

export function unknownName(what: string, wanted: string, valid: readonly string[]): string {
  return `Unknown ${what} "${wanted}". Nearest valid: ${nearest(wanted, valid).join(', ')}.`;
}

export function findView(views: readonly MetaView[], name: string): MetaView {
  const view = views.find((v) => v.name === name);
  if (!view) {
    throw new ToolInputError(
      unknownName(
        'view',
        name,
        views.map((v) => v.name),
      ),
    );
  }
  return view;
}

type Kind = 'measure' | 'dimension' | 'time dimension' | 'segment';

function membersOf(views: readonly MetaView[], kind: Kind): string[] {
  return views.flatMap((v) => {
    if (kind === 'measure') return v.measures.map((m) => m.name);
    if (kind === 'segment') return v.segments.map((m) => m.name);
    const dims =
      kind === 'time dimension' ? v.dimensions.filter((d) => d.type === 'time') : v.dimensions;
    return dims.map((m) => m.name);
  });
}

function parseInstant(value: string): number {
  return Date.parse(value.length === 10 ? `${value}T00:00:00Z` : `${value}Z`);
}

/**
 * The checked Cube query for `input`; `limit` asks one row more than shown to spot truncation.
 * Typed as the tab's TypedQuery for the loader: its names were checked against `/meta` here at
 * run time, where the tab's are checked by the compiler (and it may use more granularities).
 */
export function toCubeQuery(input: QueryInput, views: readonly MetaView[]): TypedQuery {
  const problems: string[] = [];
  const check = (
    kind: Kind | 'filter member',
    names: readonly string[],
    valid = membersOf(views, kind === 'filter member' ? 'dimension' : kind),
  ) => {
    for (const name of names)
      if (!valid.includes(name)) problems.push(unknownName(kind, name, valid));
  };
  check('measure', input.measures);
  check('dimension', input.dimensions);
  check('segment', input.segments);
  const td = input.timeDimension;
  if (td) {
    check('time dimension', [td.dimension]);
    if (Array.isArray(td.dateRange)) {
      const [start = '', end = ''] = td.dateRange;
      if (parseInstant(start) > parseInstant(end)) {
        problems.push(`dateRange is reversed: it starts (${start}) after it ends (${end}).`);
      }
    }
  }
  if (input.measures.length + input.dimensions.length + (td?.granularity ? 1 : 0) === 0) {
    problems.push(
      'Ask for at least one measure or dimension (or a time dimension with a granularity).',
    );
  }
  check(
    'filter member',
    input.filters.map((f) => f.member),
    [...membersOf(views, 'measure'), ...membersOf(views, 'dimension')],
  );
  for (const f of input.filters) {
    const needsValues = f.operator !== 'set' && f.operator !== 'notSet';
    if (needsValues && (f.values ?? []).length === 0) {
      problems.push(`Filter on ${f.member}: operator ${f.operator} needs values.`);
    }
  }
  const inQuery = [
    ...input.measures,
    ...input.dimensions,
    ...(td?.granularity ? [td.dimension] : []),
  ];
  for (const o of input.order) {
    if (!inQuery.includes(o.member)) {
      problems.push(
        `Cannot order by ${o.member}: it is not in the query. Order by one of: ${inQuery.join(', ') || '(nothing yet)'}.`,
      );
    }
  }
  if (problems.length > 0) throw new ToolInputError(problems.join('\n'));

  const requested = input.limit ?? MCP_MAX_ROWS + 1;
  return {
    measures: input.measures,
    dimensions: input.dimensions,
    ...(input.segments.length > 0 ? { segments: input.segments } : {}),
    ...(td
      ? {
          timeDimensions: [
            {
              dimension: td.dimension,
              ...(td.granularity ? { granularity: td.granularity } : {}),
              ...(td.dateRange !== undefined ? { dateRange: td.dateRange } : {}),
            },
          ],
        }
      : {}),
    ...(input.filters.length > 0
      ? {
          filters: input.filters.map((f) => ({
            member: f.member,
            operator: f.operator,
            ...(f.values ? { values: f.values } : {}),
          })),
        }
      : {}),
    ...(input.order.length > 0
      ? { order: input.order.map((o) => [o.member, o.direction] as const) }
      : {}),
    limit: Math.min(requested, MCP_MAX_ROWS + 1),
    timezone: 'UTC',
  } as unknown as TypedQuery;
}

// Built once: making a zod schema costs more than parsing with it (0.5 ms a `query` call).
const usedQuerySchema = z.object({
  timeDimensions: z
    .array(z.object({ dateRange: z.tuple([z.string(), z.string()]).optional() }))
    .optional(),
});

/** The date range Cube used (its normalized query), or null without one. */
export function usedDateRange(result: LoadResult): [string, string] | null {
  const parsed = usedQuerySchema.safeParse(result.query);
  const range = parsed.success ? parsed.data.timeDimensions?.[0]?.dateRange : undefined;
  return range ?? null;
}

export type Cell = string | number | boolean | null;

/** Rows as a compact pipe table (what a model reads best), one header line. */
export function compactTable(columns: readonly string[], rows: readonly Cell[][]): string {
  const cell = (v: Cell) =>
    v === null ? '∅' : String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [columns.join(' | '), ...rows.map((r) => r.map(cell).join(' | '))].join('\n');
}
