'use client';

import { BarChartCard, ChartTable, NumCell } from '../../../components/charts/BarChartCard';
import { useAssetStats } from '../../../components/hooks/queries/sectionHooks';
import { StatList, stat } from '../../../components/metrics/StatList';
import { SECTION_TABLES } from '../../../lib/analytics/sections/tables';
import { formatBytes, formatCount, formatShare } from '../../../lib/format';
import type { WindowTimeframe } from '../../../lib/timeframe';
import { inPeriod, SectionWidget } from './SectionWidget';
import styles from './sections.module.css';

const M = 'assets';

function Types(props: { timeframe: WindowTimeframe }) {
  const query = useAssetStats({ timeframe: props.timeframe, widget: 'types' });
  return (
    <SectionWidget
      widget="types"
      section="assets"
      table={SECTION_TABLES.assets.types}
      title="Uploads by type"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(rows) => rows.length === 0}
      empty={`No uploads ${inPeriod(props.timeframe)}.`}
    >
      {(rows) => (
        <div className={styles.stack}>
          <BarChartCard
            label="Uploads"
            data={rows.map((r) => ({ key: r.type, label: r.type, value: r.uploads }))}
            format={(v) => formatCount(v)}
          />
          <ChartTable
            caption="Uploads by type"
            headers={['Type', 'Uploads', 'Size']}
            numeric={[1, 2]}
          >
            {rows.map((r) => (
              <tr key={r.type}>
                <td>{r.type}</td>
                <NumCell metric={`${M}.types.${r.type}.uploads`} value={r.uploads}>
                  {formatCount(r.uploads)}
                </NumCell>
                <NumCell metric={`${M}.types.${r.type}.bytes`} value={r.bytes}>
                  {formatBytes(r.bytes)}
                </NumCell>
              </tr>
            ))}
          </ChartTable>
        </div>
      )}
    </SectionWidget>
  );
}

function Reuse(props: { timeframe: WindowTimeframe }) {
  const query = useAssetStats({ timeframe: props.timeframe, widget: 'reuse' });
  return (
    <SectionWidget
      widget="reuse"
      section="assets"
      table={SECTION_TABLES.assets.reuse}
      title="Reuse"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(d) => d.uploads === 0}
      empty={`No uploads ${inPeriod(props.timeframe)}.`}
    >
      {(d) => (
        <div className={styles.stack}>
          <StatList
            columns={2}
            items={[
              stat(
                `${M}.reuse.reuseRate`,
                'Reuse rate',
                d.reuseRate,
                formatShare,
                'reused ÷ new assets',
              ),
              stat(
                `${M}.reuse.reused`,
                'Reused',
                d.reused,
                formatCount,
                'new assets now in more than one project',
              ),
              stat(
                `${M}.reuse.newAssets`,
                'New assets',
                d.newAssets,
                formatCount,
                'first uploads of a file',
              ),
              stat(
                `${M}.reuse.uploads`,
                'Uploads',
                d.uploads,
                formatCount,
                'as in Uploads by type',
              ),
            ]}
          />
          <p className={styles.note} data-testid="assets-reuse-note">
            An asset counts once, in the period of its first upload; uploading the same file again
            (in any project) adds an upload, not a new asset. So uploads can exceed new assets, and
            reuse of an older asset counts in the period it was first uploaded.
          </p>
        </div>
      )}
    </SectionWidget>
  );
}

function Sizes(props: { timeframe: WindowTimeframe }) {
  const query = useAssetStats({ timeframe: props.timeframe, widget: 'sizes' });
  return (
    <SectionWidget
      widget="sizes"
      section="assets"
      table={SECTION_TABLES.assets.sizes}
      title="Upload sizes"
      className={styles.wide}
      timeframe={props.timeframe}
      query={query}
      isEmpty={(rows) => rows.length === 0}
      empty={`No uploads ${inPeriod(props.timeframe)}.`}
    >
      {(rows) => (
        <div className={styles.stack}>
          <BarChartCard
            label="Uploads"
            data={rows.map((r) => ({ key: r.bucket, label: r.bucket, value: r.uploads }))}
            format={(v) => formatCount(v)}
            color="var(--series-3)"
          />
          <ChartTable caption="Uploads by size" headers={['Size', 'Uploads']} numeric={[1]}>
            {rows.map((r) => (
              <tr key={r.bucket}>
                <td>{r.bucket}</td>
                <NumCell metric={`${M}.sizes.${r.bucket}.uploads`} value={r.uploads}>
                  {formatCount(r.uploads)}
                </NumCell>
              </tr>
            ))}
          </ChartTable>
        </div>
      )}
    </SectionWidget>
  );
}

export function AssetsSection(props: { timeframe: WindowTimeframe }) {
  return (
    <div className={styles.grid}>
      <Types timeframe={props.timeframe} />
      <Reuse timeframe={props.timeframe} />
      <Sizes timeframe={props.timeframe} />
    </div>
  );
}
