import {
  formatCount,
  formatDeltaCount,
  formatDeltaPercent,
  formatDeltaPoints,
  formatPercent,
} from '../../lib/format';
import { DeltaBadge } from './DeltaBadge';
import styles from './WowCard.module.css';

export interface WowCardProps {
  readonly testId: string;
  readonly unit: 'percent' | 'count';
  readonly current: number | null;
  readonly previous: number | null;
  readonly deltaAbs: number | null;
  readonly deltaPct: number | null;
  readonly weeks: number;
}

function describe(delta: number | null, text: string): string {
  if (delta === null) return 'no comparison available';
  if (delta === 0) return 'unchanged';
  return `${delta > 0 ? 'up' : 'down'} ${text.replace(/^[+\u2212]/, '')}`;
}

/** Current value of a week-over-week metric, the previous window, and both deltas. */
export function WowCard(props: WowCardProps) {
  const isRate = props.unit === 'percent';
  const value = (v: number | null) =>
    isRate ? formatPercent(v) : v === null ? '—' : formatCount(v);
  const abs = isRate ? formatDeltaPoints(props.deltaAbs) : formatDeltaCount(props.deltaAbs);
  const pct = formatDeltaPercent(props.deltaPct);
  const period = props.weeks === 1 ? 'previous 7 days' : `previous ${props.weeks * 7} days`;
  return (
    <div
      data-testid={props.testId}
      data-unit={props.unit}
      data-current={props.current ?? ''}
      data-previous={props.previous ?? ''}
      data-delta-abs={props.deltaAbs ?? ''}
      data-delta-pct={props.deltaPct ?? ''}
    >
      <div className={styles.value}>{value(props.current)}</div>
      <div className={styles.deltas}>
        <DeltaBadge
          direction={props.deltaAbs}
          label={`${describe(props.deltaAbs, abs)}${isRate ? ' (percentage points)' : ''}`}
        >
          {abs}
        </DeltaBadge>
        <DeltaBadge
          direction={props.deltaPct}
          label={`relative change ${describe(props.deltaPct, pct)}`}
        >
          {pct}
        </DeltaBadge>
      </div>
      <div className={styles.previous}>
        vs <strong>{value(props.previous)}</strong> in the {period}
      </div>
    </div>
  );
}
