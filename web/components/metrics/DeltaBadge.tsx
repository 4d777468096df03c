import styles from './DeltaBadge.module.css';

/** A coloured change indicator: ▲ up (good), ▼ down (bad), – flat or unknown. */
export function DeltaBadge(props: {
  direction: number | null;
  children: React.ReactNode;
  /** Describes the change for screen readers, e.g. "up 1.2 percentage points". */
  label: string;
}) {
  const tone =
    props.direction === null || props.direction === 0
      ? 'flat'
      : props.direction > 0
        ? 'up'
        : 'down';
  const arrow = tone === 'up' ? '▲' : tone === 'down' ? '▼' : '–';
  return (
    <span className={`${styles.delta} ${styles[tone]}`} title={props.label}>
      <span aria-hidden="true" className={styles.arrow}>
        {arrow}
      </span>
      <span className="sr-only">{props.label}</span>
      <span aria-hidden="true">{props.children}</span>
    </span>
  );
}
