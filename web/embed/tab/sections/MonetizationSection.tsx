'use client';

import { BarChartCard, ChartTable, NumCell } from '../../../components/charts/BarChartCard';
import { SeriesChart } from '../../../components/charts/SeriesChart';
import { useMonetizationFunnel } from '../../../components/hooks/queries/sectionHooks';
import { StatList, stat } from '../../../components/metrics/StatList';
import { FUNNEL_LABELS } from '../../../lib/analytics/sections/monetization';
import { SECTION_TABLES } from '../../../lib/analytics/sections/tables';
import { formatCompact, formatCount, formatShare, shareRest } from '../../../lib/format';
import { timeframeWindow, type WindowTimeframe } from '../../../lib/timeframe';
import { inPeriod, SectionWidget } from './SectionWidget';
import styles from './sections.module.css';

const M = 'monetization';

function Funnel(props: { timeframe: WindowTimeframe }) {
  const query = useMonetizationFunnel({ timeframe: props.timeframe, widget: 'funnel' });
  return (
    <SectionWidget
      widget="funnel"
      section="monetization"
      table={SECTION_TABLES.monetization.funnel}
      title="Paywall funnel"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(steps) => steps.every((s) => s.count === 0)}
      empty={`Nobody saw the paywall ${inPeriod(props.timeframe)}.`}
    >
      {(steps) => (
        <div className={styles.stack}>
          <BarChartCard
            label="People"
            data={steps.map((s) => ({ key: s.step, label: FUNNEL_LABELS[s.step], value: s.count }))}
            format={(v) => formatCount(v)}
          />
          <ChartTable
            caption="Paywall funnel: each step with its conversion from the previous step"
            headers={['Step', 'Count', 'Conversion', 'Drop-off']}
            numeric={[1, 2, 3]}
          >
            {steps.map((s) => (
              <tr key={s.step}>
                <td>{FUNNEL_LABELS[s.step]}</td>
                <NumCell metric={`${M}.funnel.${s.step}.count`} value={s.count}>
                  {formatCount(s.count)}
                </NumCell>
                <NumCell metric={`${M}.funnel.${s.step}.conversion`} value={s.conversion}>
                  {formatShare(s.conversion)}
                </NumCell>
                <NumCell metric={`${M}.funnel.${s.step}.dropOff`} value={s.dropOff}>
                  {/* The rest of the rounded conversion: the two add up to exactly 100 %. */}
                  {formatShare(shareRest(s.conversion))}
                </NumCell>
              </tr>
            ))}
          </ChartTable>
        </div>
      )}
    </SectionWidget>
  );
}

function Credits(props: { timeframe: WindowTimeframe }) {
  const query = useMonetizationFunnel({ timeframe: props.timeframe, widget: 'credits' });
  const granularity = timeframeWindow(props.timeframe, 0).granularity;
  return (
    <SectionWidget
      widget="credits"
      section="monetization"
      table={SECTION_TABLES.monetization.credits}
      title="Credits used vs purchased"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(d) => d.totalPurchased === 0 && d.totalUsed === 0}
      empty={`No credits purchased or used ${inPeriod(props.timeframe)}.`}
    >
      {(d) => (
        <div className={styles.stack}>
          <StatList
            columns={2}
            items={[
              stat(`${M}.credits.totalPurchased`, 'Purchased', d.totalPurchased, formatCount),
              stat(`${M}.credits.totalUsed`, 'Used', d.totalUsed, formatCount),
            ]}
          />
          <SeriesChart
            title="Credits per period"
            granularity={granularity}
            format={(v) => formatCompact(v)}
            series={[
              {
                key: 'purchased',
                label: 'Purchased',
                color: 'var(--series-1)',
                points: d.purchased,
              },
              { key: 'used', label: 'Used', color: 'var(--series-2)', points: d.used },
            ]}
          />
        </div>
      )}
    </SectionWidget>
  );
}

export function MonetizationSection(props: { timeframe: WindowTimeframe }) {
  return (
    <div className={styles.grid}>
      <Funnel timeframe={props.timeframe} />
      <Credits timeframe={props.timeframe} />
    </div>
  );
}
