/**
 * Compile-time Cube member names, derived from the generated `members.generated.ts`.
 * A member renamed or removed in the model disappears from these unions, so every query
 * and row schema that still names it fails `tsc`.
 */
import { cubeMembers } from './members.generated';

export { cubeMembers };

type Members = typeof cubeMembers;

export type MemberName = keyof Members;
export type ViewName = Members[MemberName]['view'];

export type MeasureName = {
  [K in MemberName]: Members[K]['kind'] extends 'measure' ? K : never;
}[MemberName];

export type DimensionName = {
  [K in MemberName]: Members[K]['kind'] extends 'dimension' ? K : never;
}[MemberName];

export type SegmentName = {
  [K in MemberName]: Members[K]['kind'] extends 'segment' ? K : never;
}[MemberName];

export type TimeDimensionName = {
  [K in MemberName]: Members[K]['kind'] extends 'dimension'
    ? Members[K]['type'] extends 'time'
      ? K
      : never
    : never;
}[MemberName];

/** Members of one view, e.g. `MemberOf<'credits'>`. */
export type MemberOf<V extends ViewName> = {
  [K in MemberName]: Members[K]['view'] extends V ? K : never;
}[MemberName];

export function isMemberName(value: string): value is MemberName {
  return Object.hasOwn(cubeMembers, value);
}
