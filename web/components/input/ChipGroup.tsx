'use client';

import { type KeyboardEvent, useRef } from 'react';
import styles from './ChipGroup.module.css';

export interface ChipOption<V extends string | number> {
  readonly value: V;
  readonly label: string;
  /** Longer name for screen readers and the tooltip. */
  readonly description?: string;
}

/**
 * Toggle buttons (one pressed) for view filters: Tab reaches the group, ←/→ move between
 * chips, Enter/Space select. Each chip exposes `aria-pressed`.
 */
export function ChipGroup<V extends string | number>(props: {
  label: string;
  options: readonly ChipOption<V>[];
  value: V;
  onChange: (value: V) => void;
  testId?: string;
  size?: 'small' | 'normal';
}) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const delta =
      event.key === 'ArrowRight' || event.key === 'ArrowDown'
        ? 1
        : event.key === 'ArrowLeft' || event.key === 'ArrowUp'
          ? -1
          : 0;
    if (delta === 0) return;
    event.preventDefault();
    const next = (index + delta + props.options.length) % props.options.length;
    refs.current[next]?.focus();
  };

  return (
    <fieldset
      className={`${styles.chips} ${props.size === 'small' ? styles.small : ''}`}
      data-testid={props.testId}
    >
      <legend className="sr-only">{props.label}</legend>
      {props.options.map((option, index) => {
        const pressed = option.value === props.value;
        return (
          <button
            key={String(option.value)}
            ref={(el) => {
              refs.current[index] = el;
            }}
            type="button"
            className={styles.chip}
            aria-pressed={pressed}
            title={option.description}
            data-value={String(option.value)}
            onClick={() => {
              if (!pressed) props.onChange(option.value);
            }}
            onKeyDown={(e) => onKeyDown(e, index)}
          >
            {option.label}
            {option.description ? <span className="sr-only"> ({option.description})</span> : null}
          </button>
        );
      })}
    </fieldset>
  );
}
