import type { SeedContext } from '../context';
import { newId } from '../context';
import { exponential, lastAtOrBefore } from '../distributions';
import { MS_PER_DAY, MS_PER_HOUR } from '../time';
import {
  EMAIL_DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  PROJECT_ADJECTIVES,
  PROJECT_NOUNS,
} from '../vocabulary';

// Users and their projects, and who comes back when. A user's activity decays after signup
// (most people try the product for a week or two) down to a floor of regulars; ~8 % are
// power users who come back far more often.

const RETENTION_DAYS = 10;
const RETAINED_SHARE = 0.12;
const POWER_USER_SHARE = 0.08;

export class Population {
  // Users (index = row number in `users`, in signup order).
  readonly signupMs: number[] = [];
  readonly power: boolean[] = [];
  readonly busyUntil: number[] = [];
  readonly latestProject: number[] = [];
  private readonly userIds: string[] = [];
  // Projects (index = row number in `projects`).
  readonly projectUser: number[] = [];
  readonly projectCreatedMs: number[] = [];
  private readonly projectPrev: number[] = [];
  private readonly projectIds: string[] = [];
  /** Σ exp(−age / RETENTION_DAYS) over users: the "recently signed up" activity mass. */
  private recentMass = 0;
  private readonly hourlyDecay = Math.exp(-MS_PER_HOUR / (RETENTION_DAYS * MS_PER_DAY));

  constructor(private readonly ctx: SeedContext) {}

  get userCount(): number {
    return this.signupMs.length;
  }

  userId(user: number): string {
    return this.userIds[user] ?? '';
  }

  projectId(project: number): string {
    return this.projectIds[project] ?? '';
  }

  /** Expected activity of the whole user base, in "new-user equivalents". */
  activeWeight(): number {
    return RETAINED_SHARE * this.userCount + (1 - RETAINED_SHARE) * this.recentMass;
  }

  endHour(): void {
    this.recentMass *= this.hourlyDecay;
  }

  signup(at: number): number {
    const { rng, out } = this.ctx;
    const user = this.signupMs.length;
    const id = newId(this.ctx, 'users');
    const email = `${rng.pick(FIRST_NAMES)}.${rng.pick(LAST_NAMES)}${user}@${rng.pick(EMAIL_DOMAINS)}`;
    this.signupMs.push(at);
    this.power.push(rng.chance(POWER_USER_SHARE));
    this.busyUntil.push(at);
    this.latestProject.push(-1);
    this.userIds.push(id);
    this.recentMass += 1;
    out.users.row().text(id).text(email).timestamp(at);
    return user;
  }

  /** Someone (not busy at `at`) who opens the app at `at`, or −1. */
  pickReturningUser(at: number): number {
    const { rng } = this.ctx;
    const count = lastAtOrBefore(this.signupMs, at) + 1;
    if (count === 0) return -1;
    let user: number;
    const recentShare = ((1 - RETAINED_SHARE) * this.recentMass) / this.activeWeight();
    if (rng.chance(recentShare)) {
      // A recent signup: age since signup ~ exponential, so the newest come back the most.
      const target = at - exponential(rng, RETENTION_DAYS * MS_PER_DAY);
      user = Math.max(0, lastAtOrBefore(this.signupMs, target, count));
    } else {
      // A regular: power users are ~3× as likely to show up as anyone else.
      user = rng.int(0, count - 1);
      for (let tries = 0; tries < 3 && !this.power[user] && !rng.chance(0.35); tries++) {
        user = rng.int(0, count - 1);
      }
    }
    return (this.busyUntil[user] ?? 0) > at ? -1 : user;
  }

  createProject(user: number, at: number, name?: string): number {
    const { rng, out } = this.ctx;
    const project = this.projectUser.length;
    const id = newId(this.ctx, 'projects');
    const title = name ?? `${rng.pick(PROJECT_ADJECTIVES)} ${rng.pick(PROJECT_NOUNS)}`;
    this.projectUser.push(user);
    this.projectCreatedMs.push(at);
    this.projectPrev.push(this.latestProject[user] ?? -1);
    this.projectIds.push(id);
    this.latestProject[user] = project;
    out.projects.row().text(id).text(this.userId(user)).text(title).timestamp(at);
    return project;
  }

  /** One of the user's projects: usually the latest, sometimes an older one. */
  pickProject(user: number): number {
    const { rng } = this.ctx;
    let project = this.latestProject[user] ?? -1;
    while (project >= 0 && rng.chance(0.3)) {
      const previous = this.projectPrev[project] ?? -1;
      if (previous < 0) break;
      project = previous;
    }
    return project;
  }
}
