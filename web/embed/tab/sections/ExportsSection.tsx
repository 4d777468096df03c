'use client';

import { useState } from 'react';
import { BarChartCard, ChartTable, NumCell } from '../../../components/charts/BarChartCard';
import { SeriesChart } from '../../../components/charts/SeriesChart';
import { useExportFunnel } from '../../../components/hooks/queries/sectionHooks';
import { ChipGroup } from '../../../components/input/ChipGroup';
import { Num } from '../../../components/metrics/Num';
import { StatList, stat } from '../../../components/metrics/StatList';
import { exportsSection } from '../../../lib/analytics/sections';
import { SECTION_TABLES } from '../../../lib/analytics/sections/tables';
import {
  formatBucketLabel,
  formatCount,
  formatDuration,
  formatMillis,
  formatMinutes,
  formatPercent,
  formatShare,
} from '../../../lib/format';
import { TIMEFRAME_LABELS, timeframeWindow, type WindowTimeframe } from '../../../lib/timeframe';
import { inPeriod, SectionWidget } from './SectionWidget';
import styles from './sections.module.css';

const M = 'exports';

function Totals(props: { timeframe: WindowTimeframe }) {
  const query = useExportFunnel({ timeframe: props.timeframe, widget: 'totals' });
  return (
    <SectionWidget
      widget="totals"
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
              display: formatMinutes(d.videoMinutes),
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
      widget="formats"
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
      widget="errors"
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

function Phases(props: { timeframe: WindowTimeframe }) {
  const query = useExportFunnel({ timeframe: props.timeframe, widget: 'phases' });
  return (
    <SectionWidget
      widget="phases"
      section="exports"
      table={SECTION_TABLES.exports.phases}
      title="Time per phase"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(rows) => rows.length === 0}
      empty={`No export phases recorded ${inPeriod(props.timeframe)}.`}
    >
      {(rows) => (
        <div className={styles.stack}>
          <BarChartCard
            label="Median time in phase"
            data={rows.map((r) => ({ key: r.phase, label: r.phase, value: r.medianMs ?? 0 }))}
            format={(v) => formatMillis(v)}
            color="var(--series-3)"
          />
          <ChartTable
            caption="Time per export phase: median and 95th percentile of the phase's duration"
            headers={['Phase', 'Median', 'p95']}
            numeric={[1, 2]}
          >
            {rows.map((r) => (
              <tr key={r.phase}>
                <td>{r.phase}</td>
                <NumCell metric={`${M}.phases.${r.phase}.medianMs`} value={r.medianMs}>
                  {formatMillis(r.medianMs)}
                </NumCell>
                <NumCell metric={`${M}.phases.${r.phase}.p95Ms`} value={r.p95Ms}>
                  {formatMillis(r.p95Ms)}
                </NumCell>
              </tr>
            ))}
          </ChartTable>
        </div>
      )}
    </SectionWidget>
  );
}

function Finalizing(props: { timeframe: WindowTimeframe }) {
  const query = useExportFunnel({ timeframe: props.timeframe, widget: 'finalizing' });
  const granularity = timeframeWindow(props.timeframe, 0).granularity;
  return (
    <SectionWidget
      widget="finalizing"
      section="exports"
      table={SECTION_TABLES.exports.finalizing}
      title="Finalizing share of render time"
      className={styles.wide}
      timeframe={props.timeframe}
      query={query}
      isEmpty={(d) => d.share === null}
      empty={`No export reached finalizing ${inPeriod(props.timeframe)}.`}
    >
      {(d) => (
        <div className={styles.stack}>
          <StatList
            columns={3}
            items={[
              stat(`${M}.finalizing.share`, 'Finalizing share', d.share, formatShare),
              stat(
                `${M}.finalizing.finalizingSeconds`,
                'Time finalizing',
                d.finalizingSeconds,
                formatDuration,
              ),
              stat(
                `${M}.finalizing.renderSeconds`,
                'Render time of those exports',
                d.renderSeconds,
                formatDuration,
              ),
            ]}
          />
          <ChartTable
            caption="Finalizing share of render time by format"
            headers={['Format', 'Finalizing share', 'Finalizing', 'Render time']}
            numeric={[1, 2, 3]}
          >
            {d.byFormat.map((r) => (
              <tr key={r.format}>
                <td>{r.format}</td>
                <NumCell metric={`${M}.finalizing.${r.format}.share`} value={r.share}>
                  {formatShare(r.share)}
                </NumCell>
                <NumCell
                  metric={`${M}.finalizing.${r.format}.finalizingSeconds`}
                  value={r.finalizingSeconds}
                >
                  {formatDuration(r.finalizingSeconds)}
                </NumCell>
                <NumCell
                  metric={`${M}.finalizing.${r.format}.renderSeconds`}
                  value={r.renderSeconds}
                >
                  {formatDuration(r.renderSeconds)}
                </NumCell>
              </tr>
            ))}
          </ChartTable>
          <SeriesChart
            title="Finalizing share per period (%)"
            testId="exports-finalizing-trend"
            granularity={granularity}
            format={(v) => formatPercent(v)}
            series={[
              {
                key: 'share',
                label: 'Finalizing share',
                color: 'var(--series-1)',
                points: d.trend.map((b) => ({
                  bucket: b.bucket,
                  count: b.share === null ? null : b.share * 100,
                })),
              },
            ]}
          />
          <details>
            <summary>Finalizing share per period</summary>
            <ChartTable
              caption="Finalizing share of render time per period (periods without a finalized export are left out)"
              headers={['Period (UTC)', 'Finalizing share']}
              numeric={[1]}
            >
              {d.trend.flatMap((b) =>
                b.share === null
                  ? []
                  : [
                      <tr key={b.bucket}>
                        <td>{formatBucketLabel(b.bucket, granularity)}</td>
                        <NumCell metric={`${M}.finalizing.trend.${b.bucket}`} value={b.share}>
                          {formatShare(b.share)}
                        </NumCell>
                      </tr>,
                    ],
              )}
            </ChartTable>
          </details>
        </div>
      )}
    </SectionWidget>
  );
}

function FailedIn(props: { timeframe: WindowTimeframe }) {
  const query = useExportFunnel({ timeframe: props.timeframe, widget: 'failedIn' });
  return (
    <SectionWidget
      widget="failedIn"
      section="exports"
      table={SECTION_TABLES.exports.failedIn}
      title="Where failed exports fail"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(d) => d.phases.length === 0}
      empty={`No failed exports ${inPeriod(props.timeframe)}.`}
    >
      {(d) => (
        <ChartTable
          caption="Failed exports by the last phase they reached before failing"
          headers={['Last phase before failing', 'Failures', 'Share of failures']}
          numeric={[1, 2]}
        >
          {d.phases.map((r) => (
            <tr key={r.phase}>
              <td>{r.phase}</td>
              <NumCell metric={`${M}.failedIn.${r.phase}.failures`} value={r.failures}>
                {formatCount(r.failures)}
              </NumCell>
              <NumCell metric={`${M}.failedIn.${r.phase}.share`} value={r.share}>
                {formatShare(r.share)}
              </NumCell>
            </tr>
          ))}
        </ChartTable>
      )}
    </SectionWidget>
  );
}

function Stuck(props: { timeframe: WindowTimeframe }) {
  const query = useExportFunnel({ timeframe: props.timeframe, widget: 'stuck' });
  return (
    <SectionWidget
      widget="stuck"
      section="exports"
      table={SECTION_TABLES.exports.stuck}
      title="Stuck exports"
      // Stuck right now, however long ago: the same answer at every timeframe.
      timeframe="all"
      query={query}
      isEmpty={(d) => d.total === 0}
      empty="No export is stuck in a phase right now."
    >
      {(d) => (
        <div className={styles.stack}>
          <p className={styles.note}>
            <Num metric={`${M}.stuck.total`} value={d.total}>
              {formatCount(d.total)}
            </Num>{' '}
            unfinished exports without a new event for over an hour, right now
          </p>
          <ChartTable caption="Stuck exports by phase" headers={['Phase', 'Exports']} numeric={[1]}>
            {d.phases.map((r) => (
              <tr key={r.phase}>
                <td>{r.phase}</td>
                <NumCell metric={`${M}.stuck.${r.phase}.exports`} value={r.exports}>
                  {formatCount(r.exports)}
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
      <Reliability sectionTimeframe={props.timeframe} />
    </div>
  );
}

/**
 * The reliability deep dive, with chips of its own: it starts at (and follows) the section's
 * timeframe, and its chips change only its own widgets (page state, not the URL).
 */
function Reliability(props: { sectionTimeframe: WindowTimeframe }) {
  const [timeframe, setTimeframe] = useState(props.sectionTimeframe);
  const [followed, setFollowed] = useState(props.sectionTimeframe);
  if (followed !== props.sectionTimeframe) {
    setFollowed(props.sectionTimeframe);
    setTimeframe(props.sectionTimeframe);
  }
  return (
    <>
      <div className={`${styles.wide} ${styles.blockHeader}`}>
        <h3 className={styles.blockTitle}>Export reliability</h3>
        <ChipGroup
          label="Export reliability timeframe"
          testId="exports-reliability-timeframes"
          size="small"
          value={timeframe}
          onChange={setTimeframe}
          options={exportsSection.timeframes.map((tf) => ({
            value: tf,
            label: tf === 'all' ? 'All' : tf,
            description: TIMEFRAME_LABELS[tf],
          }))}
        />
      </div>
      <Finalizing timeframe={timeframe} />
      <Phases timeframe={timeframe} />
      <FailedIn timeframe={timeframe} />
      <Stuck timeframe={timeframe} />
    </>
  );
}
