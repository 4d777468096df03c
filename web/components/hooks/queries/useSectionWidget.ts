'use client';

import { z } from 'zod';
import type { Section, SectionWidget, WidgetData } from '../../../lib/analytics/sections/define';
import { timeframeWindow, type WindowTimeframe } from '../../../lib/timeframe';
import { type CubeQueryState, cubeAnswer } from './cubeQueryState';
import { useCubeHook } from './useCubeHook';

/** A section hook's input: one of its widgets at one of its timeframes. */
export interface SectionWidgetInput<K extends string> {
  readonly timeframe: WindowTimeframe;
  readonly widget: K;
}

function inputSchema(section: Section) {
  const widgets = Object.keys(section.widgets);
  return z
    .object({
      timeframe: z.enum(section.timeframes),
      widget: z.enum(widgets as [string, ...string[]]),
    })
    .strict();
}

const schemas = new WeakMap<Section, ReturnType<typeof inputSchema>>();

/**
 * What every section hook (one per plan endpoint) does: each widget asks for its own part, so
 * a failing widget fails alone. Input outside the section's timeframes or widgets is an error
 * state and sends nothing; the widget's queries go out in parallel and their answers are
 * checked by the widget's zod schema.
 */
export function useSectionWidget<
  W extends Record<string, SectionWidget>,
  K extends keyof W & string,
>(
  name: string,
  section: Section<string, W>,
  input: SectionWidgetInput<K>,
): CubeQueryState<WidgetData<W[K]>> {
  let schema = schemas.get(section);
  if (!schema) {
    schema = inputSchema(section);
    schemas.set(section, schema);
  }
  return useCubeHook({
    name,
    schema,
    input,
    params: ({ timeframe, widget }, hour) => ({
      widget,
      window: timeframeWindow(timeframe, hour),
    }),
    key: ({ widget, window }) => ({
      section: section.id,
      widget,
      timeframe: window.timeframe,
      dateRange: window.dateRange,
      lastBucketStart: window.lastBucketStart,
      timezone: 'UTC',
    }),
    load: async ({ widget, window }, loader, signal) => {
      const spec = section.widgets[widget];
      if (!spec) throw new Error(`${name}: no widget ${widget}`);
      const responses = await Promise.all(
        spec.queries(window).map((q) => loader.load(q.query, { signal })),
      );
      const value = spec.output.parse(spec.parse(responses, window)) as WidgetData<W[K]>;
      return cubeAnswer(value, responses);
    },
  });
}
