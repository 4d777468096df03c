'use client';

import { BarChartCard, ChartTable, NumCell } from '../../../components/charts/BarChartCard';
import { useLLMUsage } from '../../../components/hooks/queries/sectionHooks';
import { StatList, stat } from '../../../components/metrics/StatList';
import { SECTION_TABLES } from '../../../lib/analytics/sections/tables';
import { formatCount, formatMillis, formatShare, formatTokens } from '../../../lib/format';
import type { WindowTimeframe } from '../../../lib/timeframe';
import { inPeriod, SectionWidget } from './SectionWidget';
import styles from './sections.module.css';

const M = 'llm';

function Summary(props: { timeframe: WindowTimeframe }) {
  const query = useLLMUsage({ timeframe: props.timeframe, widget: 'summary' });
  return (
    <SectionWidget
      widget="summary"
      section="llm"
      table={SECTION_TABLES.llm.summary}
      title="Calls and reliability"
      className={styles.wide}
      timeframe={props.timeframe}
      query={query}
      isEmpty={(d) => d.calls === 0}
      empty={`No LLM calls ${inPeriod(props.timeframe)}.`}
    >
      {(d) => (
        <StatList
          columns={4}
          items={[
            stat(`${M}.summary.calls`, 'Calls', d.calls, formatCount),
            stat(`${M}.summary.totalTokens`, 'Tokens', d.totalTokens, formatTokens),
            stat(`${M}.summary.successRate`, 'Success ratio', d.successRate, formatShare),
            stat(`${M}.summary.errorRate`, 'Error rate', d.errorRate, formatShare),
          ]}
        />
      )}
    </SectionWidget>
  );
}

function Models(props: { timeframe: WindowTimeframe }) {
  const query = useLLMUsage({ timeframe: props.timeframe, widget: 'models' });
  return (
    <SectionWidget
      widget="models"
      section="llm"
      table={SECTION_TABLES.llm.models}
      title="Tokens by provider and model"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(rows) => rows.length === 0}
      empty={`No LLM calls ${inPeriod(props.timeframe)}.`}
    >
      {(rows) => (
        <div className={styles.stack}>
          <BarChartCard
            label="Tokens"
            data={rows.map((r) => ({
              key: `${r.provider}/${r.model}`,
              label: r.model,
              value: r.totalTokens,
            }))}
            format={(v) => formatTokens(v)}
          />
          <ChartTable
            caption="Tokens by provider and model"
            headers={['Provider', 'Model', 'Input', 'Output', 'Total']}
            numeric={[2, 3, 4]}
          >
            {rows.map((r) => {
              const key = `${M}.models.${r.provider}/${r.model}`;
              return (
                <tr key={`${r.provider}/${r.model}`}>
                  <td>{r.provider}</td>
                  <td>{r.model}</td>
                  <NumCell metric={`${key}.inputTokens`} value={r.inputTokens}>
                    {formatTokens(r.inputTokens)}
                  </NumCell>
                  <NumCell metric={`${key}.outputTokens`} value={r.outputTokens}>
                    {formatTokens(r.outputTokens)}
                  </NumCell>
                  <NumCell metric={`${key}.totalTokens`} value={r.totalTokens}>
                    {formatTokens(r.totalTokens)}
                  </NumCell>
                </tr>
              );
            })}
          </ChartTable>
        </div>
      )}
    </SectionWidget>
  );
}

function Latency(props: { timeframe: WindowTimeframe }) {
  const query = useLLMUsage({ timeframe: props.timeframe, widget: 'latency' });
  return (
    <SectionWidget
      widget="latency"
      section="llm"
      table={SECTION_TABLES.llm.latency}
      title="Response time"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(rows) => rows.length === 0}
      empty={`No timed LLM responses ${inPeriod(props.timeframe)}.`}
    >
      {(rows) => (
        <ChartTable
          caption="Average and 95th percentile response time by provider"
          headers={['Provider', 'Average', 'p95']}
          numeric={[1, 2]}
        >
          {rows.map((r) => (
            <tr key={r.provider}>
              <td>{r.provider}</td>
              <NumCell metric={`${M}.latency.${r.provider}.avgMs`} value={r.avgMs}>
                {formatMillis(r.avgMs)}
              </NumCell>
              <NumCell metric={`${M}.latency.${r.provider}.p95Ms`} value={r.p95Ms}>
                {formatMillis(r.p95Ms)}
              </NumCell>
            </tr>
          ))}
        </ChartTable>
      )}
    </SectionWidget>
  );
}

function Tools(props: { timeframe: WindowTimeframe }) {
  const query = useLLMUsage({ timeframe: props.timeframe, widget: 'tools' });
  return (
    <SectionWidget
      widget="tools"
      section="llm"
      table={SECTION_TABLES.llm.tools}
      title="Top tools"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(rows) => rows.length === 0}
      empty={`No tool was invoked ${inPeriod(props.timeframe)}.`}
    >
      {(rows) => (
        <div className={styles.stack}>
          <BarChartCard
            label="Calls"
            data={rows.map((r) => ({ key: r.tool, label: r.tool, value: r.calls }))}
            format={(v) => formatCount(v)}
            color="var(--series-2)"
          />
          <ChartTable
            caption="Most invoked tools"
            headers={['Tool', 'Calls', 'Errors', 'Error rate']}
            numeric={[1, 2, 3]}
          >
            {rows.map((r) => (
              <tr key={r.tool}>
                <td>{r.tool}</td>
                <NumCell metric={`${M}.tools.${r.tool}.calls`} value={r.calls}>
                  {formatCount(r.calls)}
                </NumCell>
                <NumCell metric={`${M}.tools.${r.tool}.errors`} value={r.errors}>
                  {formatCount(r.errors)}
                </NumCell>
                <NumCell metric={`${M}.tools.${r.tool}.errorRate`} value={r.errorRate}>
                  {formatShare(r.errorRate)}
                </NumCell>
              </tr>
            ))}
          </ChartTable>
        </div>
      )}
    </SectionWidget>
  );
}

function Hotspots(props: { timeframe: WindowTimeframe }) {
  const query = useLLMUsage({ timeframe: props.timeframe, widget: 'hotspots' });
  return (
    <SectionWidget
      widget="hotspots"
      section="llm"
      table={SECTION_TABLES.llm.hotspots}
      title="Error hotspots"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(rows) => rows.length === 0}
      empty={`No LLM errors ${inPeriod(props.timeframe)}.`}
    >
      {(rows) => (
        <ChartTable
          caption="Errors by tool and error type"
          headers={['Tool', 'Error type', 'Errors']}
          numeric={[2]}
        >
          {rows.map((r) => (
            <tr key={`${r.tool}/${r.errorType}`}>
              <td>{r.tool}</td>
              <td>{r.errorType}</td>
              <NumCell metric={`${M}.hotspots.${r.tool}/${r.errorType}.errors`} value={r.errors}>
                {formatCount(r.errors)}
              </NumCell>
            </tr>
          ))}
        </ChartTable>
      )}
    </SectionWidget>
  );
}

export function LlmSection(props: { timeframe: WindowTimeframe }) {
  return (
    <div className={styles.grid}>
      <Summary timeframe={props.timeframe} />
      <Models timeframe={props.timeframe} />
      <Latency timeframe={props.timeframe} />
      <Tools timeframe={props.timeframe} />
      <Hotspots timeframe={props.timeframe} />
    </div>
  );
}
