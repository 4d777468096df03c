'use client';

import { useEffect } from 'react';
import {
  BarChartCard,
  ChartTable,
  NumCell,
  chartTableStyles as t,
} from '../../../components/charts/BarChartCard';
import { useReleaseAnalytics } from '../../../components/hooks/queries/sectionHooks';
import { Num } from '../../../components/metrics/Num';
import { StatList, stat } from '../../../components/metrics/StatList';
import { RELEASE_LIST_LIMIT, type Release } from '../../../lib/analytics/sections/releases';
import { SECTION_TABLES } from '../../../lib/analytics/sections/tables';
import { formatCount, formatDays, formatShare } from '../../../lib/format';
import { TIMEFRAME_LABELS, type WindowTimeframe } from '../../../lib/timeframe';
import { ReleaseMedia } from './ReleaseMedia';
import { RELEASE_PARAM, useSectionNav, withSearchParam } from './SectionNav';
import { inPeriod, SectionWidget } from './SectionWidget';
import styles from './sections.module.css';

const M = 'releases';

function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(undefined, {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  }).format(Date.parse(iso));
}

/** The plan's drill-down: one release's title, version, date, views and media links. */
function ReleaseDetail(props: { release: Release; onClose: () => void }) {
  const r = props.release;
  const metric = `${M}.detail`;
  const { onClose } = props;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <aside
      className={styles.detail}
      aria-label={`Release ${r.version}`}
      data-testid="release-detail"
      data-release-id={r.id}
    >
      <div className={styles.detailHeader}>
        <h3 className={styles.detailTitle}>{r.title || 'Untitled release'}</h3>
        <button type="button" className="button button--small" onClick={props.onClose}>
          Close
        </button>
      </div>
      <dl className={styles.detailList}>
        <dt>Version</dt>
        <dd>{r.version || '—'}</dd>
        <dt>Published</dt>
        <dd>
          <time dateTime={r.publishedAt}>{formatDate(r.publishedAt)}</time>
        </dd>
        <dt>Views (lifetime, since published)</dt>
        <dd>
          <Num metric={`${metric}.views`} value={r.views}>
            {formatCount(r.views)}
          </Num>
        </dd>
        <dt>Video</dt>
        <dd>
          {r.videoUrl ? (
            <a href={r.videoUrl} target="_blank" rel="noreferrer">
              Watch video
            </a>
          ) : (
            'No video'
          )}
        </dd>
        <dt>Thumbnail</dt>
        <dd>
          {r.thumbnailUrl ? (
            <a href={r.thumbnailUrl} target="_blank" rel="noreferrer">
              Open thumbnail
            </a>
          ) : (
            'No thumbnail'
          )}
        </dd>
      </dl>
      <ReleaseMedia release={r} />
    </aside>
  );
}

/** How many releases the list holds: all of the window's, unless the cap was reached. */
function listedReleases(count: number, timeframe: WindowTimeframe): string {
  const period = timeframe === 'all' ? '' : ` in the ${TIMEFRAME_LABELS[timeframe].toLowerCase()}`;
  const n = formatCount(count);
  const which =
    count >= RELEASE_LIST_LIMIT
      ? `The newest ${n} published releases${period}; older ones are not listed.`
      : count === 1
        ? `The one release published${period}.`
        : `All ${n} releases published${period}.`;
  return `${which} Views are each release’s lifetime total.`;
}

function ReleaseList(props: { timeframe: WindowTimeframe }) {
  const query = useReleaseAnalytics({ timeframe: props.timeframe, widget: 'list' });
  // The open release is in the URL (`?release=`): Back closes it, a link or reload reopens it.
  const nav = useSectionNav();
  const selected = new URLSearchParams(nav.search).get(RELEASE_PARAM);
  const setSelected = (id: string | null) =>
    nav.navigate(withSearchParam(nav.search, RELEASE_PARAM, id));
  return (
    <SectionWidget
      widget="list"
      section="releases"
      table={SECTION_TABLES.releases.list}
      title="Views per release"
      subtitle={
        props.timeframe === 'all'
          ? 'All releases · lifetime views'
          : `Releases published in the ${TIMEFRAME_LABELS[props.timeframe].toLowerCase()} · lifetime views`
      }
      className={styles.wide}
      timeframe={props.timeframe}
      query={query}
      isEmpty={(rows) => rows.length === 0}
      empty={`No releases published ${inPeriod(props.timeframe)}.`}
    >
      {(rows) => {
        const release = rows.find((r) => r.id === selected) ?? null;
        return (
          <div className={styles.split}>
            <div className={styles.splitMain}>
              <p className={styles.note} data-testid="releases-list-count">
                {listedReleases(rows.length, props.timeframe)}
              </p>
              <BarChartCard
                label="Views"
                data={rows.map((r) => ({ key: r.id, label: r.version || r.title, value: r.views }))}
                format={(v) => formatCount(v)}
                onSelect={setSelected}
                selected={selected}
              />
              <ChartTable
                caption="Views per release, newest first"
                headers={['Release', 'Published', 'Views']}
                numeric={[2]}
              >
                {rows.map((r) => (
                  // The whole row opens the release; its button is the keyboard's way in.
                  <tr
                    key={r.id}
                    data-release-id={r.id}
                    className={t.clickableRow}
                    onClick={(event) => {
                      if ((event.target as Element).closest('button')) return;
                      setSelected(selected === r.id ? null : r.id);
                    }}
                  >
                    <td>
                      <button
                        type="button"
                        className={t.rowButton}
                        aria-expanded={selected === r.id}
                        aria-controls={selected === r.id ? 'release-detail' : undefined}
                        onClick={() => setSelected(selected === r.id ? null : r.id)}
                      >
                        {r.version ? `${r.version} · ` : ''}
                        {r.title || 'Untitled release'}
                      </button>
                    </td>
                    <td className={t.muted}>{formatDate(r.publishedAt)}</td>
                    <NumCell metric={`${M}.list.${r.id}.views`} value={r.views}>
                      {formatCount(r.views)}
                    </NumCell>
                  </tr>
                ))}
              </ChartTable>
            </div>
            {release ? (
              <div id="release-detail">
                <ReleaseDetail release={release} onClose={() => setSelected(null)} />
              </div>
            ) : (
              <p className={styles.hintBox} data-testid="release-hint">
                {selected !== null
                  ? `Release “${selected}” from the link is not in this list — select one to see its details.`
                  : 'Select a release to see its details and media.'}
              </p>
            )}
          </div>
        );
      }}
    </SectionWidget>
  );
}

function Cadence(props: { timeframe: WindowTimeframe }) {
  const query = useReleaseAnalytics({ timeframe: props.timeframe, widget: 'cadence' });
  return (
    <SectionWidget
      widget="cadence"
      section="releases"
      table={SECTION_TABLES.releases.cadence}
      title="Publish cadence"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(d) => d.medianDays === null}
      empty={`Fewer than two releases published ${inPeriod(props.timeframe)}: no gap to measure.`}
    >
      {(d) => (
        <StatList
          columns={1}
          items={[
            stat(
              `${M}.cadence.medianDays`,
              'Median time between releases',
              d.medianDays,
              formatDays,
              // One release in the period still has a gap: to the release before it.
              'from each release published in the period back to the release before it, which may be older than the period',
            ),
          ]}
        />
      )}
    </SectionWidget>
  );
}

function Coverage(props: { timeframe: WindowTimeframe }) {
  const query = useReleaseAnalytics({ timeframe: props.timeframe, widget: 'coverage' });
  return (
    <SectionWidget
      widget="coverage"
      section="releases"
      table={SECTION_TABLES.releases.coverage}
      title="Media coverage"
      timeframe={props.timeframe}
      query={query}
      isEmpty={(d) => d.published === 0}
      empty={`No releases published ${inPeriod(props.timeframe)}.`}
    >
      {(d) => (
        <StatList
          columns={3}
          items={[
            stat(`${M}.coverage.video`, 'With video', d.video, formatShare),
            stat(`${M}.coverage.thumbnail`, 'With thumbnail', d.thumbnail, formatShare),
            {
              metric: `${M}.coverage.both`,
              label: 'With both',
              value: d.both,
              display: formatShare(d.both),
              hint: `of ${formatCount(d.published)} published`,
            },
          ]}
        />
      )}
    </SectionWidget>
  );
}

export function ReleasesSection(props: { timeframe: WindowTimeframe }) {
  return (
    <div className={styles.grid}>
      <ReleaseList timeframe={props.timeframe} />
      <Cadence timeframe={props.timeframe} />
      <Coverage timeframe={props.timeframe} />
    </div>
  );
}
