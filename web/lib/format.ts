/**
 * Display formatting. Server data is UTC; everything here formats for the viewer, in their
 * locale and time zone (both injectable for tests).
 */
import { GRANULARITY_MS, type Granularity } from './timeframe';

export interface FormatOptions {
  readonly locale?: string;
  readonly timeZone?: string;
}

/**
 * The locale and zone the server renders the tab in. The server puts data in the first paint but
 * cannot know the viewer's locale and zone, and React requires the browser's hydrating render to
 * produce the server's text (a mismatch throws the page back to a client render and drops clicks
 * made meanwhile). So both render with these, and the tab switches to the viewer's own right
 * after hydration (useViewerDisplay).
 */
export const SERVER_DISPLAY: FormatOptions = { locale: 'en-US', timeZone: 'UTC' };
const VIEWER_DISPLAY: FormatOptions = {};

// What an omitted locale or zone means: the runtime's own in a browser, SERVER_DISPLAY on the server.
let fallback: FormatOptions = typeof window === 'undefined' ? SERVER_DISPLAY : VIEWER_DISPLAY;

/** Called while rendering the tab's root, before its widgets render (useViewerDisplay). */
export function setDisplayFallback(viewer: boolean): void {
  fallback = viewer ? VIEWER_DISPLAY : SERVER_DISPLAY;
}

function resolved(opts: FormatOptions): FormatOptions {
  return { locale: opts.locale ?? fallback.locale, timeZone: opts.timeZone ?? fallback.timeZone };
}

const MINUS = '\u2212';

export function formatCount(value: number, opts: FormatOptions = {}): string {
  opts = resolved(opts);
  return new Intl.NumberFormat(opts.locale, { maximumFractionDigits: 0 }).format(value);
}

/**
 * 12.3K-style for tight spaces: below a thousand the count itself, above it always one decimal
 * ("3.0M" next to "3.2M", never "3M").
 */
export function formatCompact(value: number, opts: FormatOptions = {}): string {
  opts = resolved(opts);
  if (Math.abs(value) < 1000) return formatCount(value, opts);
  return new Intl.NumberFormat(opts.locale, {
    notation: 'compact',
    maximumFractionDigits: 1,
    minimumFractionDigits: 1,
  }).format(value);
}

/** A percentage given in percent units (95.2 → "95.2%"). */
export function formatPercent(value: number | null, opts: FormatOptions = {}): string {
  opts = resolved(opts);
  if (value === null) return '—';
  return new Intl.NumberFormat(opts.locale, {
    style: 'percent',
    maximumFractionDigits: VALUE_KINDS.percent.digits,
    minimumFractionDigits: VALUE_KINDS.percent.digits,
  }).format(value / 100);
}

function signed(value: number, body: string): string {
  if (value > 0) return `+${body}`;
  if (value < 0) return `${MINUS}${body}`;
  return body;
}

/** Absolute change of a count: "+12", "−3", "0". */
export function formatDeltaCount(value: number | null, opts: FormatOptions = {}): string {
  opts = resolved(opts);
  if (value === null) return '—';
  return signed(value, formatCount(Math.abs(value), opts));
}

/** Absolute change of a rate in percentage points: "+1.2 pp". */
export function formatDeltaPoints(value: number | null, opts: FormatOptions = {}): string {
  opts = resolved(opts);
  if (value === null) return '—';
  const body = new Intl.NumberFormat(opts.locale, {
    maximumFractionDigits: 1,
    minimumFractionDigits: 1,
  }).format(Math.abs(value));
  return `${signed(Math.round(value * 10), body)} pp`;
}

/** Relative change in percent: "+3.4%"; null (previous was 0) → "n/a". */
export function formatDeltaPercent(value: number | null, opts: FormatOptions = {}): string {
  opts = resolved(opts);
  if (value === null) return 'n/a';
  const body = new Intl.NumberFormat(opts.locale, {
    style: 'percent',
    maximumFractionDigits: 1,
  }).format(Math.abs(value) / 100);
  return signed(Math.round(value * 10), body);
}

/**
 * Node's ICU writes "3\u202fPM" and "Nov 3\u2009–\u20099" where Chromium writes plain spaces, so a
 * date the server rendered differed from the browser's and React refused to hydrate it (#418 on
 * every hourly or ranged label). Plain spaces on both sides.
 */
const plainSpaces = (text: string) => text.replace(/[\u202f\u2009]/g, ' ');

/** Hour and minute of an instant in a time zone. */
function wallClock(ms: number, timeZone: string | undefined): { hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { hour: get('hour'), minute: get('minute') };
}

/**
 * Tooltip label of a UTC bucket in the viewer's time zone. Hourly buckets show the local
 * hour range; daily and weekly buckets show just their dates when they start at local
 * midnight (e.g. for a UTC viewer), else the exact local range they cover.
 */
export function formatBucketLabel(
  bucketIso: string,
  granularity: Granularity,
  opts: FormatOptions = {},
): string {
  opts = resolved(opts);
  const start = Date.parse(bucketIso);
  const end = start + GRANULARITY_MS[granularity];
  const { timeZone, locale } = opts;
  if (granularity === 'hour') {
    return plainSpaces(
      new Intl.DateTimeFormat(locale, {
        timeZone,
        weekday: 'short',
        month: 'short',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
      }).formatRange(start, end),
    );
  }
  const clock = wallClock(start, timeZone);
  const midnight = clock.hour === 0 && clock.minute === 0;
  const dateOnly = new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: granularity === 'day' ? 'short' : undefined,
    month: 'short',
    day: 'numeric',
    year: granularity === 'week' ? 'numeric' : undefined,
  });
  if (midnight) {
    return plainSpaces(
      granularity === 'day'
        ? dateOnly.format(start)
        : `Week of ${dateOnly.formatRange(start, end - 1)}`,
    );
  }
  const withTime = new Intl.DateTimeFormat(locale, {
    timeZone,
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
  const range = plainSpaces(withTime.formatRange(start, end));
  return granularity === 'day' ? range : `Week of ${range}`;
}

/** Short edge label of a chart's time axis, local time; weekly (all-time) axes name the year. */
export function formatAxisLabel(
  bucketIso: string,
  granularity: Granularity,
  opts: FormatOptions = {},
): string {
  opts = resolved(opts);
  const ms = Date.parse(bucketIso);
  const format = new Intl.DateTimeFormat(opts.locale, {
    timeZone: opts.timeZone,
    ...(granularity === 'hour'
      ? { hour: 'numeric', minute: '2-digit' }
      : granularity === 'week'
        ? { month: 'short', day: 'numeric', year: 'numeric' }
        : { month: 'short', day: 'numeric' }),
  });
  return plainSpaces(format.format(ms));
}

/** "14:05" today, "Nov 20, 14:05" otherwise (always with the date when `nowMs` is null), local time. */
export function formatAsOf(iso: string, nowMs: number | null, opts: FormatOptions = {}): string {
  opts = resolved(opts);
  const ms = Date.parse(iso);
  const day = new Intl.DateTimeFormat('en-CA', {
    timeZone: opts.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const sameDay = nowMs !== null && day.format(ms) === day.format(nowMs);
  const format = new Intl.DateTimeFormat(opts.locale, {
    timeZone: opts.timeZone,
    ...(sameDay ? {} : { month: 'short', day: 'numeric' }),
    hour: 'numeric',
    minute: '2-digit',
  });
  return plainSpaces(format.format(ms));
}

/** "Nov 20, 2026, 14:05:00 UTC": the exact instant, for a tooltip. */
export function formatExact(iso: string, opts: FormatOptions = {}): string {
  opts = resolved(opts);
  return plainSpaces(
    new Date(iso).toLocaleString(opts.locale, {
      timeZone: opts.timeZone,
      dateStyle: 'medium',
      timeStyle: 'long',
    }),
  );
}

/** "just now", "3 min ago", "2 h ago", "4 d ago". */
export function formatAgo(iso: string, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

// ---------------------------------------------------------------- Phase 2 units
const EM_DASH = '—';

/** A share given as a fraction (0.953 → "95.3%"); null (nothing to divide by) → "—". */
export function formatShare(value: number | null, opts: FormatOptions = {}): string {
  opts = resolved(opts);
  if (value === null) return EM_DASH;
  return new Intl.NumberFormat(opts.locale, {
    style: 'percent',
    maximumFractionDigits: VALUE_KINDS.share.digits,
    minimumFractionDigits: VALUE_KINDS.share.digits,
  }).format(value);
}

/** One decimal at most: "3.4", "12" (sizes, where "820 B" reads better than "820.0 B"). */
export function formatDecimal(value: number | null, opts: FormatOptions = {}): string {
  opts = resolved(opts);
  if (value === null) return EM_DASH;
  return new Intl.NumberFormat(opts.locale, { maximumFractionDigits: 1 }).format(value);
}

/** An average per something (prompts per user, iterations per scene): always one decimal, "4.0". */
export function formatRatio(value: number | null, opts: FormatOptions = {}): string {
  opts = resolved(opts);
  if (value === null) return EM_DASH;
  return new Intl.NumberFormat(opts.locale, {
    maximumFractionDigits: VALUE_KINDS.ratio.digits,
    minimumFractionDigits: VALUE_KINDS.ratio.digits,
  }).format(value);
}

/**
 * A duration in seconds for people: under a minute with one decimal ("12.0 s", "12.7 s"), then
 * "3 min 05 s", then "2 h 10 min".
 */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return EM_DASH;
  const tenths = Math.round(seconds * 10);
  if (tenths < 600) return `${(tenths / 10).toFixed(VALUE_KINDS.seconds.digits)} s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min ${String(s).padStart(2, '0')} s`;
}

/** A length of video in minutes, as a duration: "42.5 s", "12 min 30 s", "3 h 40 min". */
export function formatMinutes(minutes: number | null): string {
  return formatDuration(minutes === null ? null : minutes * 60);
}

/** Milliseconds of a response: "850 ms", "1.0 s", "1.2 s". */
export function formatMillis(ms: number | null, opts: FormatOptions = {}): string {
  opts = resolved(opts);
  if (ms === null) return EM_DASH;
  if (Math.round(ms) < 1000) return `${formatCount(ms, opts)} ms`;
  // Seconds with the seconds' one decimal: "1.0 s" next to "1.2 s".
  return `${new Intl.NumberFormat(opts.locale, {
    maximumFractionDigits: VALUE_KINDS.seconds.digits,
    minimumFractionDigits: VALUE_KINDS.seconds.digits,
  }).format(ms / 1000)} s`;
}

/** Token counts in k / M: "950", "12.3K", "4.1M". */
export function formatTokens(value: number, opts: FormatOptions = {}): string {
  opts = resolved(opts);
  return formatCompact(value, opts);
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** Decimal byte sizes: "820 B", "1.4 MB". */
export function formatBytes(value: number, opts: FormatOptions = {}): string {
  opts = resolved(opts);
  let unit = 0;
  let v = value;
  while (v >= 1000 && unit < BYTE_UNITS.length - 1) {
    v /= 1000;
    unit += 1;
  }
  return `${formatDecimal(v, opts)} ${BYTE_UNITS[unit]}`;
}

/** Days with one decimal, like every other average: "1.0 day", "3.5 days". */
export function formatDays(value: number | null, opts: FormatOptions = {}): string {
  opts = resolved(opts);
  if (value === null) return EM_DASH;
  const body = new Intl.NumberFormat(opts.locale, {
    maximumFractionDigits: VALUE_KINDS.days.digits,
    minimumFractionDigits: VALUE_KINDS.days.digits,
  }).format(value);
  return `${body} ${body === '1.0' ? 'day' : 'days'}`;
}

// ---------------------------------------------------------------- one precision per kind
/**
 * The kinds of number the tab shows, each with the one precision (decimals, in its CSV unit)
 * the screen and the CSV files use, and the unit a CSV header names. `scale` turns the widget's
 * value into that unit (a 0–1 share is written in percent).
 */
export const VALUE_KINDS = {
  count: { unit: null, scale: 1, digits: 0 },
  /** A 0–1 share, shown and written as a percentage. */
  share: { unit: '%', scale: 100, digits: 1 },
  /** A value already in percent units (95.2). */
  percent: { unit: '%', scale: 1, digits: 1 },
  /** A change of a rate, in percentage points. */
  points: { unit: 'points', scale: 1, digits: 1 },
  ratio: { unit: null, scale: 1, digits: 1 },
  seconds: { unit: 's', scale: 1, digits: 1 },
  minutes: { unit: 'min', scale: 1, digits: 1 },
  milliseconds: { unit: 'ms', scale: 1, digits: 0 },
  days: { unit: 'days', scale: 1, digits: 1 },
  bytes: { unit: 'bytes', scale: 1, digits: 0 },
} as const;
export type ValueKind = keyof typeof VALUE_KINDS;

/** A value rounded to its kind's precision, in its CSV unit (0.36052 share → 36.1). */
export function roundedValue(value: number, kind: ValueKind): number {
  const { scale, digits } = VALUE_KINDS[kind];
  const factor = 10 ** digits;
  // toFixed drops the binary noise the division leaves (36.1 rather than 36.099999999999994).
  return Number((Math.round(value * scale * factor) / factor).toFixed(digits));
}

/** A CSV header with its unit: "Share (%)", "Average render time (s)"; counts stay bare. */
export function csvHeader(label: string, kind: ValueKind | undefined): string {
  const unit = kind ? VALUE_KINDS[kind].unit : null;
  return unit ? `${label} (${unit})` : label;
}

/**
 * The rest of a share after rounding (a funnel step's drop-off next to its conversion): 1 − the
 * rounded share, so the two shown side by side add up to exactly 100 %.
 */
export function shareRest(share: number | null): number | null {
  if (share === null) return null;
  return 1 - roundedValue(share, 'share') / VALUE_KINDS.share.scale;
}
