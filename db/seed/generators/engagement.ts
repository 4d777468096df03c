import type { SeedContext } from '../context';
import { newId } from '../context';
import { clamp, geometric, logNormal } from '../distributions';
import { SCENE_NAMES } from '../vocabulary';
import type { ProjectMemory } from './assets';
import type { ExportPipeline } from './exports';
import type { LlmTraffic } from './llm';
import type { Wallet } from './monetization';
import type { TemplateCatalogue } from './templates';
import type { Population } from './users';

// A working session in a project: the user prompts, the assistant answers (LLM calls), scenes
// are created, edited and deleted (`scene_iterations`, each tied to its prompt), credits are
// spent, files uploaded, and the session often ends with an export. New projects start here,
// often from a template.

type Operation = 'create' | 'edit' | 'delete';
type Complexity = 'structural' | 'creative' | 'surgical';

/** Chance that an iteration succeeds, and its credit cost. */
const SUCCESS: Record<Operation | Complexity, number> = {
  create: 0.74,
  delete: 0.97,
  structural: 0.7,
  creative: 0.82,
  surgical: 0.9,
  edit: 0.85,
};
const COST: Record<Operation | Complexity, number> = {
  create: 2,
  delete: 0,
  structural: 2,
  creative: 1,
  surgical: 1,
  edit: 1,
};
const TOOL: Record<Operation, string> = {
  create: 'generate_scene',
  edit: 'edit_scene',
  delete: 'delete_scene',
};

export type Areas = {
  population: Population;
  wallet: Wallet;
  templates: TemplateCatalogue;
  llm: LlmTraffic;
  exports: ExportPipeline;
  memory: ProjectMemory;
};

export class Engagement {
  // Scenes (index = row number in `scenes`), as a linked list per project (newest first).
  private readonly sceneIds: string[] = [];
  private readonly scenePrev: number[] = [];
  private readonly sceneDeleted: boolean[] = [];
  private readonly latestScene: number[] = [];
  private readonly sceneCount: number[] = [];
  /** Whether the project has at least one successfully generated scene (exportable). */
  private readonly exportable: boolean[] = [];

  constructor(
    private readonly ctx: SeedContext,
    private readonly areas: Areas,
  ) {}

  private message(
    projectId: string,
    userId: string,
    role: 'user' | 'assistant' | 'system',
    length: number,
    at: number,
  ): string {
    const id = newId(this.ctx, 'messages');
    this.ctx.out.messages
      .row()
      .text(id)
      .text(projectId)
      .text(userId)
      .text(role)
      .int(Math.round(length))
      .timestamp(at);
    return id;
  }

  private newProject(user: number, userId: string, at: number): number {
    const { rng } = this.ctx;
    const { population, templates, memory } = this.areas;
    const template = rng.chance(0.45) ? templates.pick(at) : -1;
    const name = template >= 0 ? `${templates.name(template)} ${rng.int(1, 9)}` : undefined;
    const project = population.createProject(user, at, name);
    const projectId = population.projectId(project);
    if (template >= 0) templates.use(template, userId, projectId, at);
    this.message(projectId, userId, 'system', logNormal(rng, 900, 0.4), at);
    for (let i = rng.chance(0.5) ? rng.int(1, 3) : 0; i > 0; i--) {
      if (at + i * 1_000 <= this.ctx.calendar.nowMs)
        memory.context(userId, projectId, at + i * 1_000);
    }
    return project;
  }

  /** A live scene of the project to work on (usually the newest), or −1. */
  private pickScene(project: number): number {
    const { rng } = this.ctx;
    let fallback = -1;
    for (let s = this.latestScene[project] ?? -1; s >= 0; s = this.scenePrev[s] ?? -1) {
      if (this.sceneDeleted[s]) continue;
      if (fallback < 0) fallback = s;
      if (rng.chance(0.6)) return s;
    }
    return fallback;
  }

  private newScene(project: number, projectId: string, userId: string, at: number): number {
    const { rng } = this.ctx;
    const scene = this.sceneIds.length;
    const id = newId(this.ctx, 'scenes');
    const number = (this.sceneCount[project] ?? 0) + 1;
    this.sceneCount[project] = number;
    this.sceneIds.push(id);
    this.scenePrev.push(this.latestScene[project] ?? -1);
    this.sceneDeleted.push(false);
    this.latestScene[project] = scene;
    const name = rng.chance(0.7) ? rng.pick(SCENE_NAMES) : `Scene ${number}`;
    this.ctx.out.scenes.row().text(id).text(projectId).text(userId).text(name).timestamp(at);
    return scene;
  }

  private iteration(
    scene: number,
    projectId: string,
    userId: string,
    messageId: string | null,
    operation: Operation,
    complexity: Complexity | null,
    outcome: 'success' | 'error' | 'reverted',
    generationMs: number,
    at: number,
  ): void {
    const id = newId(this.ctx, 'scene_iterations');
    this.ctx.out.scene_iterations
      .row()
      .text(id)
      .text(this.sceneIds[scene] ?? '')
      .text(projectId)
      .text(userId)
      .textOrNull(messageId)
      .text(operation)
      .textOrNull(complexity)
      .text(outcome)
      .int(generationMs)
      .timestamp(at);
  }

  /** A session by `user` starting at `start`; returns when it ends. */
  session(user: number, start: number, onboarding: boolean): number {
    const { rng, calendar } = this.ctx;
    const { population, wallet, templates, llm, exports, memory } = this.areas;
    const now = calendar.nowMs;
    const userId = population.userId(user);
    const power = population.power[user] === true;
    let t = start;
    wallet.monthlyBonus(user, t);

    let project = population.latestProject[user] ?? -1;
    if (onboarding || project < 0 || rng.chance(0.12)) {
      project = this.newProject(user, userId, t);
      t += Math.round(logNormal(rng, 8_000, 0.6));
    } else {
      project = population.pickProject(user);
    }
    const projectId = population.projectId(project);

    if (rng.chance(wallet.isPaying(user) ? 0.004 : 0.012)) {
      t = wallet.paywall(user, 'manual', t).at;
    }

    const prompts = 1 + Math.min(geometric(rng, power ? 6 : 3), 40);
    let contextTokens = 2_500;
    for (let k = 0; k < prompts; k++) {
      t += Math.round(k === 0 ? logNormal(rng, 12_000, 0.6) : logNormal(rng, 40_000, 0.8));
      if (t > now) break;

      let scene = this.pickScene(project);
      let operation: Operation = 'edit';
      if (scene < 0 || rng.chance(0.22)) operation = 'create';
      else if (rng.chance(0.04)) operation = 'delete';
      const complexity: Complexity | null =
        operation !== 'edit'
          ? null
          : rng.chance(0.45)
            ? 'surgical'
            : rng.chance(0.64)
              ? 'creative'
              : 'structural';
      const cost = COST[complexity ?? operation];
      if (!wallet.canAfford(user, cost)) {
        const paywall = wallet.paywall(user, 'credits_exhausted', t);
        t = paywall.at;
        if (!paywall.purchased || t > now) break;
      }

      const messageId = this.message(projectId, userId, 'user', logNormal(rng, 140, 0.8), t);
      if (rng.chance(0.04)) {
        const template = templates.pick(t);
        if (template >= 0) templates.use(template, userId, projectId, t);
      }
      if (rng.chance(0.06)) memory.upload(user, project, userId, projectId, t);
      if (rng.chance(0.025)) memory.preference(userId, projectId, t);

      const turn = llm.turn(userId, projectId, TOOL[operation], contextTokens, t + 300);
      contextTokens = Math.min(contextTokens + 900, 60_000);
      const done = t + 300 + turn.ms;
      if (done + 200 > now) break;
      if (operation === 'create') scene = this.newScene(project, projectId, userId, done);
      const outcome = !turn.ok
        ? 'error'
        : rng.chance(SUCCESS[complexity ?? operation])
          ? 'success'
          : rng.chance(0.6)
            ? 'error'
            : 'reverted';
      this.iteration(
        scene,
        projectId,
        userId,
        messageId,
        operation,
        complexity,
        outcome,
        turn.ms,
        done,
      );
      if (outcome !== 'error') wallet.charge(user, cost, done);
      if (outcome === 'success') {
        if (operation === 'delete') this.sceneDeleted[scene] = true;
        else this.exportable[project] = true;
      }
      this.message(projectId, userId, 'assistant', logNormal(rng, 900, 0.6), done + 200);
      t = done + 200;

      // After a failed generation the assistant sometimes repairs it on its own (no prompt).
      if (outcome === 'error' && rng.chance(0.3)) {
        const fix = llm.turn(userId, projectId, 'fix_render_error', contextTokens, t + 500);
        const fixed = t + 500 + fix.ms;
        if (fixed > now) break;
        const fixOutcome = fix.ok && rng.chance(0.75) ? 'success' : 'error';
        this.iteration(
          scene,
          projectId,
          userId,
          null,
          'edit',
          'surgical',
          fixOutcome,
          fix.ms,
          fixed,
        );
        if (fixOutcome === 'success') this.exportable[project] = true;
        t = fixed;
      }
    }

    if (this.exportable[project] === true && t < now && rng.chance(power ? 0.4 : 0.26)) {
      t = exports.request(user, userId, projectId, t + Math.round(logNormal(rng, 30_000, 0.7)));
    }
    const end = clamp(t, start, now);
    population.busyUntil[user] = end;
    return end;
  }
}
