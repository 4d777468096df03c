'use client';

import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import {
  csvFileName,
  type ExploreTable,
  playgroundHref,
  regularQueriesOf,
  tableToCsv,
} from '../../lib/analytics/explore';
import type { CubeSql } from '../../lib/cube/client';
import type { TypedQuery } from '../../lib/cube/query';
import { useCubeLoader } from '../hooks/cubeContext';
import styles from './ExploreMenu.module.css';

export interface ExploreMenuProps {
  /** Widget title (menu label) and file-name stem. */
  readonly name: string;
  /** The timeframe the rows cover, for the CSV file name (e.g. "Last 7 days"). */
  readonly timeframe: string;
  /** The Cube queries behind the widget, exactly as sent. */
  readonly queries: readonly TypedQuery[];
  /** The rows the widget displays; null while they are not complete (loading, error, stale). */
  readonly table: ExploreTable | null;
}

type SqlState =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly message: string }
  | {
      readonly status: 'ready';
      readonly statements: readonly { label: string; sql: CubeSql; formatted: string }[];
    };

/**
 * A widget's "Explore" menu: open its query in Cube Playground, show the query and Cube's SQL,
 * download its rows as CSV. A menu button (WAI-ARIA pattern): Enter/Space/↓ open it, ↑/↓ move,
 * Escape closes it and returns focus to the button.
 */
export function ExploreMenu(props: ExploreMenuProps) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [sql, setSql] = useState<SqlState | null>(null);
  const loader = useCubeLoader();

  const items = () => menuItems(menuRef.current);

  useEffect(() => {
    if (open) menuItems(menuRef.current)[0]?.focus();
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) {
        setOpen(false);
      }
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  const onMenuKeyDown = (event: KeyboardEvent) => {
    const list = items();
    const index = list.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      list[(index + step + list.length) % list.length]?.focus();
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      list[event.key === 'Home' ? 0 : list.length - 1]?.focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    } else if (event.key === 'Tab') {
      setOpen(false);
    }
  };

  const showQuery = () => {
    close(false);
    dialogRef.current?.showModal();
    setSql({ status: 'loading' });
    Promise.all(
      regular.map(async (part) => {
        const sql = await loader.sql(part.query);
        return {
          label: part.period ? `SQL, ${part.period}` : 'SQL',
          sql,
          formatted: await formatSql(sql.sql),
        };
      }),
    ).then(
      (statements) => setSql({ status: 'ready', statements }),
      (error: unknown) =>
        setSql({
          status: 'error',
          message: error instanceof Error ? error.message : String(error),
        }),
    );
  };

  const downloadCsv = () => {
    if (!props.table) return;
    close(true);
    const blob = new Blob([tableToCsv(props.table)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = csvFileName(props.name, props.timeframe);
    link.click();
    // Revoked on the next task: the download has started by then.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  const hasQuery = props.queries.length > 0;
  const first = props.queries[0];
  const regular = props.queries.flatMap(regularQueriesOf);
  const queryJson = JSON.stringify(props.queries.length === 1 ? first : props.queries, null, 2);
  return (
    <div className={styles.explore}>
      <button
        ref={buttonRef}
        type="button"
        className={`button button--ghost button--small ${styles.button}`}
        data-testid="explore-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={`Explore ${props.name}`}
        disabled={!hasQuery}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        Explore
        <svg viewBox="0 0 20 20" aria-hidden="true" className={styles.chevron}>
          <path d="m5 8 5 5 5-5" fill="none" stroke="currentColor" strokeWidth="1.8" />
        </svg>
      </button>
      {open ? (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label={`Explore ${props.name}`}
          className={styles.menu}
          data-testid="explore-menu"
          onKeyDown={onMenuKeyDown}
        >
          {regular.map((part) => (
            <a
              key={JSON.stringify(part.query)}
              role="menuitem"
              tabIndex={-1}
              className={styles.item}
              data-testid="explore-open-playground"
              href={playgroundHref(part.query)}
              target="_blank"
              rel="noopener"
              onClick={() => close(false)}
            >
              Open in Playground{part.period ? ` (${part.period.split(',')[0]})` : ''}
            </a>
          ))}
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className={styles.item}
            data-testid="explore-show-query"
            onClick={showQuery}
          >
            Show query
          </button>
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className={styles.item}
            data-testid="explore-download-csv"
            aria-disabled={props.table ? undefined : true}
            title={props.table ? undefined : 'Available once the data has loaded'}
            onClick={downloadCsv}
          >
            Download CSV
          </button>
        </div>
      ) : null}
      <dialog
        ref={dialogRef}
        className={styles.dialog}
        data-testid="explore-query-dialog"
        aria-label={`${props.name}: Cube query and SQL`}
        onClose={() => buttonRef.current?.focus()}
      >
        <div className={styles.dialogHeader}>
          <h2 className={styles.dialogTitle}>{props.name}: query and SQL</h2>
          <button
            type="button"
            className="button button--small"
            onClick={() => dialogRef.current?.close()}
          >
            Close
          </button>
        </div>
        <div className={styles.codeHeader}>
          <h3 className={styles.dialogSubtitle}>Cube query</h3>
          <CopyButton text={queryJson} what="query" />
        </div>
        <pre className={styles.code} data-testid="explore-query-json">
          {queryJson}
        </pre>
        <SqlSection state={sql} />
      </dialog>
    </div>
  );
}

/**
 * Cube's SQL laid out one clause a line (sql-formatter, loaded only when a query is shown); Cube's
 * own text when the formatter cannot parse it, so the dialog never hides the statement.
 */
async function formatSql(sql: string): Promise<string> {
  try {
    const { format } = await import('sql-formatter');
    return format(sql, { language: 'postgresql', keywordCase: 'upper' });
  } catch {
    return sql;
  }
}

/** Copies `text` to the clipboard and says so for a moment (politely announced). */
function CopyButton(props: { text: string; what: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      className="button button--small"
      data-testid="explore-copy"
      aria-label={`Copy ${props.what}`}
      onClick={() => {
        navigator.clipboard.writeText(props.text).then(
          () => setState('copied'),
          () => setState('failed'),
        );
      }}
    >
      <span aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
      </span>
    </button>
  );
}

function menuItems(menu: HTMLElement | null): HTMLElement[] {
  return Array.from(
    menu?.querySelectorAll<HTMLElement>('[role=menuitem]:not([aria-disabled=true])') ?? [],
  );
}

function SqlSection(props: { state: SqlState | null }) {
  const { state } = props;
  if (state === null) return null;
  if (state.status === 'loading') {
    return (
      <p className={styles.note} role="status">
        Asking Cube for the SQL…
      </p>
    );
  }
  if (state.status === 'error') {
    return (
      <p
        className={`${styles.note} ${styles.noteError}`}
        role="alert"
        data-testid="explore-sql-error"
      >
        {state.message}
      </p>
    );
  }
  return (
    <>
      {state.statements.map((s) => (
        <section key={s.label}>
          <div className={styles.codeHeader}>
            <h3 className={styles.dialogSubtitle}>{s.label}</h3>
            <CopyButton text={s.formatted} what="SQL" />
          </div>
          <pre className={styles.code} data-testid="explore-query-sql">
            {s.formatted}
          </pre>
          {s.sql.params.length > 0 ? (
            <p className={styles.note} data-testid="explore-query-params">
              Parameters: {JSON.stringify(s.sql.params)}
            </p>
          ) : null}
        </section>
      ))}
    </>
  );
}
