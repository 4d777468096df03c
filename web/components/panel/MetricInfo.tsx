'use client';

import { useId } from 'react';
import type { MetricDefinition } from '../../lib/definitions';
import styles from './MetricInfo.module.css';

/**
 * The "i" next to a widget's title: a button that opens the definitions of the widget's
 * measures (the model's descriptions). A native popover: it opens by keyboard or click before
 * hydration too, Escape and a click outside close it, and focus returns to the button.
 */
export function MetricInfo(props: { title: string; definitions: readonly MetricDefinition[] }) {
  const id = useId();
  if (props.definitions.length === 0) return null;
  return (
    <>
      <button
        type="button"
        className={styles.button}
        popoverTarget={id}
        aria-label={`What “${props.title}” shows`}
        data-testid="metric-info"
      >
        <svg viewBox="0 0 16 16" aria-hidden="true" className={styles.icon}>
          <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.3" />
          <path d="M8 7.2v4" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
          <circle cx="8" cy="4.9" r="0.9" fill="currentColor" />
        </svg>
      </button>
      <div
        id={id}
        popover="auto"
        role="dialog"
        aria-label={`Definitions: ${props.title}`}
        className={styles.popover}
        data-testid="metric-definitions"
      >
        <p className={styles.heading}>{props.title}</p>
        <dl className={styles.list}>
          {props.definitions.map((d) => (
            <div key={d.measure} className={styles.item} data-measure={d.measure}>
              <dt className={styles.term}>{d.title}</dt>
              <dd className={styles.description}>{d.description}</dd>
            </div>
          ))}
        </dl>
        <p className={styles.source}>From the data model's descriptions.</p>
      </div>
    </>
  );
}
