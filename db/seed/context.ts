import type { Calendar } from './calendar';
import { IdSpace } from './ids';
import type { Rng } from './rng';
import type { ScaleSpec } from './scales';
import type { TableWriters } from './tables';

/** Tables whose ids are UUID strings derived from a row number (see IdSpace). */
const ID_TABLES = [
  'users',
  'projects',
  'templates',
  'exports',
  'messages',
  'scenes',
  'scene_iterations',
  'changelog_entries',
  'project_memory',
  'assets',
] as const;

export type IdTable = (typeof ID_TABLES)[number];

/** What every generator shares: the random stream, the calendar, the output and the ids. */
export type SeedContext = {
  seed: number;
  rng: Rng;
  calendar: Calendar;
  scale: ScaleSpec;
  out: TableWriters;
  ids: Record<IdTable, IdSpace>;
  /** Row counters for the id tables: the next row number of each. */
  next: Record<IdTable, number>;
};

export function idSpaces(seed: number): Record<IdTable, IdSpace> {
  return Object.fromEntries(ID_TABLES.map((table, i) => [table, new IdSpace(seed, i)])) as Record<
    IdTable,
    IdSpace
  >;
}

export function counters(): Record<IdTable, number> {
  return Object.fromEntries(ID_TABLES.map((table) => [table, 0])) as Record<IdTable, number>;
}

/** Allocates the next row number of an id table and returns its id. */
export function newId(ctx: SeedContext, table: IdTable): string {
  const n = ctx.next[table]++;
  return ctx.ids[table].id(n);
}
