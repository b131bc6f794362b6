import type { Logger } from '@nestjs/common';
import { type BudgetStore, isStateConflict, type SavedBudget } from './budget-store';
import type { Clock } from './token-bucket';
import { type BudgetLimits, type BudgetUsage, TokenBudget, usageSince } from './token-budget';

/**
 * A tenant's budget and how much of it is saved. Usage is settled in memory at once (every
 * reservation and settle) and saved in batches: the first change after a save arms a timer of
 * `flushMs`, whose save writes everything changed meanwhile. So a tenant costs at most one store
 * write per `flushMs`, not one per request, and a crash forgives at most the usage settled in the
 * last `flushMs` plus the write in flight. Saves are versioned: after a conflict (another node took
 * the tenant over during a hand-over and saved) the stored usage is reloaded and this node's
 * unsaved part is added to it, so neither node's usage is lost.
 *
 * Why not `ctx.state`: a stateful limiter would save on every message (one store write per turn,
 * which is the cost the in-memory buckets avoid); a timer message through the mailbox would queue
 * behind waiting acquires. A timer in this process that writes to the store directly is both cheap
 * and prompt, and the limiter's single activation per tenant keeps it the only writer.
 */
export class TenantBudgetBook {
  private saved: BudgetUsage | undefined;
  private version = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  private constructor(
    readonly budget: TokenBudget,
    private readonly tenant: string,
    private readonly store: BudgetStore | undefined,
    private readonly flushMs: number,
    private readonly logger?: Pick<Logger, 'warn'>,
  ) {}

  /** Loads the tenant's saved usage (nothing to load without a store or without limits). */
  static async open(args: {
    tenant: string;
    scope: string;
    limits: BudgetLimits;
    clock: Clock;
    store?: BudgetStore;
    flushMs: number;
    logger?: Pick<Logger, 'warn'>;
  }): Promise<TenantBudgetBook> {
    const budget = new TokenBudget(args.scope, args.limits, args.clock);
    const store = budget.unlimited ? undefined : args.store;
    const book = new TenantBudgetBook(budget, args.tenant, store, args.flushMs, args.logger);
    if (store) book.loaded(await store.load(args.tenant));
    return book;
  }

  /** Charges `tokens` (negative refunds) and arms the save timer. */
  charge(tokens: number): void {
    if (this.budget.unlimited || tokens === 0) return;
    this.budget.charge(tokens);
    this.arm();
  }

  /** True when usage changed since the last save. */
  get dirty(): boolean {
    if (!this.store) return false;
    const d = usageSince(this.budget.current(), this.saved);
    return d.dayUsed !== 0 || d.monthUsed !== 0;
  }

  /** Saves what changed now (shutdown, tests); resolves when saved or when the save failed (logged, retried later). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (!this.store || !this.dirty) return;
    this.flushing = this.save(this.store).finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
    if (this.dirty) this.arm();
  }

  /** Stops the timer without saving. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (!this.store || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushMs);
    this.timer.unref();
  }

  private async save(store: BudgetStore): Promise<void> {
    const usage = this.budget.current();
    try {
      this.version = await store.save(this.tenant, usage, this.version);
      this.saved = usage;
    } catch (err) {
      if (isStateConflict(err)) {
        // Another activation saved meanwhile: keep its usage and add ours that it has not seen.
        const unsaved = usageSince(this.budget.current(), this.saved);
        const stored = await store.load(this.tenant).catch(() => undefined);
        if (stored) {
          this.loaded(stored);
          this.budget.add(unsaved);
        }
        return;
      }
      this.logger?.warn(`saving the token budget of limiter/${this.tenant} failed (retried): ${(err as Error).message}`);
    }
  }

  private loaded(stored: SavedBudget): void {
    this.budget.reset(stored.usage);
    this.saved = stored.usage ? this.budget.current() : undefined;
    this.version = stored.version;
  }
}
