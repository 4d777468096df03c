import type { SeedContext } from '../context';
import { Zipf } from '../distributions';
import { Rng } from '../rng';
import { MS_PER_DAY } from '../time';
import { TEMPLATE_CATEGORIES, TEMPLATE_STYLES, TEMPLATE_SUBJECTS } from '../vocabulary';

// The template catalogue and its Zipf-like popularity. Most templates exist from before the
// history starts, some launch later, a few are retired (is_active = false) and some have no
// thumbnail. `usage_count` is the app's lifetime counter: every tracked use plus uses from
// before `template_usage` existed, so it is never below the tracked count.

type Template = {
  id: string;
  name: string;
  category: string;
  thumbnail: boolean;
  createdMs: number;
  retiredMs: number;
  used: number;
};

export class TemplateCatalogue {
  private readonly templates: Template[] = [];
  /** templates ordered by popularity rank (rank 0 = most popular). */
  private readonly byRank: number[];
  private readonly popularity: Zipf;

  constructor(private readonly ctx: SeedContext) {
    const rng = Rng.derive(ctx.seed, 'templates');
    const { startMs, nowMs } = ctx.calendar;
    const names = new Set<string>();
    for (let i = 0; i < ctx.scale.templates; i++) {
      let name = `${rng.pick(TEMPLATE_STYLES)} ${rng.pick(TEMPLATE_SUBJECTS)}`;
      for (let n = 2; names.has(name); n++) name = `${name.replace(/ \d+$/, '')} ${n}`;
      names.add(name);
      const launchedLater = rng.chance(0.4);
      const createdMs = Math.round(
        launchedLater
          ? rng.range(startMs, startMs + 0.95 * (nowMs - startMs))
          : startMs - rng.range(10, 200) * MS_PER_DAY,
      );
      const retired = rng.chance(0.1);
      this.templates.push({
        id: ctx.ids.templates.id(i),
        name,
        category: rng.pick(TEMPLATE_CATEGORIES),
        // Newer templates more often still lack a thumbnail.
        thumbnail: !rng.chance(launchedLater ? 0.2 : 0.08),
        createdMs,
        retiredMs: retired ? Math.round(rng.range(Math.max(createdMs, startMs), nowMs)) : Infinity,
        used: 0,
      });
    }
    this.byRank = this.templates.map((_, i) => i);
    for (let i = this.byRank.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [this.byRank[i], this.byRank[j]] = [this.byRank[j] ?? 0, this.byRank[i] ?? 0];
    }
    this.popularity = new Zipf(this.templates.length, 1.1);
  }

  /** A template available at `at`, by popularity, or −1. */
  pick(at: number): number {
    for (let tries = 0; tries < 8; tries++) {
      const index = this.byRank[this.popularity.sample(this.ctx.rng)] ?? 0;
      const template = this.templates[index];
      if (template !== undefined && template.createdMs <= at && template.retiredMs > at) {
        return index;
      }
    }
    return -1;
  }

  name(index: number): string | undefined {
    return this.templates[index]?.name;
  }

  use(index: number, userId: string, projectId: string, at: number): void {
    const template = this.templates[index];
    if (template === undefined) return;
    template.used++;
    this.ctx.out.template_usage.row().text(template.id).text(userId).text(projectId).timestamp(at);
  }

  /** Writes the catalogue (after all uses are known). */
  finish(): void {
    const rng = Rng.derive(this.ctx.seed, 'templates:legacy');
    for (const t of this.templates) {
      const legacy =
        t.createdMs < this.ctx.calendar.startMs
          ? Math.round(t.used * rng.range(0.1, 0.5)) + rng.int(0, 20)
          : 0;
      // Served by the demo app itself (web/app/demo-media), so the leaderboard shows real images
      // offline; a product's catalogue would hold its CDN's absolute URLs here.
      const thumbnail = t.thumbnail ? `/demo-media/templates/${t.id}.svg` : null;
      this.ctx.out.templates
        .row()
        .text(t.id)
        .text(t.name)
        .text(t.category)
        .textOrNull(thumbnail)
        .int(t.used + legacy)
        .bool(t.retiredMs === Number.POSITIVE_INFINITY)
        .timestamp(t.createdMs);
    }
  }
}
