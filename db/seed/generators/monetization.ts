import type { SeedContext } from '../context';
import { logNormal, Weighted } from '../distributions';
import { MS_PER_DAY } from '../time';
import { CREDIT_PACKAGES, type CreditPackage } from '../vocabulary';

// Credits and the paywall. Every user starts with a signup bonus and gets a monthly top-up;
// generations and exports cost credits. When a user cannot pay, the paywall opens
// (`credits_exhausted`; free users over their monthly export allowance see `export_limit`;
// some open it themselves, `manual`) and the funnel drops off at every step:
// viewed → clicked_package → initiated_checkout → completed_purchase. A completed purchase is
// exactly one `purchase` credit transaction. `user_credits` and the daily `paywall_analytics`
// summary are computed from the same rows, so they agree with them by construction.

export type PaywallTrigger = 'credits_exhausted' | 'export_limit' | 'manual';

const SIGNUP_BONUS = 50;
const MONTHLY_BONUS = 30;
export const FREE_EXPORTS_PER_MONTH = 3;

const CLICK_RATE: Record<PaywallTrigger, number> = {
  credits_exhausted: 0.42,
  export_limit: 0.33,
  manual: 0.62,
};
const CHECKOUT_RATE = 0.56;
const PURCHASE_RATE = 0.64;

type DayStats = {
  viewers: Set<number>;
  clickers: Set<number>;
  checkouts: number;
  conversions: number;
  revenue: number;
};

function monthIndex(ms: number): number {
  const date = new Date(ms);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

export class Wallet {
  private readonly balance: number[] = [];
  private readonly purchased: number[] = [];
  private readonly used: number[] = [];
  private readonly updatedMs: number[] = [];
  private readonly bonusMonth: number[] = [];
  private readonly exportMonth: number[] = [];
  private readonly exportsThisMonth: number[] = [];
  private readonly days = new Map<number, DayStats>();
  private nextSummaryDay: number;
  private readonly packages = new Weighted(CREDIT_PACKAGES.map((p) => [p, p.weight] as const));

  constructor(
    private readonly ctx: SeedContext,
    private readonly userId: (user: number) => string,
  ) {
    this.nextSummaryDay = ctx.calendar.firstDay;
  }

  isPaying(user: number): boolean {
    return (this.purchased[user] ?? 0) > 0;
  }

  canAfford(user: number, credits: number): boolean {
    return (this.balance[user] ?? 0) >= credits;
  }

  private transaction(
    user: number,
    type: 'purchase' | 'usage' | 'bonus' | 'refund',
    amount: number,
    at: number,
    pack: CreditPackage | null = null,
  ): void {
    this.balance[user] = (this.balance[user] ?? 0) + amount;
    if (type === 'purchase') this.purchased[user] = (this.purchased[user] ?? 0) + amount;
    if (type === 'usage') this.used[user] = (this.used[user] ?? 0) - amount;
    this.updatedMs[user] = Math.max(this.updatedMs[user] ?? 0, at);
    this.ctx.out.credit_transactions
      .row()
      .text(this.userId(user))
      .text(type)
      .int(amount)
      .intOrNull(pack?.priceCents ?? null)
      .textOrNull(pack?.id ?? null)
      .timestamp(at);
  }

  open(user: number, at: number): void {
    this.balance[user] = 0;
    this.purchased[user] = 0;
    this.used[user] = 0;
    this.updatedMs[user] = at;
    this.bonusMonth[user] = monthIndex(at);
    this.exportMonth[user] = -1;
    this.exportsThisMonth[user] = 0;
    this.transaction(user, 'bonus', SIGNUP_BONUS, at);
  }

  /** The free monthly top-up, on a user's first visit in a new calendar month. */
  monthlyBonus(user: number, at: number): void {
    const month = monthIndex(at);
    if (this.bonusMonth[user] === month) return;
    this.bonusMonth[user] = month;
    this.transaction(user, 'bonus', MONTHLY_BONUS, at);
  }

  /** Spends credits (the caller checked canAfford). */
  charge(user: number, credits: number, at: number): void {
    if (credits > 0) this.transaction(user, 'usage', -credits, at);
  }

  refund(user: number, credits: number, at: number): void {
    if (credits > 0) this.transaction(user, 'refund', credits, at);
  }

  /** Free users may export FREE_EXPORTS_PER_MONTH times a calendar month. */
  withinExportAllowance(user: number, at: number): boolean {
    if (this.isPaying(user)) return true;
    return (
      this.exportMonth[user] !== monthIndex(at) ||
      (this.exportsThisMonth[user] ?? 0) < FREE_EXPORTS_PER_MONTH
    );
  }

  countExport(user: number, at: number): void {
    const month = monthIndex(at);
    if (this.exportMonth[user] !== month) {
      this.exportMonth[user] = month;
      this.exportsThisMonth[user] = 0;
    }
    this.exportsThisMonth[user] = (this.exportsThisMonth[user] ?? 0) + 1;
  }

  private day(at: number): DayStats {
    const day = Math.floor(at / MS_PER_DAY);
    let stats = this.days.get(day);
    if (stats === undefined) {
      stats = { viewers: new Set(), clickers: new Set(), checkouts: 0, conversions: 0, revenue: 0 };
      this.days.set(day, stats);
    }
    return stats;
  }

  private paywallEvent(
    user: number,
    event: 'viewed' | 'clicked_package' | 'initiated_checkout' | 'completed_purchase',
    pack: CreditPackage | null,
    trigger: PaywallTrigger,
    at: number,
  ): void {
    const stats = this.day(at);
    if (event === 'viewed') stats.viewers.add(user);
    else if (event === 'clicked_package') stats.clickers.add(user);
    else if (event === 'initiated_checkout') stats.checkouts++;
    else {
      stats.conversions++;
      stats.revenue += pack?.priceCents ?? 0;
    }
    this.ctx.out.paywall_events
      .row()
      .text(this.userId(user))
      .text(event)
      .textOrNull(pack?.id ?? null)
      .text(trigger)
      .timestamp(at);
  }

  /**
   * Shows the paywall at `at` and walks the funnel. Returns the time the user is done with it
   * and whether they bought credits.
   */
  paywall(user: number, trigger: PaywallTrigger, at: number): { purchased: boolean; at: number } {
    const { rng, calendar } = this.ctx;
    const limit = calendar.nowMs;
    if (at > limit) return { purchased: false, at };
    // Paying users already trust the product: they click and buy more readily.
    const loyalty = this.isPaying(user) ? 1.35 : 1;
    this.paywallEvent(user, 'viewed', null, trigger, at);
    let t = at + Math.round(logNormal(rng, 6_000, 0.6));
    if (t > limit || !rng.chance(CLICK_RATE[trigger] * loyalty)) return { purchased: false, at: t };
    let pack = this.packages.sample(rng);
    this.paywallEvent(user, 'clicked_package', pack, trigger, t);
    t += Math.round(logNormal(rng, 15_000, 0.7));
    if (t > limit || !rng.chance(CHECKOUT_RATE)) return { purchased: false, at: t };
    if (rng.chance(0.12)) pack = this.packages.sample(rng); // changed their mind on the way
    this.paywallEvent(user, 'initiated_checkout', pack, trigger, t);
    t += Math.round(logNormal(rng, 70_000, 0.6));
    if (t > limit || !rng.chance(Math.min(0.95, PURCHASE_RATE * loyalty))) {
      return { purchased: false, at: t };
    }
    this.paywallEvent(user, 'completed_purchase', pack, trigger, t);
    this.transaction(user, 'purchase', pack.credits, t, pack);
    return { purchased: true, at: t + 2_000 };
  }

  /** Writes the daily paywall summaries for all days before `day` (every day gets a row). */
  flushSummaries(day: number): void {
    for (; this.nextSummaryDay < day; this.nextSummaryDay++) {
      const stats = this.days.get(this.nextSummaryDay);
      this.days.delete(this.nextSummaryDay);
      this.ctx.out.paywall_analytics
        .row()
        .date(this.nextSummaryDay)
        .int(stats?.viewers.size ?? 0)
        .int(stats?.clickers.size ?? 0)
        .int(stats?.checkouts ?? 0)
        .int(stats?.conversions ?? 0)
        .bigint(stats?.revenue ?? 0);
    }
  }

  /** Writes the remaining summaries and every user's balance row. */
  finish(userCount: number): void {
    this.flushSummaries(this.ctx.calendar.lastDay + 1);
    for (let user = 0; user < userCount; user++) {
      this.ctx.out.user_credits
        .row()
        .text(this.userId(user))
        .int(this.balance[user] ?? 0)
        .int(this.purchased[user] ?? 0)
        .int(this.used[user] ?? 0)
        .timestamp(this.updatedMs[user] ?? 0);
    }
  }
}
