import type { ReactNode } from 'react';
import { Num } from './Num';
import styles from './StatList.module.css';

export interface StatItem {
  readonly metric: string;
  readonly label: string;
  readonly value: number | null;
  readonly display: string;
  /** A short explanation under the number (what it counts, the denominator). */
  readonly hint?: ReactNode;
}

/**
 * One headline number: its display is always the formatted value, so it is derived here rather
 * than written out (and kept in step) at every call site.
 */
export function stat<V extends number | null>(
  metric: string,
  label: string,
  value: V,
  format: (value: V) => string,
  hint?: ReactNode,
): StatItem {
  return { metric, label, value, display: format(value), hint };
}

/** Headline numbers of a widget, as a description list (label → value). */
export function StatList(props: { items: readonly StatItem[]; columns?: 1 | 2 | 3 | 4 }) {
  return (
    <dl className={styles.list} data-columns={props.columns ?? props.items.length}>
      {props.items.map((item) => (
        <div key={item.metric} className={styles.item}>
          <dt className={styles.label}>{item.label}</dt>
          <dd className={styles.value}>
            <Num metric={item.metric} value={item.value}>
              {item.display}
            </Num>
          </dd>
          {item.hint ? <dd className={styles.hint}>{item.hint}</dd> : null}
        </div>
      ))}
    </dl>
  );
}
