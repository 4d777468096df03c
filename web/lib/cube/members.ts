/**
 * Compile-time Cube member names, derived from the generated `members.generated.ts`.
 * A member renamed or removed in the model disappears from these unions, so every query
 * and row schema that still names it fails `tsc`.
 */
import type { cubeMembers } from './members.generated';

type Members = typeof cubeMembers;

export type MemberName = keyof Members;

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
