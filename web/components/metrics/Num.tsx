import type { ReactNode } from 'react';

/**
 * A number as people read it, carrying the value it was formatted from: `data-metric` names it
 * (`<section>.<widget>.<field>`, rows add their key) and `data-value` holds the raw number
 * (empty for "no data"), so end-to-end tests compare exactly what is shown against SQL.
 */
export function Num(props: {
  metric: string;
  value: number | null;
  children: ReactNode;
  className?: string;
}) {
  return (
    <span
      className={props.className}
      data-metric={props.metric}
      data-value={props.value === null ? '' : String(props.value)}
    >
      {props.children}
    </span>
  );
}
