import { Logger } from '@nestjs/common';
import type { ActorContext } from '@warren/actors';
import { LimiterAcquire, LimiterCancel, LimiterSettle, WARREN_ERROR_CODES } from '@warren/contracts';

const log = new Logger('LimiterReservation');

/** A reservation asked of `limiter/<tenant>`: named (so it can be withdrawn and settled), for a user when known. */
export interface LimiterReservation {
  tenant: string;
  reservationId: string;
  userId?: string;
}

/**
 * Reserves `tokens` with `limiter/<tenant>`. A refusal (`RateLimitedError`, `BudgetExceededError`)
 * is thrown as is; an ask given up otherwise (interrupted, timed out, connection lost) may still
 * wait in the limiter's queue or be granted, so it is withdrawn with a `LimiterCancel` first.
 */
export async function reserveTokens(ctx: ActorContext, r: LimiterReservation, tokens: number): Promise<void> {
  const limiter = `limiter/${r.tenant}`;
  try {
    const userId = r.userId ? { userId: r.userId } : {};
    await ctx.ask(limiter, Object.assign(new LimiterAcquire(), { tokens, reservationId: r.reservationId, ...userId }));
  } catch (error) {
    if (!isLimiterAnswer(error)) {
      await ctx.tell(limiter, Object.assign(new LimiterCancel(), { reservationId: r.reservationId })).catch((err: unknown) => {
        log.warn(`${ctx.self}: could not withdraw reservation ${r.reservationId} (it may stay charged): ${(err as Error).message}`);
      });
    }
    throw error;
  }
}

/**
 * Tells `limiter/<tenant>` what a granted reservation really used (the difference is refunded or
 * charged). From an entity (a session turn) it goes in the message's outbox, sent once the turn's
 * end is committed; from a worker (a chat completion) at once.
 */
export async function settleTokens(ctx: ActorContext, r: LimiterReservation, reserved: number, used: number): Promise<void> {
  await ctx.tell(
    `limiter/${r.tenant}`,
    Object.assign(new LimiterSettle(), {
      reserved,
      used: Math.min(used, 10_000_000),
      reservationId: r.reservationId,
      ...(r.userId ? { userId: r.userId } : {}),
    }),
    { afterCommit: true },
  );
}

/**
 * How a turn reserves and settles its tokens: per request with `limiter/<tenant>`
 * ({@link PER_REQUEST}), or from this process's lease of the tenant's buckets when it holds one
 * (`LimiterLeases`, which falls back to per request).
 */
export interface TokenReserver {
  reserve(ctx: ActorContext, r: LimiterReservation, tokens: number): Promise<void>;
  settle(ctx: ActorContext, r: LimiterReservation, reserved: number, used: number): Promise<void>;
}

/** Every request asks `limiter/<tenant>` and tells it the usage. */
export const PER_REQUEST: TokenReserver = { reserve: reserveTokens, settle: settleTokens };

/** True for the limiter's own answers (a refusal, a budget, a capacity): nothing is left reserved to withdraw. */
export function isLimiterAnswer(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return (
    code === WARREN_ERROR_CODES.RATE_LIMITED ||
    code === WARREN_ERROR_CODES.BUDGET_EXCEEDED ||
    code === WARREN_ERROR_CODES.LIMITER_CAPACITY_EXCEEDED
  );
}
