import type { ReactNode } from 'react';
import styles from './Skeleton.module.css';

/** Shimmering placeholder blocks for loading states. */
export function SkeletonLine(props: { width?: string; height?: number }) {
  return (
    <span
      className={styles.line}
      style={{ width: props.width ?? '100%', height: props.height ?? 12 }}
      aria-hidden="true"
    />
  );
}

/** Lines stacked like the card they stand in for (a headline figure over a chart). */
export function SkeletonStack(props: { children: ReactNode }) {
  return <div className={styles.stack}>{props.children}</div>;
}

export function SkeletonRows(props: { rows: number }) {
  return (
    <div className={styles.rows} aria-hidden="true">
      {Array.from({ length: props.rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders never reorder
        <div className={styles.row} key={i}>
          <SkeletonLine width="20px" height={14} />
          <SkeletonLine width="28px" height={28} />
          <SkeletonLine width={`${70 - ((i * 7) % 30)}%`} height={12} />
          <SkeletonLine width="40px" height={12} />
        </div>
      ))}
    </div>
  );
}
