'use client';

import { useTopTemplates } from '../../components/hooks/queries/useTopTemplates';
import { Leaderboard } from '../../components/metrics/Leaderboard';
import { SkeletonRows } from '../../components/panel/Skeleton';
import { WidgetPanel } from '../../components/panel/WidgetPanel';
import { PHASE1_WIDGETS } from '../../lib/analytics/phase1';
import { TOP_TEMPLATES_LIMIT } from '../../lib/analytics/queries';
import { definitionsOf } from '../../lib/definitions';
import { TIMEFRAME_LABELS, type Timeframe, timeframeWindow } from '../../lib/timeframe';

/** Leaderboard: the 10 most used templates in the timeframe (lifetime uses for "all"). */
export function TopTemplatesWidget(props: { timeframe: Timeframe }) {
  const query = useTopTemplates({ timeframe: props.timeframe, limit: TOP_TEMPLATES_LIMIT });
  const allTime = props.timeframe === 'all';
  const period = TIMEFRAME_LABELS[props.timeframe].toLowerCase();
  const spec = PHASE1_WIDGETS.top_templates;
  return (
    <WidgetPanel
      testId="widget-top-templates"
      title={spec.title}
      definitions={definitionsOf(spec.queries(timeframeWindow(props.timeframe, 0)))}
      subtitle={allTime ? 'Lifetime uses' : `Uses · ${TIMEFRAME_LABELS[props.timeframe]}`}
      query={query}
      explore={{
        name: spec.title,
        timeframe: TIMEFRAME_LABELS[props.timeframe],
        table: (rows) => spec.table(rows, props),
      }}
      isEmpty={(rows) => rows.length === 0}
      empty={allTime ? 'No template has been used yet.' : `No template was used in the ${period}.`}
      skeleton={<SkeletonRows rows={6} />}
    >
      {(rows) => (
        <Leaderboard
          caption={`Top ${rows.length} templates by ${allTime ? 'lifetime uses' : `uses, ${period}`}`}
          valueLabel="Uses"
          rows={rows.map((r) => ({
            id: r.id,
            label: r.name,
            value: r.usageCount,
            imageUrl: r.thumbnailUrl,
          }))}
        />
      )}
    </WidgetPanel>
  );
}
