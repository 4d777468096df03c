import type { SeedContext } from '../context';
import { newId } from '../context';
import { clamp, logNormal, Weighted } from '../distributions';
import { Rng } from '../rng';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../time';
import { EXPORT_ERRORS, INCIDENT_ERRORS } from '../vocabulary';
import type { Wallet } from './monetization';

// Video exports and their event trail. ~87 % succeed; failures come from everyday causes and
// from incidents (a few hours when most renders fail with the same message). Each export's
// `export_analytics` events follow its status: started → progress… → finalizing → completed
// (→ downloaded), or started → … → failed with the export's error message. Exports whose queue
// or render reaches past `now` are still `pending` / `rendering`; a rare job is stuck forever.

type Format = 'mp4' | 'webm' | 'gif';
type Quality = '720p' | '1080p' | '4k';
type Incident = { from: number; to: number; message: string; failRate: number };

const FORMATS = new Weighted<Format>([
  ['mp4', 0.74],
  ['webm', 0.14],
  ['gif', 0.12],
]);
const QUALITY_FREE = new Weighted<Quality>([
  ['720p', 0.38],
  ['1080p', 0.59],
  ['4k', 0.03],
]);
const QUALITY_PAYING = new Weighted<Quality>([
  ['720p', 0.2],
  ['1080p', 0.62],
  ['4k', 0.18],
]);
const RENDER_FACTOR: Record<Quality, number> = { '720p': 0.5, '1080p': 0.9, '4k': 2.6 };
const FORMAT_FACTOR: Record<Format, number> = { mp4: 1, webm: 1.3, gif: 0.6 };
const FAILURE_FACTOR: Record<Quality, number> = { '720p': 0.7, '1080p': 1, '4k': 1.9 };
/** Bytes per second of video. */
const BYTE_RATE: Record<Quality, number> = { '720p': 310_000, '1080p': 640_000, '4k': 2_000_000 };
const BASE_FAILURE_RATE = 0.095;
const STUCK_RATE = 0.002;
/** Chance that a user retries a failed export, and how many attempts they make at most. */
const RETRY_RATE = 0.65;
const MAX_ATTEMPTS = 3;

export const exportCost = (format: Format, quality: Quality): number =>
  format === 'gif' ? 2 : quality === '4k' ? 10 : quality === '1080p' ? 5 : 3;

export class ExportPipeline {
  private readonly incidents: Incident[] = [];
  private readonly errors = new Weighted(EXPORT_ERRORS);

  constructor(
    private readonly ctx: SeedContext,
    private readonly wallet: Wallet,
  ) {
    // Incidents: about one a week, typically a few hours.
    const rng = Rng.derive(ctx.seed, 'exports:incidents');
    const { startMs, nowMs } = ctx.calendar;
    const count = Math.round((nowMs - startMs) / (7 * MS_PER_DAY));
    for (let i = 0; i < count; i++) {
      const from = Math.round(rng.range(startMs, nowMs));
      const hours = clamp(logNormal(rng, 4, 0.7), 1, 16);
      this.incidents.push({
        from,
        to: from + Math.round(hours * MS_PER_HOUR),
        message: rng.pick(INCIDENT_ERRORS),
        failRate: rng.range(0.5, 0.85),
      });
    }
  }

  private incidentAt(at: number): Incident | undefined {
    for (const incident of this.incidents) {
      if (incident.from <= at && at < incident.to) return incident;
    }
    return undefined;
  }

  /**
   * A user asks to export at `at`: the allowance and credits are checked (the paywall may
   * open), credits are charged, the export runs; after a failure the user often tries again
   * with the same settings (so an incident shows as a burst of the same error). Returns when
   * the user is done.
   */
  request(user: number, userId: string, projectId: string, at: number): number {
    const { rng } = this.ctx;
    const now = this.ctx.calendar.nowMs;
    if (at > now) return at;
    const format = FORMATS.sample(rng);
    let quality = (this.wallet.isPaying(user) ? QUALITY_PAYING : QUALITY_FREE).sample(rng);
    if (format === 'gif' && quality === '4k') quality = '1080p';
    const cost = exportCost(format, quality);
    let t = at;
    for (let attempt = 1; ; attempt++) {
      if (!this.wallet.withinExportAllowance(user, t)) {
        const paywall = this.wallet.paywall(user, 'export_limit', t);
        if (!paywall.purchased) return paywall.at;
        t = paywall.at;
      }
      if (!this.wallet.canAfford(user, cost)) {
        const paywall = this.wallet.paywall(user, 'credits_exhausted', t);
        if (!paywall.purchased || !this.wallet.canAfford(user, cost)) return paywall.at;
        t = paywall.at;
      }
      if (t > now) return t;
      this.wallet.countExport(user, t);
      this.wallet.charge(user, cost, t);
      const failedAt = this.render(user, userId, projectId, format, quality, cost, t);
      if (failedAt === null || attempt === MAX_ATTEMPTS || !rng.chance(RETRY_RATE)) {
        return Math.min(now, Math.max(t, failedAt ?? t) + rng.int(1_000, 10_000));
      }
      t = failedAt + Math.round(logNormal(rng, 60_000, 0.6));
    }
  }

  private render(
    user: number,
    userId: string,
    projectId: string,
    format: Format,
    quality: Quality,
    cost: number,
    createdMs: number,
  ): number | null {
    const { rng, out, calendar } = this.ctx;
    const now = calendar.nowMs;
    const id = newId(this.ctx, 'exports');
    const videoMs = Math.round(
      format === 'gif'
        ? clamp(logNormal(rng, 8_000, 0.5), 2_000, 30_000)
        : clamp(logNormal(rng, 40_000, 0.7), 5_000, 600_000),
    );
    const incident = this.incidentAt(createdMs);
    // Queue: seconds normally; the render farm is backed up right now, so the latest wait longer.
    let queueMs = logNormal(rng, 3_500, 0.9);
    if (now - createdMs < 90 * MS_PER_MINUTE) queueMs += logNormal(rng, 6 * MS_PER_MINUTE, 0.8);
    const startedMs = createdMs + Math.round(queueMs);
    const renderMs = Math.round(
      (2_500 + videoMs * RENDER_FACTOR[quality] * FORMAT_FACTOR[format] * logNormal(rng, 1, 0.35)) *
        (incident === undefined ? 1 : 1.4),
    );
    let error: string | null = null;
    if (incident !== undefined && rng.chance(incident.failRate)) error = incident.message;
    else if (
      rng.chance(BASE_FAILURE_RATE * FAILURE_FACTOR[quality] * (format === 'gif' ? 0.8 : 1))
    ) {
      error = this.errors.sample(rng);
    }
    const stuck = rng.chance(STUCK_RATE) ? rng.pick(['pending', 'rendering'] as const) : null;
    // Where the job ends: failures happen somewhere in the render, mostly before finalizing.
    const endMs = error === null ? renderMs : Math.round(renderMs * rng.range(0.05, 1));
    const finalizeFrom = Math.round(renderMs * 0.88);
    const progressSteps = clamp(1 + Math.floor(renderMs / 20_000), 1, 5);
    const downloaded = error === null && rng.chance(0.75);
    const downloadAfter = Math.round(logNormal(rng, 90_000, 1.2));

    const event = (name: string, at: number, durationMs: number | null, message: string | null) => {
      out.export_analytics
        .row()
        .text(id)
        .text(userId)
        .text(name)
        .textOrNull(message)
        .intOrNull(durationMs)
        .timestamp(at);
    };
    let status: 'pending' | 'rendering' | 'completed' | 'failed' = 'pending';
    let finishedAt = Number.POSITIVE_INFINITY;
    if (stuck !== 'pending' && startedMs <= now) {
      status = 'rendering';
      event('started', startedMs, Math.round(queueMs), null);
      let last = 0; // ms after start of the last event
      const log = (name: string, offset: number, message: string | null = null): boolean => {
        if (startedMs + offset > now) return false;
        event(name, startedMs + offset, offset - last, message);
        last = offset;
        return true;
      };
      let alive = true;
      for (let step = 1; step <= progressSteps && alive; step++) {
        const offset = Math.round((finalizeFrom * step) / progressSteps);
        if (offset > endMs || (stuck !== null && step > 1)) break;
        alive = log('progress', offset);
      }
      if (alive && stuck === null) {
        if (error === null) {
          if (log('finalizing', renderMs) && log('completed', renderMs + rng.int(50, 300))) {
            status = 'completed';
            finishedAt = startedMs + last;
          }
        } else if (log('failed', Math.max(endMs, last + 1), error)) {
          status = 'failed';
          finishedAt = startedMs + last;
        }
      }
    }
    if (status === 'completed' && downloaded && finishedAt + downloadAfter <= now) {
      event('downloaded', finishedAt + downloadAfter, null, null);
    }
    if (status === 'failed')
      this.wallet.refund(user, cost, finishedAt + 1_000 <= now ? finishedAt + 1_000 : finishedAt);

    const renderDuration =
      status === 'completed' || status === 'failed' ? finishedAt - startedMs : null;
    const size =
      status === 'completed'
        ? Math.round(
            (videoMs / 1_000) *
              BYTE_RATE[quality] *
              (format === 'webm' ? 0.8 : format === 'gif' ? 2.5 : 1) *
              logNormal(rng, 1, 0.25),
          )
        : null;
    out.exports
      .row()
      .text(id)
      .text(userId)
      .text(projectId)
      .text(format)
      .text(quality)
      .text(status)
      .intOrNull(renderDuration)
      .int(videoMs)
      .bigintOrNull(size)
      .textOrNull(status === 'failed' ? error : null)
      .timestamp(createdMs)
      .timestampOrNull(status === 'completed' ? finishedAt : null);
    return status === 'failed' ? finishedAt : null;
  }
}
