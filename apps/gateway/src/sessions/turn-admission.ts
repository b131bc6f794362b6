import { Inject, Injectable, Logger } from '@nestjs/common';
import { AmqpTransport, WarrenClient } from '@warren/amqp';
import { LimiterCheck, type LimiterCheckAnswer, WARREN_ERROR_CODES } from '@warren/contracts';
import { countTokens } from '@warren/models';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import type { SessionTarget } from './session-messages.service';

/** After the limiter did not answer (in time, or at all), a tenant is not asked about for this long: its turns are accepted. */
export const ADMISSION_RETRY_MS = 5000;

/** Codes of a refusal the limiter is sure of: the POST answers them (429 with `Retry-After`). */
const CERTAIN_REFUSALS: ReadonlySet<string> = new Set([WARREN_ERROR_CODES.RATE_LIMITED, WARREN_ERROR_CODES.BUDGET_EXCEEDED]);

/**
 * The accept-time check of a turn (`POST /v1/sessions/:sessionId/messages`, the controller and the
 * fast path alike, through `SessionMessagesService#accept`): asks `limiter/<tenant>` (`LimiterCheck`,
 * nothing taken) whether the turn would certainly be refused now, and throws that refusal
 * (`RateLimitedError`, `BudgetExceededError`: 429 with `Retry-After`) so the caller learns it at
 * once instead of from a 202 and a `failed` event. A turn that would be queued for capacity, or one
 * the limiter cannot judge (a lease is out, no answer within `gateway.admissionTimeoutMs`, an older
 * limiter: then the tenant is not asked about for {@link ADMISSION_RETRY_MS}), is accepted as before. A tenant far from its limits is not asked again for the
 * `clearMs` the limiter grants (a second at most), so busy tenants cost one ask a second, not one per turn.
 */
@Injectable()
export class TurnAdmission {
  private readonly logger = new Logger('TurnAdmission');
  /** Tenant → until when it is not asked about (far from its limits at the last answer, or no answer). */
  private readonly clearUntil = new Map<string, number>();

  constructor(
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(WarrenClient) private readonly warren: WarrenClient,
    @Inject(AmqpTransport) private readonly transport: AmqpTransport,
  ) {}

  /**
   * Resolves when the turn may be accepted; rejects with the limiter's refusal when it is certain.
   * `recorded`, asked only when the limiter would be, says the turn was accepted before (a retry).
   */
  async check(target: SessionTarget, text: string, userId: string | undefined, recorded?: () => Promise<boolean>): Promise<void> {
    const timeoutMs = this.options.admissionTimeoutMs;
    if (timeoutMs === 0) return;
    const now = Date.now();
    if ((this.clearUntil.get(target.tenant) ?? 0) > now) return;
    if (recorded && (await recorded())) return;
    const msg = Object.assign(new LimiterCheck(), { tokens: countTokens(text), ...(userId !== undefined ? { userId } : {}) });
    let answer: LimiterCheckAnswer;
    try {
      answer = await this.warren
        .ref(`limiter/${target.tenant}`, `gateway:${this.transport.nodeId}`)
        .ask<LimiterCheckAnswer>(msg, { timeoutMs });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && CERTAIN_REFUSALS.has(code)) throw err;
      this.logger.debug(`limiter/${target.tenant}: no admission answer (${(err as Error).message}); accepting without asking for a while`);
      this.clearUntil.set(target.tenant, now + ADMISSION_RETRY_MS);
      return;
    }
    if (answer.clearMs > 0) this.clearUntil.set(target.tenant, now + answer.clearMs);
    else this.clearUntil.delete(target.tenant);
  }
}
