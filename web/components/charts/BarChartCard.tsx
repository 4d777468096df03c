'use client';

import { lazy, type ReactNode } from 'react';
import { Num } from '../metrics/Num';
import styles from './BarChartCard.module.css';
import { ChartBox, FirstPaintBars } from './FirstPaint';

// Recharts loads after the first paint, which already shows the bars (see Sparkline).
const BarsChart = lazy(() => import('./recharts/BarsChart'));

const BAR_GAP = 6;

export interface BarDatum {
  readonly key: string;
  readonly label: string;
  readonly value: number;
}

/**
 * Horizontal bars (one per row, in the given order) with a tooltip. The chart is an image with
 * a one-line summary; the exact numbers are in the table the widget renders next to it (the
 * text alternative people can read and screen readers can navigate).
 */
export function BarChartCard(props: {
  data: readonly BarDatum[];
  /** What the bars measure, e.g. "Views". */
  label: string;
  format: (value: number) => string;
  color?: string;
  onSelect?: (key: string) => void;
  selected?: string | null;
  testId?: string;
}) {
  const color = props.color ?? 'var(--series-1)';
  const top = props.data.reduce<BarDatum | null>(
    (best, d) => (best === null || d.value > best.value ? d : best),
    null,
  );
  const summary =
    `${props.label} for ${props.data.length} ${props.data.length === 1 ? 'item' : 'items'}` +
    (top ? `; highest: ${top.label}, ${props.format(top.value)}` : '');
  const height = Math.max(80, props.data.length * 28 + 8);
  const fill = (key: string) => (props.selected === key ? 'var(--accent)' : color);
  const opacity = (key: string) => (props.selected && props.selected !== key ? 0.45 : 1);
  return (
    <ChartBox
      className={styles.chart}
      height={height}
      label={summary}
      testId={props.testId}
      firstPaint={
        <FirstPaintBars
          rows={props.data.map((d) => ({
            key: d.key,
            label: d.label,
            value: d.value,
            fill: fill(d.key),
            opacity: opacity(d.key),
          }))}
          height={height - 8}
          labelWidth={120}
          gap={BAR_GAP * 2}
        />
      }
    >
      <BarsChart
        data={props.data}
        label={props.label}
        format={props.format}
        height={height}
        gap={BAR_GAP}
        fill={fill}
        opacity={opacity}
        onSelect={props.onSelect}
      />
    </ChartBox>
  );
}

/** The table of exact numbers under a chart. */
export function ChartTable(props: {
  caption: string;
  headers: readonly string[];
  /** Which columns are numeric (right-aligned). */
  numeric?: readonly number[];
  children: ReactNode;
  testId?: string;
}) {
  return (
    <table className={styles.table} data-testid={props.testId}>
      <caption className="sr-only">{props.caption}</caption>
      <thead>
        <tr>
          {props.headers.map((h, i) => (
            <th
              key={h}
              scope="col"
              className={props.numeric?.includes(i) ? styles.numeric : undefined}
            >
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}

/** A right-aligned cell of a ChartTable holding one number (see Num). */
export function NumCell(props: { metric: string; value: number | null; children: ReactNode }) {
  return (
    <td className={styles.numeric}>
      <Num metric={props.metric} value={props.value}>
        {props.children}
      </Num>
    </td>
  );
}

export const chartTableStyles = styles;
