import { Inject, Injectable, Optional } from '@nestjs/common';
import { AmqpTransport, WarrenClient } from '@warren/amqp';
import { InvalidMessageError, InvalidOptionsError, SessionMessage, sessionKey } from '@warren/contracts';
import { type Page, type TurnPart, WARREN_STORE, type WarrenStore } from '@warren/store';
import { injectTraceHeaders, otelContext, type TraceContext, WarrenMetrics } from '@warren/telemetry';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { checkRoutingFields } from './routing-fields';
import type { HistoryQuery, PostMessageBody } from './session-requests.dto';
import { taskIdFor } from './task-id';
import { TurnAdmission } from './turn-admission';

/** A tenant's session as the gateway addresses it. */
export interface SessionTarget {
  tenant: string;
  sessionId: string;
}

/** Accepts user messages for session actors and reads their history. */
@Injectable()
export class SessionMessagesService {
  constructor(
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(WARREN_STORE) private readonly store: WarrenStore,
    @Inject(WarrenClient) private readonly warren: WarrenClient,
    @Inject(AmqpTransport) private readonly transport: AmqpTransport,
    @Inject(TurnAdmission) private readonly admission: TurnAdmission,
    @Optional() @Inject(WarrenMetrics) private readonly metrics?: WarrenMetrics,
  ) {}

  /**
   * Records the task (idempotent), then tells `session/<tenant>~<sessionId>` the message with
   * message id = task id, persistent and confirmed, in the trace `trace`. Resolves with the
   * task id once the broker has the message; rejects with `BrokerUnavailableError` when it
   * cannot be reached within the publish timeout, and with the limiter's refusal
   * (`RateLimitedError`, `BudgetExceededError`) when it is certain before anything is recorded
   * ({@link TurnAdmission}; a retry of a task recorded already is not asked about again).
   */
  async accept(target: SessionTarget, body: PostMessageBody, idempotencyKey: string | undefined, trace: TraceContext): Promise<string> {
    const { tenant, sessionId } = target;
    if (body.text.length > this.options.maxTextLength) {
      throw new InvalidMessageError(`text must be at most ${this.options.maxTextLength} characters`, [
        { field: 'text', constraints: [`text must be at most ${this.options.maxTextLength} characters`] },
      ]);
    }
    checkRoutingFields(body, this.options.models);
    const taskId = taskIdFor(tenant, sessionId, idempotencyKey);
    // A retry of a turn recorded already (same Idempotency-Key) was accepted: it is not judged again.
    const recorded = idempotencyKey === undefined ? undefined : async () => (await this.store.tasks.get(taskId)) !== undefined;
    await this.admission.check(target, body.text, body.userId, recorded);
    const actor = `session/${sessionKey(tenant, sessionId)}`;
    await this.store.tasks.create({ id: taskId, tenant, sessionId, userId: body.userId, actor });
    const message = Object.assign(new SessionMessage(), {
      text: body.text,
      locale: body.locale,
      userId: body.userId,
      channel: body.channel,
      model: body.model,
      strategy: body.strategy,
    });
    // The trace goes both ways: explicitly on the headers, and as the active context for the sender.
    const headers: Record<string, string | number> = {};
    injectTraceHeaders(headers, trace);
    await otelContext.with(trace, () =>
      this.warren.ref(actor, `gateway:${this.transport.nodeId}`).tell(message, { messageId: taskId, taskId, headers }),
    );
    this.metrics?.messageAccepted();
    return taskId;
  }

  /** One page of the session's history (`desc`, newest first, by default). */
  async history(target: SessionTarget, query: HistoryQuery): Promise<Page<TurnPart>> {
    const limit = query.limit ?? this.options.historyPageSize;
    if (limit > this.options.historyMaxPageSize) {
      const rule = `limit must not be greater than ${this.options.historyMaxPageSize}`;
      throw new InvalidMessageError(rule, [{ field: 'limit', constraints: [rule] }]);
    }
    try {
      return await this.store.history.page(target, { limit, cursor: query.cursor, order: query.order ?? 'desc' });
    } catch (err) {
      // The store refuses a cursor it did not issue: a wrong request field, not a server option.
      if (err instanceof InvalidOptionsError) throw new InvalidMessageError(err.message, [{ field: err.key, constraints: [err.message] }]);
      throw err;
    }
  }
}
