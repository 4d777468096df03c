'use client';

import type {
  QueryDefinition,
  SectionParams,
  SectionSchema,
  SectionWidgetInput,
} from '../../../lib/analytics/definitions';
import type { SectionWidget, WidgetData } from '../../../lib/analytics/sections/define';
import type { CubeQueryState } from './cubeQueryState';
import { useCubeHook } from './useCubeHook';

export type { SectionWidgetInput } from '../../../lib/analytics/definitions';

/** The data of widget `K` of a section. */
export type SectionWidgetData<
  Sec extends { widgets: Record<string, SectionWidget> },
  K extends keyof Sec['widgets'],
> = WidgetData<Sec['widgets'][K]>;

/**
 * What every section hook (one per plan endpoint) does: each widget asks for its own part, so
 * a failing widget fails alone (the definition: sectionWidgetDefinition).
 */
export function useSectionWidget<
  Sec extends { widgets: Record<string, SectionWidget> },
  K extends keyof Sec['widgets'] & string,
>(
  def: QueryDefinition<SectionSchema, SectionParams, unknown>,
  input: SectionWidgetInput<K>,
): CubeQueryState<SectionWidgetData<Sec, K>> {
  // The definition's parser checked the value against widget K's schema (`input.widget`).
  return useCubeHook(def, input) as CubeQueryState<SectionWidgetData<Sec, K>>;
}
