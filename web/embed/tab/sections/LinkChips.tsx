'use client';

import type { MouseEvent, ReactNode } from 'react';
import styles from './LinkChips.module.css';

export interface LinkOption {
  readonly value: string;
  readonly label: ReactNode;
  readonly href: string;
  readonly description?: string;
}

/**
 * A choice that is a real link per option (every state is a shareable URL; open in a new tab
 * works). Plain clicks update the URL in place with `onNavigate`, so the page does not reload.
 * The current option carries `aria-current`; Tab reaches every option.
 */
export function LinkChips(props: {
  label: string;
  options: readonly LinkOption[];
  value: string;
  onNavigate: (href: string) => void;
  variant: 'tabs' | 'chips';
  testId?: string;
}) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>, href: string) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) {
      return;
    }
    event.preventDefault();
    props.onNavigate(href);
  };
  return (
    <nav aria-label={props.label} data-testid={props.testId}>
      <ul className={props.variant === 'tabs' ? styles.tabs : styles.chips}>
        {props.options.map((o) => {
          const current = o.value === props.value;
          return (
            <li key={o.value}>
              <a
                href={o.href}
                className={props.variant === 'tabs' ? styles.tab : styles.chip}
                aria-current={current ? (props.variant === 'tabs' ? 'page' : 'true') : undefined}
                title={o.description}
                data-value={o.value}
                onClick={(e) => onClick(e, o.href)}
              >
                {o.label}
                {o.description ? <span className="sr-only"> ({o.description})</span> : null}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
