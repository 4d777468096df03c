'use client';

import { area, curveLinear, line } from 'd3-shape';
import { type ReactNode, Suspense, useState } from 'react';
import { usePrefersReducedMotion } from '../hooks/usePrefersReducedMotion';
import { useHydrated } from '../hooks/useViewerDisplay';
import styles from './FirstPaint.module.css';

/*
 * Recharts 3 draws nothing on the server: its charts measure their box and fill their store in
 * effects. So every chart also renders a plain SVG drawing of the same data (the same d3 curve
 * Recharts uses), laid over the chart's box: it is in the server's HTML, hence in the first
 * paint, and hydrates as is. CSS hides it as soon as Recharts has drawn its own SVG (`:has`), so
 * the interactive chart (tooltip, legend, clicks) takes over without a blank frame.
 */

/** The drawing's own x range; the SVG stretches it to the box (preserveAspectRatio none). */
const WIDTH = 1000;

/**
 * The chart box: marks it as a chart for the time-to-data probe (lib/time-to-data.ts: a frame
 * shows data once every `[data-chart]` in it holds an SVG) and positions the first-paint drawing.
 * It keeps the chart's height before Recharts has loaded: the first-paint drawing is laid over
 * the box, so an empty box let it spill over whatever follows the chart.
 */
export function ChartBox(props: {
  firstPaint: ReactNode;
  children: ReactNode;
  height: number;
  className?: string;
  label: string;
  testId?: string;
}) {
  return (
    <div
      className={props.className ? `${styles.box} ${props.className}` : styles.box}
      style={{ minHeight: props.height }}
      role="img"
      aria-label={props.label}
      data-chart=""
      data-testid={props.testId}
    >
      {/* The Recharts part is loaded lazily; until it has drawn, the first-paint drawing shows. */}
      <Suspense fallback={null}>{props.children}</Suspense>
      <div className={styles.firstPaint} aria-hidden="true">
        {props.firstPaint}
      </div>
    </div>
  );
}

/**
 * Whether Recharts may animate this chart's entrance: not for a chart that arrived drawn in the
 * server's HTML (mounted while hydrating), else as the viewer's motion setting allows.
 */
export function useEntranceAnimation(): boolean {
  const reducedMotion = usePrefersReducedMotion();
  const hydrated = useHydrated();
  const [mountedAfterHydration] = useState(hydrated);
  return mountedAfterHydration && !reducedMotion;
}

/** The drawing's SVG: WIDTH units wide, stretched to the box. */
function DrawingSvg(props: { height: number; children: ReactNode }) {
  return (
    <svg
      width="100%"
      height={props.height}
      viewBox={`0 0 ${WIDTH} ${props.height}`}
      preserveAspectRatio="none"
      aria-hidden="true"
      className={styles.svg}
    >
      {props.children}
    </svg>
  );
}

/** y of `value` in a box `height` tall with `top` px of headroom, 0 at the bottom. */
const scaleY = (value: number, max: number, height: number, top: number) =>
  top + (1 - value / Math.max(1, max)) * (height - top);
const scaleX = (i: number, n: number) => (n <= 1 ? WIDTH / 2 : (i / (n - 1)) * WIDTH);

/** Lines (or one filled area) over equally spaced buckets, 0 at the bottom. */
export function FirstPaintLines(props: {
  /** A null value is a bucket without one (a share with nothing to divide): a gap. */
  series: readonly { key: string; color: string; values: readonly (number | null)[] }[];
  height: number;
  /** Headroom above the highest point, px. */
  top?: number;
  fill?: boolean;
  /** Leave room for the axes and legend Recharts draws around the plot. */
  axes?: boolean;
  /** The last bucket is still filling: drawn dashed (see isPartialBucket). */
  partialLast?: boolean;
}) {
  const top = props.top ?? 4;
  const max = Math.max(0, ...props.series.flatMap((s) => s.values.filter((v) => v !== null)));
  const svg = (
    <DrawingSvg height={props.height}>
      {props.series.map((s) => {
        const points = s.values.map((v, i) => [scaleX(i, s.values.length), v] as const);
        const y = (p: readonly [number, number | null]) =>
          scaleY(p[1] ?? 0, max, props.height, top);
        // Straight segments: counts are discrete, a smoothed curve would invent values.
        const path = line<readonly [number, number | null]>()
          .defined((p) => p[1] !== null)
          .x((p) => p[0])
          .y(y)
          .curve(curveLinear);
        const split = props.partialLast === true && points.length > 1;
        const stroke = path(split ? points.slice(0, -1) : points);
        const partial = split ? path(points.slice(-2)) : null;
        // A series with gaps marks its points (as Recharts does): a zero-length round-capped
        // segment keeps them round in the stretched drawing.
        const dots = s.values.some((v) => v === null)
          ? points.flatMap((p) => (p[1] === null ? [] : [`M${p[0]},${y(p)}h0`])).join('')
          : null;
        const fill = props.fill
          ? area<readonly [number, number | null]>()
              .defined((p) => p[1] !== null)
              .x((p) => p[0])
              .y0(props.height)
              .y1(y)
              .curve(curveLinear)(points)
          : null;
        return (
          <g key={s.key}>
            {fill ? <path d={fill} fill={s.color} fillOpacity={0.14} stroke="none" /> : null}
            {stroke ? (
              <path
                d={stroke}
                fill="none"
                stroke={s.color}
                strokeWidth={2}
                vectorEffect="non-scaling-stroke"
              />
            ) : null}
            {dots ? (
              <path
                d={dots}
                fill="none"
                stroke={s.color}
                strokeWidth={5}
                strokeLinecap="round"
                vectorEffect="non-scaling-stroke"
              />
            ) : null}
            {partial ? (
              <path
                d={partial}
                fill="none"
                stroke={s.color}
                strokeWidth={2}
                strokeDasharray="4 3"
                vectorEffect="non-scaling-stroke"
              />
            ) : null}
          </g>
        );
      })}
    </DrawingSvg>
  );
  return props.axes ? <div className={styles.plot}>{svg}</div> : svg;
}

/** Horizontal bars, one row each in the given order, with their labels on the left. */
export function FirstPaintBars(props: {
  rows: readonly { key: string; label: string; value: number; fill: string; opacity: number }[];
  /** The plot's height (the chart's, less its vertical margins), px. */
  height: number;
  labelWidth: number;
  /** Space between bars, px. */
  gap: number;
}) {
  const band = props.height / Math.max(1, props.rows.length);
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  return (
    <div className={styles.bars} style={{ gridTemplateColumns: `${props.labelWidth}px 1fr` }}>
      <div>
        {props.rows.map((r) => (
          <div
            key={r.key}
            className={styles.barLabel}
            style={{ height: band, lineHeight: `${band}px` }}
          >
            {r.label}
          </div>
        ))}
      </div>
      <DrawingSvg height={props.height}>
        {props.rows.map((r, i) => (
          <rect
            key={r.key}
            x={0}
            y={i * band + props.gap / 2}
            width={(r.value / max) * WIDTH}
            height={Math.max(1, band - props.gap)}
            fill={r.fill}
            fillOpacity={r.opacity}
          />
        ))}
      </DrawingSvg>
    </div>
  );
}
