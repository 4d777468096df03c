'use client';

import type { ReactNode } from 'react';
import { Bar, BarChart, Cell, Tooltip, XAxis, YAxis } from 'recharts';
import { usePrefersReducedMotion } from '../hooks/usePrefersReducedMotion';
import { Num } from '../metrics/Num';
import styles from './BarChartCard.module.css';

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
  const reducedMotion = usePrefersReducedMotion();
  const color = props.color ?? 'var(--series-1)';
  const top = props.data.reduce<BarDatum | null>(
    (best, d) => (best === null || d.value > best.value ? d : best),
    null,
  );
  const summary =
    `${props.label} for ${props.data.length} ${props.data.length === 1 ? 'item' : 'items'}` +
    (top ? `; highest: ${top.label}, ${props.format(top.value)}` : '');
  const height = Math.max(80, props.data.length * 28 + 8);
  return (
    <div className={styles.chart} role="img" aria-label={summary} data-testid={props.testId}>
      <BarChart
        responsive
        layout="vertical"
        data={props.data.map((d) => ({ ...d }))}
        style={{ width: '100%', height }}
        margin={{ top: 4, right: 8, bottom: 4, left: 4 }}
        barCategoryGap={6}
      >
        <XAxis type="number" hide domain={[0, (max: number) => Math.max(1, max)]} />
        <YAxis
          type="category"
          dataKey="label"
          width={120}
          tickLine={false}
          axisLine={false}
          tick={{ fontSize: 12, fill: 'var(--text-2)' }}
        />
        <Tooltip
          cursor={{ fill: 'var(--surface-2)' }}
          isAnimationActive={false}
          formatter={(value) => [
            typeof value === 'number' ? props.format(value) : String(value),
            props.label,
          ]}
          contentStyle={{
            background: 'var(--surface)',
            border: '1px solid var(--border)',
            borderRadius: 8,
            fontSize: 12,
          }}
        />
        <Bar
          dataKey="value"
          radius={[0, 4, 4, 0]}
          isAnimationActive={!reducedMotion}
          animationDuration={400}
          onClick={(entry: { payload?: { key?: unknown } }) => {
            const key = entry.payload?.key;
            if (props.onSelect && typeof key === 'string') props.onSelect(key);
          }}
          cursor={props.onSelect ? 'pointer' : undefined}
        >
          {props.data.map((d) => (
            <Cell
              key={d.key}
              fill={props.selected === d.key ? 'var(--accent)' : color}
              fillOpacity={props.selected && props.selected !== d.key ? 0.45 : 1}
            />
          ))}
        </Bar>
      </BarChart>
    </div>
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
