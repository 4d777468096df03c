'use client';

import { useQueryErrorResetBoundary } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { CubeQueryState } from '../../../components/hooks/queries/cubeQueryState';
import { SkeletonLine } from '../../../components/panel/Skeleton';
import { WidgetErrorBoundary } from '../../../components/panel/WidgetErrorBoundary';
import { WidgetPanel } from '../../../components/panel/WidgetPanel';
import type { ExploreTable } from '../../../lib/analytics/explore';
import { sectionQueries } from '../../../lib/analytics/registry';
import { SECTIONS, type SectionId } from '../../../lib/analytics/sections';
import { definitionsOf } from '../../../lib/definitions';
import {
  type Granularity,
  TIMEFRAME_LABELS,
  timeframeWindow,
  type WindowTimeframe,
} from '../../../lib/timeframe';

/**
 * A Phase 2 widget: the shared WidgetPanel (loading, error with retry, empty, data, "data as of",
 * Explore menu) inside its own error boundary, so a widget that fails or crashes never takes its
 * section down.
 */
export function SectionWidget<T>(props: {
  /** The widget's key in its section (web/lib/analytics/sections), e.g. "types". */
  widget: string;
  section: SectionId;
  title: string;
  /** What the timeframe selects, when more than its label (default: the timeframe's label). */
  subtitle?: string;
  /** The rows the widget shows, for its Explore menu's CSV (web/lib/analytics/sections/tables.ts). */
  table: (data: T, granularity: Granularity) => ExploreTable;
  timeframe: WindowTimeframe;
  query: CubeQueryState<T>;
  isEmpty: (data: T) => boolean;
  empty: ReactNode;
  className?: string;
  children: (data: T) => ReactNode;
}) {
  const { reset } = useQueryErrorResetBoundary();
  const label = SECTIONS[props.section].label;
  const granularity = timeframeWindow(props.timeframe, 0).granularity;
  const testId = `widget-${props.section}-${props.widget}`;
  const widget = `${props.section}.${props.widget}`;
  // The measures don't depend on the hour: any instant lists the same ones.
  const definitions = definitionsOf(
    sectionQueries(props.section, props.timeframe, 0).filter((q) => q.widget === widget),
  );
  return (
    <WidgetErrorBoundary testId={testId} title={props.title} onReset={reset}>
      <WidgetPanel
        testId={testId}
        title={props.title}
        definitions={definitions}
        subtitle={props.subtitle ?? TIMEFRAME_LABELS[props.timeframe]}
        className={props.className}
        query={props.query}
        explore={{
          // The section names the file: "By format" alone would not say of what.
          name: props.title === label ? label : `${label} – ${props.title}`,
          timeframe: TIMEFRAME_LABELS[props.timeframe],
          table: (data) => props.table(data, granularity),
        }}
        isEmpty={props.isEmpty}
        empty={props.empty}
        skeleton={
          <div>
            <SkeletonLine width="45%" height={24} />
            <SkeletonLine height={72} />
          </div>
        }
      >
        {props.children}
      </WidgetPanel>
    </WidgetErrorBoundary>
  );
}

/** "in the last 7 days" / "yet" (all time), for empty-state sentences. */
export function inPeriod(timeframe: WindowTimeframe): string {
  return timeframe === 'all' ? 'yet' : `in the ${TIMEFRAME_LABELS[timeframe].toLowerCase()}`;
}
