import { formatCount } from '../../lib/format';
import styles from './Leaderboard.module.css';
import { Thumbnail } from './Thumbnail';

export interface LeaderboardRow {
  readonly id: string;
  readonly label: string;
  readonly value: number;
  readonly imageUrl: string | null;
}

/** Ranked rows with a thumbnail, a share bar relative to the leader, and the count. */
export function Leaderboard(props: {
  rows: readonly LeaderboardRow[];
  valueLabel: string;
  caption: string;
}) {
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  return (
    <table className={styles.leaderboard}>
      <caption className="sr-only">{props.caption}</caption>
      <colgroup>
        <col className={styles.colRank} />
        <col />
        <col className={styles.colValue} />
      </colgroup>
      <thead className="sr-only">
        <tr>
          <th scope="col">Rank</th>
          <th scope="col">Name</th>
          <th scope="col">{props.valueLabel}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row, index) => (
          <tr
            key={row.id}
            className={styles.row}
            data-testid="leaderboard-row"
            data-rank={index + 1}
            data-id={row.id}
            data-count={row.value}
          >
            <td className={styles.rank}>{index + 1}</td>
            <td className={styles.name}>
              <div className={styles.bar} style={{ width: `${(row.value / max) * 100}%` }} />
              <div className={styles.label}>
                <Thumbnail src={row.imageUrl} name={row.label} size={28} />
                <span className={styles.text} title={row.label}>
                  {row.label || <em>Untitled</em>}
                </span>
              </div>
            </td>
            <td className={styles.value}>{formatCount(row.value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
