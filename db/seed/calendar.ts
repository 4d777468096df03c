import { logNormal } from './distributions';
import { Rng } from './rng';
import { MS_PER_DAY } from './time';

// The shape of traffic over time: growth over the whole history, two launch spikes, a holiday
// dip, day-to-day noise, weekday and hour-of-day (UTC) seasonality.

export const HISTORY_DAYS = 400; // a little over 13 months

/** Relative traffic per UTC hour (Europe's afternoon + the Americas' day), mean 1. */
const HOUR_SHAPE = normalise([
  0.55, 0.45, 0.38, 0.33, 0.32, 0.36, 0.48, 0.66, 0.85, 1.0, 1.1, 1.15, 1.2, 1.3, 1.45, 1.55, 1.55,
  1.45, 1.3, 1.15, 1.0, 0.9, 0.78, 0.65,
]);
/** Relative traffic per weekday, Monday first (quiet weekends), mean 1. */
const WEEKDAY_SHAPE = normalise([1.1, 1.14, 1.12, 1.08, 0.98, 0.82, 0.76]);

/** Total growth from the first to the last day of the history. */
const GROWTH = 5;

function normalise(values: number[]): number[] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.map((v) => v / mean);
}

export class Calendar {
  /** First instant of history: UTC midnight, HISTORY_DAYS before `now`. */
  readonly startMs: number;
  readonly nowMs: number;
  readonly firstDay: number;
  readonly lastDay: number;
  private readonly dayLevel: number[];

  constructor(seed: number, now: Date) {
    this.nowMs = now.getTime();
    this.firstDay = Math.floor(this.nowMs / MS_PER_DAY) - HISTORY_DAYS;
    this.startMs = this.firstDay * MS_PER_DAY;
    this.lastDay = Math.floor((this.nowMs - 1) / MS_PER_DAY);
    const rng = Rng.derive(seed, 'calendar');
    const days = this.lastDay - this.firstDay + 1;
    this.dayLevel = Array.from({ length: days }, (_, i) => {
      const x = i / (days - 1);
      const date = new Date((this.firstDay + i) * MS_PER_DAY);
      let level = GROWTH ** (x - 1);
      // Launch spikes (a "Product Hunt" day, then the v2 launch), decaying over a week or so.
      for (const [at, height, decayDays] of [
        [0.3, 1.2, 5],
        [0.68, 0.6, 7],
      ] as const) {
        const since = i - Math.round(at * (days - 1));
        if (since >= 0) level *= 1 + height * Math.exp(-since / decayDays);
      }
      // The holiday dip: 24 December to 1 January.
      const month = date.getUTCMonth();
      const dom = date.getUTCDate();
      if ((month === 11 && dom >= 24) || (month === 0 && dom === 1)) level *= 0.6;
      return level * logNormal(rng, 1, 0.1);
    });
  }

  /** Fraction of the history elapsed at `ms` (0 at the start, 1 at now). */
  progress(ms: number): number {
    return (ms - this.startMs) / (this.nowMs - this.startMs);
  }

  dayOf(ms: number): number {
    return Math.floor(ms / MS_PER_DAY);
  }

  /** The day's traffic level relative to the last day's trend (≈1 at the end). */
  level(ms: number): number {
    const index = Math.floor(ms / MS_PER_DAY) - this.firstDay;
    return this.dayLevel[Math.min(Math.max(index, 0), this.dayLevel.length - 1)] ?? 1;
  }

  /** Relative traffic in the hour containing `ms`: level × weekday × hour of day. */
  intensity(ms: number): number {
    const date = new Date(ms);
    const weekday = (date.getUTCDay() + 6) % 7;
    return this.level(ms) * (WEEKDAY_SHAPE[weekday] ?? 1) * (HOUR_SHAPE[date.getUTCHours()] ?? 1);
  }

  /** Weekday × hour-of-day seasonality alone (mean 1), for activity of existing users. */
  shape(ms: number): number {
    const date = new Date(ms);
    const weekday = (date.getUTCDay() + 6) % 7;
    return (WEEKDAY_SHAPE[weekday] ?? 1) * (HOUR_SHAPE[date.getUTCHours()] ?? 1);
  }
}
