/**
 * Cube `/load` answers → hook outputs. Pure; rows are parsed with zod (measures arrive as
 * strings), so a response whose shape drifted fails here with a clear message.
 */
import { z } from 'zod';
import { cumulativeBuckets, sumBuckets, zeroFillWindow } from '../buckets';
import { type LoadResponse, type LoadResult, measureValue, stringValue } from '../cube/response';
import { computeDelta, ratePercent } from '../delta';
import {
  type CubeDateRange,
  parseCubeTimestamp,
  type TimeframeWindow,
  type WowWindows,
} from '../timeframe';
import { TEMPLATE, TREND_METRIC_SPECS, WOW_MEMBERS } from './queries';
import {
  type TopTemplate,
  type TrendMetric,
  type TrendSeries,
  topTemplatesSchema,
  trendSeriesSchema,
  type Wow,
  type WowMetric,
  wowSchema,
} from './schemas';

/** Output field → [Cube row key, value schema]. */
type RowSpec = Record<string, readonly [string, z.ZodType]>;
type ParsedRow<S extends RowSpec> = { [K in keyof S]: z.output<S[K][1]> };

/** Picks and parses the members of each row; throws with Cube's row and member on drift. */
export function parseRows<S extends RowSpec>(
  spec: S,
  result: LoadResult,
  what: string,
): ParsedRow<S>[] {
  return result.data.map((row, index) => {
    const out: Record<string, unknown> = {};
    for (const [field, [key, schema]] of Object.entries(spec)) {
      const parsed = schema.safeParse(row[key]);
      if (!parsed.success) {
        throw new Error(
          `Unexpected Cube answer for ${what}: row ${index}, ${key}: ${z.prettifyError(parsed.error)}`,
        );
      }
      out[field] = parsed.data;
    }
    return out as ParsedRow<S>;
  });
}

function firstResult(response: LoadResponse): LoadResult {
  const [result] = response.results;
  if (!result) throw new Error('Cube answered without results');
  return result;
}

const optionalUrl = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => (v == null || v.trim() === '' ? null : v));

export function toTopTemplates(response: LoadResponse, allTime: boolean): TopTemplate[] {
  const rows = parseRows(
    {
      id: [TEMPLATE.id, stringValue],
      name: [TEMPLATE.name, z.union([z.string(), z.null()]).transform((v) => v ?? '')],
      thumbnailUrl: [TEMPLATE.thumbnailUrl, optionalUrl],
      usageCount: [allTime ? TEMPLATE.lifetimeUses : TEMPLATE.uses, measureValue],
    },
    firstResult(response),
    'top templates',
  );
  return topTemplatesSchema.parse(rows);
}

/** A trend's rows: each bucket start (UTC ms) Cube answered for, with its count. */
export function trendPoints(
  response: LoadResponse,
  metric: TrendMetric,
  window: Pick<TimeframeWindow, 'granularity'>,
): { at: number; count: number }[] {
  const spec = TREND_METRIC_SPECS[metric];
  return parseRows(
    {
      at: [`${spec.timeDimension}.${window.granularity}`, z.string().transform(parseCubeTimestamp)],
      count: [spec.measure, measureValue],
    },
    firstResult(response),
    `${metric} trend`,
  );
}

export function toTrendSeries(
  response: LoadResponse,
  metric: TrendMetric,
  window: TimeframeWindow,
): TrendSeries {
  const buckets = zeroFillWindow(trendPoints(response, metric, window), window);
  return trendSeriesSchema.parse({
    buckets,
    total: sumBuckets(buckets),
    cumulative: cumulativeBuckets(buckets),
  });
}

function rangeStart(result: LoadResult): number | null {
  const td = z
    .object({
      timeDimensions: z.array(z.object({ dateRange: z.tuple([z.string(), z.string()]) }).loose()),
    })
    .loose()
    .safeParse(result.query);
  const start = td.success ? td.data.timeDimensions[0]?.dateRange[0] : undefined;
  if (start === undefined) return null;
  try {
    return parseCubeTimestamp(start);
  } catch {
    return null;
  }
}

/**
 * The result of a compareDateRange answer that covers `range`: matched by the normalized
 * query's date range, falling back to the position of `range` in the request.
 */
export function resultForRange(
  response: LoadResponse,
  range: CubeDateRange,
  requestIndex: number,
): LoadResult {
  const wanted = parseCubeTimestamp(range[0]);
  const match = response.results.find((r) => rangeStart(r) === wanted);
  const result = match ?? response.results[requestIndex];
  if (!result) {
    throw new Error(`Cube's compareDateRange answer has no result for ${range[0]} – ${range[1]}`);
  }
  return result;
}

/** The single totals row of each window (null when Cube returned no row for it). */
function windowTotals<S extends RowSpec>(
  spec: S,
  response: LoadResponse,
  windows: WowWindows,
  what: string,
): { current: ParsedRow<S> | null; previous: ParsedRow<S> | null } {
  const current = parseRows(spec, resultForRange(response, windows.current, 0), what);
  const previous = parseRows(spec, resultForRange(response, windows.previous, 1), what);
  return { current: current[0] ?? null, previous: previous[0] ?? null };
}

export function toWow(response: LoadResponse, metric: WowMetric, windows: WowWindows): Wow {
  if (metric === 'export_success') {
    const m = WOW_MEMBERS.export_success;
    const { current, previous } = windowTotals(
      { completed: [m.completed, measureValue], all: [m.all, measureValue] },
      response,
      windows,
      'export success',
    );
    const rate = (r: typeof current) => (r ? ratePercent(r.completed, r.all) : null);
    const c = rate(current);
    const p = rate(previous);
    return wowSchema.parse({ unit: 'percent', current: c, previous: p, ...computeDelta(c, p) });
  }
  const m = WOW_MEMBERS.paying_users;
  const { current, previous } = windowTotals(
    { payingUsers: [m.payingUsers, measureValue] },
    response,
    windows,
    'paying users',
  );
  const c = current?.payingUsers ?? 0;
  const p = previous?.payingUsers ?? 0;
  return wowSchema.parse({ unit: 'count', current: c, previous: p, ...computeDelta(c, p) });
}
