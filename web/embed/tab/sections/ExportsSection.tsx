'use client';

import { BarChartCard, ChartTable, NumCell } from '../../../components/charts/BarChartCard';
import { useExportFunnel } from '../../../components/hooks/queries/sectionHooks';
import { Num } from '../../../components/metrics/Num';
import { StatList, stat } from '../../../components/metrics/StatList';
import { SECTION_TABLES } from '../../../lib/analytics/sections/tables';
import { formatCount, formatDecimal, formatDuration, formatShare } from '../../../lib/format';
import type { WindowTimeframe } from '../../../lib/timeframe';
import { inPeriod, SectionWidget } from './SectionWidget';
import styles from './sections.module.css';

const M = 'exports';

function Totals(props: { timeframe: WindowTimeframe }) {
  const query = useExportFunnel({ timeframe: props.timeframe, widget: 'totals' });
  return (
    <SectionWidget
      testId="widget-exports-totals"
      section="exports"
      table={SECTION_TABLES.exports.totals}
      title="Exports"
      className={styles.wide}
      timeframe={props.timeframe}
      query={query}
      isEmpty={(d) => d.exports === 0}
      empty={`No exports ${inPeriod(props.timeframe)}.`}
    >
      {(d) => (
        <StatList
          columns={4}
          items={[
            {
              metric: `${M}.totals.exports`,
              label: 'Exports',
              value: d.exports,
              display: formatCount(d.exports),
              hint: `${formatCount(d.completed)} completed · ${formatCount(d.failed)} failed`,
            },
            stat(`${M}.totals.successRate`, 'Success rate', d.successRate, formatShare),
            stat(
              `${M}.totals.avgRenderSeconds`,
              'Average render time',
              d.avgRenderSeconds,
              formatDuration,
            ),
            {
              metric: `${M}.totals.videoMinutes`,
              label: 'Video exported',
              value: d.videoMinutes,
              display: `${formatDecimal(d.videoMinutes)} min`,
            },
          ]}
        />
      )}
    </SectionWidget>
  );
}

function Formats(props: { timeframe: WindowTimeframe }) {
  const query = useExportFunnel({ timeframe: props.timeframe, widget: 'formats' });
  return (
    <SectionWidget
      testId="widget-exports-formats"
      section="exports"
      table={SECTION_TABLES.exports.formats}
      title="By format"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(rows) => rows.length === 0}
      empty={`No exports ${inPeriod(props.timeframe)}, so no format mix.`}
    >
      {(rows) => (
        <div className={styles.stack}>
          <BarChartCard
            label="Exports"
            data={rows.map((r) => ({ key: r.format, label: r.format, value: r.exports }))}
            format={(v) => formatCount(v)}
            color="var(--series-2)"
          />
          <ChartTable
            caption="Exports by format"
            headers={['Format', 'Exports', 'Share']}
            numeric={[1, 2]}
          >
            {rows.map((r) => (
              <tr key={r.format}>
                <td>{r.format}</td>
                <NumCell metric={`${M}.formats.${r.format}.exports`} value={r.exports}>
                  {formatCount(r.exports)}
                </NumCell>
                <NumCell metric={`${M}.formats.${r.format}.share`} value={r.share}>
                  {formatShare(r.share)}
                </NumCell>
              </tr>
            ))}
          </ChartTable>
        </div>
      )}
    </SectionWidget>
  );
}

function Errors(props: { timeframe: WindowTimeframe }) {
  const query = useExportFunnel({ timeframe: props.timeframe, widget: 'errors' });
  return (
    <SectionWidget
      testId="widget-exports-errors"
      section="exports"
      table={SECTION_TABLES.exports.errors}
      title="Top errors"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(d) => d.top.length === 0}
      empty={`No failed exports ${inPeriod(props.timeframe)}.`}
    >
      {(d) => (
        <div className={styles.stack}>
          <p className={styles.note}>
            <Num metric={`${M}.errors.failures`} value={d.failures}>
              {formatCount(d.failures)}
            </Num>{' '}
            failures in total
          </p>
          <ChartTable
            caption="Most frequent export errors"
            headers={['Message', 'Failures', 'Share of failures']}
            numeric={[1, 2]}
          >
            {d.top.map((r, i) => (
              <tr key={r.message}>
                <td>{r.message}</td>
                <NumCell metric={`${M}.errors.${i}.count`} value={r.count}>
                  {formatCount(r.count)}
                </NumCell>
                <NumCell metric={`${M}.errors.${i}.share`} value={r.share}>
                  {formatShare(r.share)}
                </NumCell>
              </tr>
            ))}
          </ChartTable>
        </div>
      )}
    </SectionWidget>
  );
}

export function ExportsSection(props: { timeframe: WindowTimeframe }) {
  return (
    <div className={styles.grid}>
      <Totals timeframe={props.timeframe} />
      <Formats timeframe={props.timeframe} />
      <Errors timeframe={props.timeframe} />
    </div>
  );
}
