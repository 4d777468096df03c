import type { SeedContext } from '../context';
import { clamp, logNormal, Weighted } from '../distributions';
import { Rng } from '../rng';
import { MS_PER_DAY, MS_PER_HOUR } from '../time';
import { LLM_ERROR_TYPES, MODELS, type ModelSpec } from '../vocabulary';

// LLM calls (`api_usage_metrics`): several providers and models whose mix shifts as models
// launch and retire, log-normal token counts and latencies (long right tails), ~2 % errors with
// typed causes, and provider incidents (an hour or a few of `overloaded`/`server_error`).

type Provider = ModelSpec['provider'];

type Incident = { provider: Provider; from: number; to: number; errorType: string; rate: number };

export type LlmResult = { ok: boolean; ms: number };
type CallResult = LlmResult & { provider: Provider };

const BASE_ERROR_RATE = 0.02;
const INCIDENT_ERRORS = ['overloaded', 'server_error', 'rate_limited', 'timeout'] as const;

export class LlmTraffic {
  private readonly eras: { until: number; models: Weighted<ModelSpec> }[] = [];
  private readonly incidents: Incident[] = [];
  private readonly errorTypes = new Weighted(LLM_ERROR_TYPES);

  constructor(private readonly ctx: SeedContext) {
    // Model mix per era (between the history fractions where some model launches or retires).
    const cuts = [...new Set([...MODELS.map((m) => m.from), ...MODELS.map((m) => m.to)])].sort(
      (a, b) => a - b,
    );
    for (let i = 1; i < cuts.length; i++) {
      const from = cuts[i - 1] ?? 0;
      const until = cuts[i] ?? 1;
      const live = MODELS.filter((m) => m.from <= from && m.to >= until);
      this.eras.push({ until, models: new Weighted(live.map((m) => [m, m.weight] as const)) });
    }
    // Provider incidents: about one every three weeks, 30 minutes to a few hours.
    const rng = Rng.derive(ctx.seed, 'llm:incidents');
    const { startMs, nowMs } = ctx.calendar;
    const count = Math.round((nowMs - startMs) / (21 * MS_PER_DAY));
    for (let i = 0; i < count; i++) {
      const from = Math.round(rng.range(startMs, nowMs));
      const hours = clamp(logNormal(rng, 1.5, 0.7), 0.5, 8);
      this.incidents.push({
        provider: rng.pick(['openai', 'anthropic', 'google'] as const),
        from,
        to: from + Math.round(hours * MS_PER_HOUR),
        errorType: rng.pick(INCIDENT_ERRORS),
        rate: rng.range(0.25, 0.6),
      });
    }
  }

  private model(at: number): ModelSpec {
    const x = this.ctx.calendar.progress(at);
    const era = this.eras.find((e) => x <= e.until) ?? this.eras[this.eras.length - 1];
    if (era === undefined) throw new Error('no model era');
    return era.models.sample(this.ctx.rng);
  }

  private incident(provider: Provider, at: number): Incident | undefined {
    for (const incident of this.incidents) {
      if (incident.provider === provider && incident.from <= at && at < incident.to)
        return incident;
    }
    return undefined;
  }

  /** One call; writes its row and says whether it succeeded and how long it took. */
  call(
    userId: string,
    projectId: string | null,
    tool: string | null,
    contextTokens: number,
    at: number,
    avoid?: Provider,
  ): CallResult {
    const { rng } = this.ctx;
    if (at > this.ctx.calendar.nowMs) return { ok: false, ms: 0, provider: avoid ?? 'openai' };
    let model = this.model(at);
    for (let tries = 0; tries < 4 && model.provider === avoid; tries++) model = this.model(at);
    const input = Math.round(contextTokens * logNormal(rng, 1, 0.35)) + 400;
    let output = Math.round(clamp(logNormal(rng, tool === null ? 350 : 900, 0.7), 5, 16_000));
    let ms = Math.round((350 + output * 11 * model.latency) * logNormal(rng, 1, 0.35));
    const incident = this.incident(model.provider, at);
    let errorType: string | null = null;
    if (incident !== undefined && rng.chance(incident.rate)) {
      errorType = incident.errorType;
    } else if (rng.chance(BASE_ERROR_RATE)) {
      errorType = this.errorTypes.sample(rng);
    }
    if (errorType !== null) {
      output = 0;
      ms =
        errorType === 'timeout'
          ? rng.int(60_000, 120_000)
          : errorType === 'rate_limited' || errorType === 'context_length_exceeded'
            ? Math.round(logNormal(rng, 180, 0.5))
            : Math.round(logNormal(rng, 2_500, 0.8));
    }
    this.ctx.out.api_usage_metrics
      .row()
      .text(userId)
      .textOrNull(projectId)
      .text(model.provider)
      .text(model.model)
      .textOrNull(tool)
      .int(input)
      .int(output)
      .int(ms)
      .bool(errorType === null)
      .textOrNull(errorType)
      .timestamp(at);
    return { ok: errorType === null, ms, provider: model.provider };
  }

  /**
   * An assistant turn: the main tool call, sometimes a helper call, and one retry on another
   * provider when the main call fails.
   */
  turn(
    userId: string,
    projectId: string,
    tool: string,
    contextTokens: number,
    at: number,
  ): LlmResult {
    const { rng } = this.ctx;
    let t = at;
    const first = this.call(userId, projectId, tool, contextTokens, t);
    t += first.ms;
    let ok = first.ok;
    if (!ok && rng.chance(0.8)) {
      const retry = this.call(userId, projectId, tool, contextTokens, t + 500, first.provider);
      t += 500 + retry.ms;
      ok = retry.ok;
    }
    if (ok && rng.chance(0.35)) {
      const helper = rng.pick(['search_assets', 'generate_voiceover', 'pick_music', null] as const);
      t += this.call(userId, projectId, helper, contextTokens * 0.5, t).ms;
    }
    return { ok, ms: t - at };
  }
}
