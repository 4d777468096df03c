import { formatCount } from '../../lib/format';
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
    <table className="leaderboard">
      <caption className="sr-only">{props.caption}</caption>
      <colgroup>
        <col className="leaderboard__col-rank" />
        <col />
        <col className="leaderboard__col-value" />
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
            className="leaderboard__row"
            data-testid="leaderboard-row"
            data-rank={index + 1}
            data-id={row.id}
            data-count={row.value}
          >
            <td className="leaderboard__rank">{index + 1}</td>
            <td className="leaderboard__name">
              <div className="leaderboard__bar" style={{ width: `${(row.value / max) * 100}%` }} />
              <div className="leaderboard__label">
                <Thumbnail src={row.imageUrl} name={row.label} size={28} />
                <span className="leaderboard__text" title={row.label}>
                  {row.label || <em>Untitled</em>}
                </span>
              </div>
            </td>
            <td className="leaderboard__value">{formatCount(row.value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
