import { Calendar } from './calendar';
import { counters, idSpaces, type SeedContext } from './context';
import { lastAtOrBefore, poisson } from './distributions';
import { ProjectMemory } from './generators/assets';
import { Engagement } from './generators/engagement';
import { ExportPipeline } from './generators/exports';
import { LlmTraffic } from './generators/llm';
import { Wallet } from './generators/monetization';
import { writeReleases } from './generators/releases';
import { TemplateCatalogue } from './generators/templates';
import { Population } from './generators/users';
import { Rng } from './rng';
import { SCALES, type ScaleName } from './scales';
import type { TableWriters } from './tables';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from './time';

// The demo-data simulation, independent of any database: it walks the history hour by hour
// (UTC) and writes COPY text lines to one sink per table, in time order. Same seed and `now`,
// same lines, byte for byte.

export type GenerateOptions = { scale: ScaleName; seed: number; now: Date };

/** Returning sessions per day per unit of activity weight (see Population.activeWeight). */
const SESSIONS_PER_ACTIVE_USER_DAY = 0.55;
/** Share of signups who start working right away. */
const ONBOARDING_SHARE = 0.85;

/**
 * Writes every table's rows to `out`. `afterHour` runs after each simulated hour (with the
 * fraction of the history done) and may return a promise, e.g. to wait for a stream to drain.
 */
export async function generate(
  options: GenerateOptions,
  out: TableWriters,
  afterHour?: (progress: number) => Promise<void> | void,
): Promise<void> {
  const seed = options.seed >>> 0;
  const calendar = new Calendar(seed, options.now);
  const ctx: SeedContext = {
    seed,
    rng: Rng.derive(seed, 'simulation'),
    calendar,
    scale: SCALES[options.scale],
    out,
    ids: idSpaces(seed),
    next: counters(),
  };
  const population = new Population(ctx);
  const wallet = new Wallet(ctx, (user) => population.userId(user));
  const templates = new TemplateCatalogue(ctx);
  const llm = new LlmTraffic(ctx);
  const exports = new ExportPipeline(ctx, wallet);
  const memory = new ProjectMemory(ctx);
  const engagement = new Engagement(ctx, { population, wallet, templates, llm, exports, memory });
  const { rng, scale } = ctx;
  const { startMs, nowMs } = calendar;

  for (let hour = startMs; hour < nowMs; hour += MS_PER_HOUR) {
    const hourEnd = Math.min(hour + MS_PER_HOUR, nowMs);
    const span = hourEnd - hour;
    const share = span / MS_PER_HOUR;
    const signups = poisson(rng, ((scale.signupsPerDay * calendar.intensity(hour)) / 24) * share);
    const returning = poisson(
      rng,
      ((SESSIONS_PER_ACTIVE_USER_DAY * population.activeWeight() * calendar.shape(hour)) / 24) *
        share,
    );
    // Arrivals in time order: negative = a signup, positive = a returning visit.
    const arrivals: number[] = [];
    for (let i = 0; i < signups; i++) arrivals.push(-(hour + Math.floor(rng.float() * span)));
    for (let i = 0; i < returning; i++) arrivals.push(hour + Math.floor(rng.float() * span));
    arrivals.sort((a, b) => Math.abs(a) - Math.abs(b) || a - b);

    for (const arrival of arrivals) {
      const at = Math.abs(arrival);
      if (arrival < 0) {
        const user = population.signup(at);
        wallet.open(user, at);
        if (rng.chance(ONBOARDING_SHARE)) {
          const start = at + Math.round(rng.range(1, 6) * MS_PER_MINUTE);
          if (start <= nowMs) engagement.session(user, start, true);
        }
      } else {
        const user = population.pickReturningUser(at);
        if (user >= 0) engagement.session(user, at, false);
      }
    }

    population.endHour();
    if ((hour + MS_PER_HOUR) % MS_PER_DAY === 0) {
      // Sessions never last a day, so the day before yesterday is complete.
      wallet.flushSummaries(Math.floor(hour / MS_PER_DAY) - 1);
    }
    await afterHour?.(calendar.progress(hourEnd));
  }

  templates.finish();
  wallet.finish(population.userCount);
  writeReleases(ctx, (ms) => lastAtOrBefore(population.signupMs, ms) + 1);
}
