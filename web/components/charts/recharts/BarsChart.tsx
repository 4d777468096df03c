'use client';

import { Bar, BarChart, Cell, Tooltip, XAxis, YAxis } from 'recharts';
import type { BarDatum } from '../BarChartCard';
import { useEntranceAnimation } from '../FirstPaint';

/** The interactive bars (Recharts), loaded after the first paint (see BarChartCard). */
export default function BarsChart(props: {
  data: readonly BarDatum[];
  label: string;
  format: (value: number) => string;
  height: number;
  gap: number;
  fill: (key: string) => string;
  opacity: (key: string) => number;
  onSelect?: ((key: string) => void) | undefined;
}) {
  const animate = useEntranceAnimation();
  return (
    <BarChart
      responsive
      // The box is one image with a text alternative; the table's buttons are the keyboard's way.
      accessibilityLayer={false}
      layout="vertical"
      data={props.data.map((d) => ({ ...d }))}
      style={{ width: '100%', height: props.height }}
      margin={{ top: 4, right: 8, bottom: 4, left: 4 }}
      barCategoryGap={props.gap}
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
        isAnimationActive={animate}
        animationDuration={400}
        onClick={(entry: { payload?: { key?: unknown } }) => {
          const key = entry.payload?.key;
          if (props.onSelect && typeof key === 'string') props.onSelect(key);
        }}
        cursor={props.onSelect ? 'pointer' : undefined}
      >
        {props.data.map((d) => (
          <Cell key={d.key} fill={props.fill(d.key)} fillOpacity={props.opacity(d.key)} />
        ))}
      </Bar>
    </BarChart>
  );
}
