import { randomUUID } from 'node:crypto';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { type ActorContext, ActorRuntime } from '@warren/actors';
import { LimiterLease, type LimiterLeaseAnswer, LimiterLeaseReturn } from '@warren/contracts';
import { capacitiesOf, LIMITER_OPTIONS, type LimiterOptions, limitsOf, userLimitsOf } from '@warren/models';
import { type LimiterReservation, reserveTokens, settleTokens, type TokenReserver } from './limiter-reservation';

/** An unused lease goes back after this long without a turn drawing from it. */
export const LEASE_IDLE_MS = 1000;

/** After a refused (or failed) lease ask, turns of that tenant acquire one by one this long before asking again. */
export const LEASE_RETRY_MS = 5000;

/** A lease this process holds for one tenant. */
interface Held {
  leaseId: string;
  /** Tokens left to hand out; below 0 when turns used more than they reserved. */
  tokens: number;
  /** Requests left to hand out. */
  requests: number;
  /** When it must go back at the latest (the limiter's `ttlMs` after the grant). */
  expiresAt: number;
  /** Reservations drawn from it and not settled yet. */
  drawn: Set<string>;
  idleTimer?: NodeJS.Timeout;
  expiryTimer?: NodeJS.Timeout;
}

/** Lease state of one tenant in this process. */
interface TenantLease {
  held?: Held;
  /** The lease ask in flight: turns arriving meanwhile wait for it instead of asking again. */
  asking?: Promise<void>;
  /** No lease asks before this time (after a refusal or a failure). */
  retryAt: number;
}

/**
 * Admits this process's turns from a lease of their tenant's limiter (`LimiterLease`) when it
 * can, and acquires per turn (`reserveTokens`) when it cannot. A turn far from the tenant's
 * limits then costs no round trip to `limiter/<tenant>` and no settle message: its reservation
 * is taken from the lease and corrected there to the real usage. What is left of a lease goes
 * back (`LimiterLeaseReturn`) after {@link LEASE_IDLE_MS} unused, when it expires (`leaseTtlMs`),
 * when a bigger turn needs a new one, and at shutdown.
 *
 * Accounting stays with the limiter: a lease is charged to the tenant's buckets and budgets
 * when granted, so turns admitted from leases never exceed the limits. A process that dies with
 * a lease leaves it charged (at most `leaseShare` of the capacities, until the buckets refill),
 * and a turn run again after a crash reserves again on its new node.
 */
@Injectable()
export class LimiterLeases implements TokenReserver, BeforeApplicationShutdown {
  private readonly logger = new Logger('LimiterLeases');
  private readonly tenants = new Map<string, TenantLease>();
  /** Reservations taken from a lease held now (reservation id → the lease), until settled or the lease goes back. */
  private readonly drawn = new Map<string, Held>();
  private closing = false;

  constructor(
    @Inject(LIMITER_OPTIONS) private readonly options: LimiterOptions,
    @Inject(ActorRuntime) private readonly runtime: ActorRuntime,
  ) {}

  /**
   * Reserves `tokens` for one request: from this process's lease of the tenant when it holds
   * enough (asking for one first when worth it), else with `limiter/<tenant>` as `reserveTokens` does.
   */
  async reserve(ctx: ActorContext, r: LimiterReservation, tokens: number): Promise<void> {
    if (this.leasable(r, tokens)) {
      // Drawn already from the lease held now (the turn runs again after a retry in place): not twice.
      if (this.drawn.has(r.reservationId)) return;
      const t = this.tenant(r.tenant);
      if (this.draw(t, r, tokens)) return;
      if (Date.now() >= t.retryAt && !this.closing) {
        t.asking ??= this.ask(ctx, r.tenant, t, tokens).finally(() => {
          t.asking = undefined;
        });
        await t.asking;
        if (this.draw(t, r, tokens)) return;
      }
    }
    await reserveTokens(ctx, r, tokens);
  }

  /** Corrects a reservation to the real usage: in its lease while this process holds it, else with `LimiterSettle`. */
  async settle(ctx: ActorContext, r: LimiterReservation, reserved: number, used: number): Promise<void> {
    const held = this.drawn.get(r.reservationId);
    if (held) {
      this.drawn.delete(r.reservationId);
      held.drawn.delete(r.reservationId);
      held.tokens += reserved - used;
      return;
    }
    // Acquired with the limiter, or drawn from a lease that went back since (it counted the
    // whole reservation as used): the limiter settles the difference.
    await settleTokens(ctx, r, reserved, used);
  }

  /** Gives every lease back before the transport closes; turns still running settle with the limiter. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.tenants.keys()].map((tenant) => this.giveBack(tenant)));
  }

  /**
   * Whether a lease could ever cover this request, from the configuration alone: leases on, no
   * per-user limits for the tenant (a lease cannot hold a user's buckets), and a share that holds
   * `leaseMinTurns` such requests. Small tenants never ask (the limiter would refuse each time).
   */
  private leasable(r: LimiterReservation, tokens: number): boolean {
    const { leaseShare, leaseMinTurns } = this.options;
    if (leaseShare === 0) return false;
    const limits = limitsOf(this.options, r.tenant);
    if (userLimitsOf(limits)) return false;
    const capacity = capacitiesOf(limits);
    return capacity.tokens * leaseShare >= tokens * leaseMinTurns && capacity.requests * leaseShare >= leaseMinTurns;
  }

  private tenant(tenant: string): TenantLease {
    let t = this.tenants.get(tenant);
    if (!t) {
      t = { retryAt: 0 };
      this.tenants.set(tenant, t);
    }
    return t;
  }

  private draw(t: TenantLease, r: LimiterReservation, tokens: number): boolean {
    const held = t.held;
    if (!held || held.tokens < tokens || held.requests < 1 || Date.now() >= held.expiresAt) return false;
    held.tokens -= tokens;
    held.requests -= 1;
    held.drawn.add(r.reservationId);
    this.drawn.set(r.reservationId, held);
    this.arm(r.tenant, held, 'idle');
    return true;
  }

  private async ask(ctx: ActorContext, tenant: string, t: TenantLease, tokens: number): Promise<void> {
    const minTurns = this.options.leaseMinTurns;
    const leaseId = randomUUID();
    const msg = Object.assign(new LimiterLease(), { leaseId, minTokens: tokens * minTurns, minRequests: minTurns });
    let answer: LimiterLeaseAnswer;
    try {
      answer = await ctx.ask<LimiterLeaseAnswer>(`limiter/${tenant}`, msg);
    } catch (error) {
      // A limiter without leases (an older node) or an unreachable one: acquire per turn for a while.
      this.logger.debug(`limiter/${tenant}: no lease (${(error as Error).message}); acquiring per turn`);
      t.retryAt = Date.now() + LEASE_RETRY_MS;
      return;
    }
    if (!answer.granted) {
      t.retryAt = Date.now() + LEASE_RETRY_MS;
      return;
    }
    // The old lease (too small for this turn, or expired) goes back; the new one takes its place.
    await this.giveBack(tenant);
    const held: Held = {
      leaseId,
      tokens: answer.tokens,
      requests: answer.requests,
      expiresAt: Date.now() + answer.ttlMs,
      drawn: new Set(),
    };
    t.held = held;
    this.arm(tenant, held, 'expiry', answer.ttlMs);
    this.arm(tenant, held, 'idle');
  }

  /** (Re)starts the timer that gives `held` back when idle, or when it expires. */
  private arm(tenant: string, held: Held, which: 'idle' | 'expiry', ms = LEASE_IDLE_MS): void {
    const key = which === 'idle' ? 'idleTimer' : 'expiryTimer';
    if (held[key]) {
      if (which === 'idle') held[key].refresh();
      return;
    }
    held[key] = setTimeout(() => {
      if (this.tenants.get(tenant)?.held === held) void this.giveBack(tenant);
    }, ms);
    held[key].unref();
  }

  /** Returns the tenant's lease, if this process holds one: what is left is refunded (a negative rest charged). */
  private async giveBack(tenant: string): Promise<void> {
    const t = this.tenants.get(tenant);
    const held = t?.held;
    if (!t || !held) return;
    t.held = undefined;
    clearTimeout(held.idleTimer);
    clearTimeout(held.expiryTimer);
    for (const id of held.drawn) this.drawn.delete(id);
    const msg = Object.assign(new LimiterLeaseReturn(), {
      leaseId: held.leaseId,
      tokens: Math.round(held.tokens),
      requests: held.requests,
    });
    try {
      await this.runtime.ref(`limiter/${tenant}`).tell(msg, { messageId: `${held.leaseId}:return` });
    } catch (error) {
      // The lease stays charged until the buckets refill: the tenant loses at most that share for a while.
      this.logger.warn(`limiter/${tenant}: lease ${held.leaseId} could not be given back: ${(error as Error).message}`);
    }
  }
}
