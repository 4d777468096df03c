'use client';

import { useTopTemplates } from '../../components/hooks/queries/useTopTemplates';
import { Leaderboard } from '../../components/metrics/Leaderboard';
import { SkeletonRows } from '../../components/panel/Skeleton';
import { WidgetPanel } from '../../components/panel/WidgetPanel';
import { topTemplatesTable } from '../../lib/analytics/exploreTables';
import { TOP_TEMPLATES_LIMIT } from '../../lib/analytics/queries';
import { phase1Queries } from '../../lib/analytics/registry';
import { definitionsOf } from '../../lib/definitions';
import { TIMEFRAME_LABELS, type Timeframe } from '../../lib/timeframe';

/** Leaderboard: the 10 most used templates in the timeframe (lifetime uses for "all"). */
export function TopTemplatesWidget(props: { timeframe: Timeframe }) {
  const query = useTopTemplates({ timeframe: props.timeframe, limit: TOP_TEMPLATES_LIMIT });
  const allTime = props.timeframe === 'all';
  const period = TIMEFRAME_LABELS[props.timeframe].toLowerCase();
  return (
    <WidgetPanel
      testId="widget-top-templates"
      title="Top templates"
      definitions={definitionsOf(
        phase1Queries(props.timeframe, 0).filter((q) => q.widget === 'top_templates'),
      )}
      subtitle={allTime ? 'Lifetime uses' : `Uses · ${TIMEFRAME_LABELS[props.timeframe]}`}
      query={query}
      explore={{
        name: 'Top templates',
        timeframe: TIMEFRAME_LABELS[props.timeframe],
        table: (rows) => topTemplatesTable(rows, allTime),
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
