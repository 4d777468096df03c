'use client';

import { BarChartCard, ChartTable, NumCell } from '../../../components/charts/BarChartCard';
import { useEngagement } from '../../../components/hooks/queries/sectionHooks';
import { StatList, stat } from '../../../components/metrics/StatList';
import { SECTION_TABLES } from '../../../lib/analytics/sections/tables';
import { formatCount, formatMinutes, formatRatio, formatShare } from '../../../lib/format';
import type { WindowTimeframe } from '../../../lib/timeframe';
import { inPeriod, SectionWidget } from './SectionWidget';
import styles from './sections.module.css';

const M = 'engagement';

const KIND_LABELS = { structural: 'Structural', creative: 'Creative', surgical: 'Surgical' };

function Prompts(props: { timeframe: WindowTimeframe }) {
  const query = useEngagement({ timeframe: props.timeframe, widget: 'prompts' });
  return (
    <SectionWidget
      widget="prompts"
      section="engagement"
      table={SECTION_TABLES.engagement.prompts}
      title="Prompts per active user"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(d) => d.prompts === 0}
      empty={`No prompts ${inPeriod(props.timeframe)}.`}
    >
      {(d) => (
        <StatList
          columns={3}
          items={[
            stat(`${M}.prompts.perUser`, 'Prompts per user', d.perUser, formatRatio),
            stat(`${M}.prompts.prompts`, 'Prompts', d.prompts, formatCount),
            stat(`${M}.prompts.activeUsers`, 'Active users', d.activeUsers, formatCount),
          ]}
        />
      )}
    </SectionWidget>
  );
}

function Iterations(props: { timeframe: WindowTimeframe }) {
  const query = useEngagement({ timeframe: props.timeframe, widget: 'iterations' });
  return (
    <SectionWidget
      widget="iterations"
      section="engagement"
      table={SECTION_TABLES.engagement.iterations}
      title="Iterations to success"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(d) => d.scenes === 0}
      empty={`No scene reached its first success ${inPeriod(props.timeframe)}.`}
    >
      {(d) => (
        <StatList
          columns={2}
          items={[
            stat(`${M}.iterations.average`, 'Average iterations', d.average, formatRatio),
            stat(`${M}.iterations.scenes`, 'Scenes that succeeded', d.scenes, formatCount),
          ]}
        />
      )}
    </SectionWidget>
  );
}

function EditMix(props: { timeframe: WindowTimeframe }) {
  const query = useEngagement({ timeframe: props.timeframe, widget: 'editMix' });
  return (
    <SectionWidget
      widget="editMix"
      section="engagement"
      table={SECTION_TABLES.engagement.editMix}
      title="Edit complexity"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(d) => d.edits === 0}
      empty={`No scene edits ${inPeriod(props.timeframe)}.`}
    >
      {(d) => (
        <div className={styles.stack}>
          <BarChartCard
            label="Edits"
            data={d.kinds.map((k) => ({ key: k.kind, label: KIND_LABELS[k.kind], value: k.count }))}
            format={(v) => formatCount(v)}
            color="var(--series-3)"
          />
          <ChartTable
            caption="Edits by complexity"
            headers={['Kind', 'Edits', 'Share']}
            numeric={[1, 2]}
          >
            {d.kinds.map((k) => (
              <tr key={k.kind}>
                <td>{KIND_LABELS[k.kind]}</td>
                <NumCell metric={`${M}.editMix.${k.kind}.count`} value={k.count}>
                  {formatCount(k.count)}
                </NumCell>
                <NumCell metric={`${M}.editMix.${k.kind}.share`} value={k.share}>
                  {formatShare(k.share)}
                </NumCell>
              </tr>
            ))}
          </ChartTable>
        </div>
      )}
    </SectionWidget>
  );
}

function FirstScene(props: { timeframe: WindowTimeframe }) {
  const query = useEngagement({ timeframe: props.timeframe, widget: 'firstScene' });
  return (
    <SectionWidget
      widget="firstScene"
      section="engagement"
      table={SECTION_TABLES.engagement.firstScene}
      title="Time to first scene"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(d) => d.projects === 0}
      empty={`No project got its first scene ${inPeriod(props.timeframe)}.`}
    >
      {(d) => (
        <StatList
          columns={2}
          items={[
            {
              metric: `${M}.firstScene.averageMinutes`,
              label: 'Average time',
              value: d.averageMinutes,
              display: formatMinutes(d.averageMinutes),
            },
            stat(`${M}.firstScene.projects`, 'Projects', d.projects, formatCount),
          ]}
        />
      )}
    </SectionWidget>
  );
}

export function EngagementSection(props: { timeframe: WindowTimeframe }) {
  return (
    <div className={styles.grid}>
      <Prompts timeframe={props.timeframe} />
      <Iterations timeframe={props.timeframe} />
      <EditMix timeframe={props.timeframe} />
      <FirstScene timeframe={props.timeframe} />
    </div>
  );
}
