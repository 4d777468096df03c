/**
 * The SQL API's tables: every public cube and view of Cube's `/meta` (as stock Cube lists them) is
 * a table in `public`, its columns the
 * view's measures, dimensions and segments, typed the way Cube's SQL API types them.
 */
import { z } from 'zod';
import type { PgTypeName } from './protocol';

const memberSchema = z.object({
  name: z.string(),
  type: z.string(),
  aggType: z.string().optional(),
  aliasMember: z.string().optional(),
  description: z.string().optional(),
  public: z.boolean().optional(),
});

export const metaSchema = z.object({
  cubes: z.array(
    z.object({
      name: z.string(),
      type: z.string().optional(),
      description: z.string().optional(),
      public: z.boolean().optional(),
      measures: z.array(memberSchema),
      dimensions: z.array(memberSchema),
      segments: z.array(memberSchema.partial({ type: true })),
    }),
  ),
});
export type Meta = z.infer<typeof metaSchema>;

export type ColumnKind = 'measure' | 'dimension' | 'segment';

export type ViewColumn = {
  /** The column name: the member name without the view prefix. */
  name: string;
  /** Cube's member name (`view.member`). */
  member: string;
  kind: ColumnKind;
  pgType: PgTypeName;
  /** Cube's member type (`time`, `string`, …) or, for measures, the aggregation type. */
  cubeType: string;
  aliasMember?: string;
  description?: string;
  /** A multi_stage measure: Cube's JS planner answers it only on its own. */
  multiStage?: boolean;
  /** A `number` measure that adds up over finer rows like this aggregate. */
  rollsUpAs?: 'sum' | 'min' | 'max';
};

export type ViewTable = { name: string; description?: string; columns: ViewColumn[] };

const COUNT_AGGS = new Set(['count', 'countDistinct', 'countDistinctApprox']);

/**
 * Counts are bigint. Other numbers are numeric where stock Cube says double precision: statements
 * are evaluated by real Postgres here, and `round(x, 2)`, which tools and people write, takes
 * numeric only.
 */
function measureType(aggType: string): PgTypeName {
  return COUNT_AGGS.has(aggType) ? 'int8' : 'numeric';
}

function dimensionType(type: string): PgTypeName {
  if (type === 'time') return 'timestamp';
  if (type === 'number') return 'numeric';
  if (type === 'boolean') return 'bool';
  return 'text';
}

const shortName = (member: string): string => member.slice(member.indexOf('.') + 1);

/** A compiled member's aggregation and the member it aliases (views' members alias cube members). */
export type CompiledMeasure = {
  aggType?: string;
  aliasMember?: string;
  multiStage?: boolean;
  /** How a `number` measure that wraps one additive measure adds up over finer rows. */
  rollsUpAs?: 'sum' | 'min' | 'max';
};

/** How a member (or the measure it aliases) adds up over finer rows, when it does. */
function rollupOf(
  member: { name: string; aliasMember?: string },
  compiled: Map<string, CompiledMeasure>,
): 'sum' | 'min' | 'max' | undefined {
  let current: string | undefined = member.name;
  for (let depth = 0; current && depth < 8; depth++) {
    const target = compiled.get(current);
    if (!target) return undefined;
    if (target.rollsUpAs) return target.rollsUpAs;
    current = target.aliasMember;
  }
  return undefined;
}

/** Whether a member is, or aliases, a multi_stage measure. */
function isMultiStage(
  member: { name: string; aliasMember?: string },
  compiled: Map<string, CompiledMeasure>,
): boolean {
  if (compiled.get(member.name)?.multiStage) return true;
  let alias = member.aliasMember;
  for (let depth = 0; alias && depth < 8; depth++) {
    const target = compiled.get(alias);
    if (!target) return false;
    if (target.multiStage) return true;
    alias = target.aliasMember;
  }
  return false;
}

/** Follows a view measure's aliases down to the cube measure that has a real aggregation type. */
function aggregationOf(
  member: { name: string; aggType?: string; type: string; aliasMember?: string },
  compiled: Map<string, CompiledMeasure>,
): string {
  let alias = member.aliasMember;
  for (let depth = 0; alias && depth < 8; depth++) {
    const target = compiled.get(alias);
    if (!target) break;
    if (target.aggType && target.aggType !== 'number') return target.aggType;
    alias = target.aliasMember;
  }
  return member.aggType || member.type;
}

export function viewTables(meta: Meta, compiled: Map<string, CompiledMeasure>): ViewTable[] {
  return meta.cubes
    .filter((cube) => cube.public !== false)
    .map((view) => ({
      name: view.name,
      description: view.description,
      columns: [
        ...view.dimensions
          .filter((d) => d.public !== false)
          .map((d) => ({
            name: shortName(d.name),
            member: d.name,
            kind: 'dimension' as const,
            pgType: dimensionType(d.type),
            cubeType: d.type,
            aliasMember: d.aliasMember,
            description: d.description,
          })),
        ...view.measures
          .filter((m) => m.public !== false)
          .map((m) => {
            const agg = aggregationOf(m, compiled);
            const rollsUpAs = rollupOf(m, compiled);
            return {
              name: shortName(m.name),
              member: m.name,
              kind: 'measure' as const,
              pgType: measureType(agg),
              cubeType: agg,
              aliasMember: m.aliasMember,
              description: m.description,
              ...(isMultiStage(m, compiled) && { multiStage: true }),
              ...(rollsUpAs && { rollsUpAs }),
            };
          }),
        ...view.segments
          .filter((s) => s.public !== false)
          .map((s) => ({
            name: shortName(s.name),
            member: s.name,
            kind: 'segment' as const,
            pgType: 'bool' as const,
            cubeType: 'segment',
            description: s.description,
          })),
      ],
    }));
}
