/**
 * Typed Cube query objects. `cubeQuery()` is the identity at runtime; at compile time it
 * accepts only member names from `members.generated.ts` (so a renamed measure breaks tsc)
 * and keeps the literal type of the query (`as const` semantics via a const type parameter).
 */
import type { CubeDateRange, Granularity } from '../timeframe';
import type { DimensionName, MeasureName, SegmentName, TimeDimensionName } from './members';

export type OrderDirection = 'asc' | 'desc';

export interface TypedTimeDimension {
  readonly dimension: TimeDimensionName;
  readonly granularity?: Granularity;
  readonly dateRange?: CubeDateRange;
  readonly compareDateRange?: readonly CubeDateRange[];
}

export type TypedFilter =
  | {
      readonly member: DimensionName | MeasureName;
      readonly operator: 'equals' | 'notEquals' | 'gt' | 'gte' | 'lt' | 'lte';
      readonly values: readonly string[];
    }
  | {
      readonly member: DimensionName | MeasureName;
      readonly operator: 'set' | 'notSet';
    };

export interface TypedQuery {
  readonly measures?: readonly MeasureName[];
  readonly dimensions?: readonly DimensionName[];
  readonly timeDimensions?: readonly TypedTimeDimension[];
  readonly filters?: readonly TypedFilter[];
  readonly segments?: readonly SegmentName[];
  readonly order?: readonly (readonly [MeasureName | DimensionName, OrderDirection])[];
  readonly limit?: number;
  /** Always UTC: buckets are computed on the server in UTC, the browser formats them. */
  readonly timezone: 'UTC';
}

export function cubeQuery<const Q extends TypedQuery>(query: Q): Q {
  return query;
}

/** Row key of a time dimension at a granularity, as Cube names it in `/load` data. */
export function timeKey<const D extends TimeDimensionName, const G extends Granularity>(
  dimension: D,
  granularity: G,
): `${D}.${G}` {
  return `${dimension}.${granularity}`;
}
