'use client';

import type { ReactNode } from 'react';
import type { ExploreTable } from '../../lib/analytics/explore';
import type { MetricDefinition } from '../../lib/definitions';
import type { CubeQueryState } from '../hooks/queries/cubeQueryState';
import { DataAsOf } from '../metrics/DataAsOf';
import { ExploreMenu } from './ExploreMenu';
import { MetricInfo } from './MetricInfo';
import styles from './WidgetPanel.module.css';

export type WidgetState = 'loading' | 'error' | 'empty' | 'ready';

export interface WidgetFrameProps {
  readonly testId: string;
  readonly title: string;
  readonly subtitle?: ReactNode;
  readonly actions?: ReactNode;
  readonly className?: string;
  /** What the widget's numbers mean (the model's descriptions), behind an "i" by the title. */
  readonly definitions?: readonly MetricDefinition[];
}

interface FrameProps extends WidgetFrameProps {
  readonly state: WidgetState;
  readonly busy?: boolean;
  readonly preAggregated?: boolean;
  readonly footer?: ReactNode;
  readonly children: ReactNode;
}

/** The card every widget sits in: header, body, footer; state exposed as data-state. */
export function WidgetFrame(props: FrameProps) {
  return (
    <section
      className={`${styles.widget} ${props.className ?? ''}`}
      data-testid={props.testId}
      data-state={props.state}
      data-preaggregated={props.preAggregated ? 'true' : undefined}
      aria-busy={props.busy ? true : undefined}
    >
      <header className={styles.header}>
        <div>
          <div className={styles.titleRow}>
            <h2 className={styles.title}>{props.title}</h2>
            {props.definitions ? (
              <MetricInfo title={props.title} definitions={props.definitions} />
            ) : null}
          </div>
          {props.subtitle ? (
            <p className={styles.subtitle} data-testid="widget-subtitle">
              {props.subtitle}
            </p>
          ) : null}
        </div>
        {props.actions ? <div className={styles.actions}>{props.actions}</div> : null}
      </header>
      <div className={styles.body}>{props.children}</div>
      {props.footer ? <footer className={styles.footer}>{props.footer}</footer> : null}
    </section>
  );
}

export function ErrorState(props: { title: ReactNode; message: string; onRetry: () => void }) {
  return (
    <div className={`${styles.state} ${styles.error}`} role="alert">
      <svg className={styles.stateIcon} viewBox="0 0 24 24" aria-hidden="true">
        <path
          d="M12 9v4m0 4h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.8"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      <p className={styles.stateTitle}>Couldn’t load {props.title}</p>
      <p className={styles.stateMessage} data-testid="widget-error-message">
        {props.message}
      </p>
      <button type="button" className="button button--small" onClick={props.onRetry}>
        Retry
      </button>
    </div>
  );
}

export function EmptyState(props: { children: ReactNode }) {
  return (
    <div className={styles.state} role="status">
      <svg className={styles.stateIcon} viewBox="0 0 24 24" aria-hidden="true">
        <path
          d="M3 13h4l2 3h6l2-3h4M5.5 5h13l2.5 8v5a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-5l2.5-8Z"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.6"
          strokeLinejoin="round"
        />
      </svg>
      <p className={styles.stateMessage}>{props.children}</p>
    </div>
  );
}

/** Turns on the widget's Explore menu (Playground link, query + SQL, CSV of its rows). */
export interface WidgetExplore<T> {
  /** Menu label and CSV file-name stem, e.g. "Top templates". */
  readonly name: string;
  /** The period the rows cover, for the CSV file name, e.g. "Last 7 days". */
  readonly timeframe: string;
  /** The rows the widget displays, with human column names. */
  readonly table: (data: T) => ExploreTable;
}

export interface WidgetPanelProps<T> extends WidgetFrameProps {
  readonly query: CubeQueryState<T>;
  readonly explore?: WidgetExplore<T>;
  readonly isEmpty: (data: T) => boolean;
  readonly empty: ReactNode;
  readonly skeleton: ReactNode;
  readonly children: (data: T) => ReactNode;
}

/**
 * One place for loading (skeleton), error (Cube's message + retry), empty and data states.
 * While new parameters load, the previous data stays visible, dimmed, with aria-busy; when the
 * load fails (e.g. the data source isn't answering) it stays, with the error and a Retry.
 */
export function WidgetPanel<T>(props: WidgetPanelProps<T>) {
  const { query } = props;
  const data = query.data;
  let state: WidgetState;
  let body: ReactNode;
  if (data === undefined) {
    if (query.status === 'error') {
      state = 'error';
      body = (
        <ErrorState
          title={props.title}
          message={query.error?.message ?? 'Unknown error'}
          onRetry={query.refetch}
        />
      );
    } else {
      state = 'loading';
      body = (
        <div>
          <span className="sr-only" role="status">
            Loading…
          </span>
          {props.skeleton}
        </div>
      );
    }
  } else if (props.isEmpty(data)) {
    state = 'empty';
    body = <EmptyState>{props.empty}</EmptyState>;
  } else {
    state = 'ready';
    body = props.children(data);
  }

  const refreshFailed = data !== undefined && query.status === 'error';
  const stale = query.isPlaceholderData;
  const { explore } = props;
  // A CSV is offered only for complete, current rows: never while loading, stale or failed.
  const complete = state === 'ready' && !stale && !refreshFailed && data !== undefined;
  return (
    <WidgetFrame
      {...props}
      actions={
        explore ? (
          <>
            {props.actions}
            <ExploreMenu
              name={explore.name}
              timeframe={explore.timeframe}
              queries={stale ? [] : query.queries}
              table={complete ? explore.table(data) : null}
            />
          </>
        ) : (
          props.actions
        )
      }
      state={stale && !refreshFailed ? 'loading' : state}
      busy={query.isFetching}
      preAggregated={query.fromPreAggregations}
      footer={
        data !== undefined || refreshFailed ? (
          <>
            <DataAsOf
              lastRefreshTime={query.lastRefreshTime}
              fromPreAggregations={query.fromPreAggregations}
            />
            {refreshFailed ? (
              <span className={styles.warning} role="alert" data-testid="widget-warning">
                Refresh failed: {query.error?.message}{' '}
                <button type="button" className={styles.linkButton} onClick={query.refetch}>
                  Retry
                </button>
              </span>
            ) : null}
          </>
        ) : null
      }
    >
      <div
        className={stale ? `${styles.content} ${styles.stale}` : styles.content}
        data-stale={stale ? 'true' : undefined}
      >
        {body}
      </div>
    </WidgetFrame>
  );
}
