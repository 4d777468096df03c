'use client';

import { useWoW } from '../../components/hooks/queries/useWoW';
import { WowCard } from '../../components/metrics/WowCard';
import { SkeletonLine, SkeletonStack } from '../../components/panel/Skeleton';
import { WidgetPanel } from '../../components/panel/WidgetPanel';
import { PHASE1_WIDGETS, wowWidgetId } from '../../lib/analytics/phase1';
import type { WowMetric } from '../../lib/analytics/schemas';
import { definitionsOf } from '../../lib/definitions';
import { type WowWeeks, wowWindows } from '../../lib/timeframe';

const EMPTY: Record<WowMetric, string> = {
  export_success: 'No exports in either period.',
  paying_users: 'No purchases in either period.',
};

/** Week-over-week card: the last 7·N days against the 7·N days before. */
export function WowWidget(props: { metric: WowMetric; weeks: WowWeeks }) {
  const query = useWoW({ metric: props.metric, weeks: props.weeks });
  const days = props.weeks * 7;
  const spec = PHASE1_WIDGETS[wowWidgetId(props.metric)];
  return (
    <WidgetPanel
      testId={`widget-wow-${props.metric}`}
      title={spec.title}
      definitions={definitionsOf(
        spec.queries(wowWindows(props.weeks, 0)),
        // The card shows completed ÷ exports, the model's success rate.
        props.metric === 'export_success' ? ['exports_overview.success_rate'] : [],
      )}
      subtitle={`Last ${days} days vs the ${days} days before`}
      query={query}
      explore={{
        name: spec.title,
        timeframe: `last ${days} days vs previous ${days} days`,
        table: (w) => spec.table(w, props),
      }}
      isEmpty={(w) => w.current === null && w.previous === null}
      empty={EMPTY[props.metric]}
      skeleton={
        <SkeletonStack>
          <SkeletonLine width="50%" height={32} />
          <SkeletonLine width="70%" height={14} />
        </SkeletonStack>
      }
    >
      {(w) => (
        <WowCard
          testId={`wow-card-${props.metric}`}
          unit={w.unit}
          current={w.current}
          previous={w.previous}
          deltaAbs={w.deltaAbs}
          deltaPct={w.deltaPct}
          weeks={props.weeks}
        />
      )}
    </WidgetPanel>
  );
}
