import { Inject } from '@nestjs/common';
import { Actor, type ActorContext, Handle, type OnRefusal, type Refusal, type RefusalContext, toValidMessage } from '@warren/actors';
import {
  InvalidMessageError,
  ingressEnvelopeViolations,
  isValidSessionId,
  type MessageClass,
  SESSION_EVENT_TYPES,
  SessionInterrupt,
  SessionMessage,
  scopedTaskId,
  sessionKey,
  toWireError,
  WARREN_HEADERS,
} from '@warren/contracts';
import { failedEventData } from './ingress-failures';
import { INGRESS_ROUTER_OPTIONS, type IngressRouterOptions } from './ingress-router.options';
import { MAX_DATA_DEPTH, nestedDeeperThan } from './json-depth';

/**
 * The ingress router: takes raw producers' messages from the `warren.ingress` shards (one
 * activation per session id, so a session's messages stay in order), validates them, resolves
 * the tenant from the broker-checked AMQP `user_id`, and forwards them to
 * `session/<tenant>~<sessionId>` with the CloudEvent id as message id and, as task id, that id scoped
 * to the tenant and session (`scopedTaskId`; the CloudEvent id travels as `x-warren-client-task-id`) (confirmed
 * before the ack; a redelivery is forwarded with the same id and dropped by the session) and
 * the CloudEvent source as `x-warren-sender`: the producer sent the turn, so when it is
 * dead-lettered the keeper sees an external sender and the session compensates.
 *
 * Whatever is refused (a body that is not a CloudEvent, an id or source outside the ingress
 * limits, invalid data, a full mailbox, a forward that failed for good) goes to `warren.dead`
 * with the reason, and `onRefusal` first publishes `session.<id>.failed` when the routing key
 * names a valid session id.
 */
@Actor('ingress', { stateless: true })
export class IngressRouterActor implements OnRefusal {
  constructor(@Inject(INGRESS_ROUTER_OPTIONS) private readonly options: IngressRouterOptions) {}

  @Handle(SessionMessage, { raw: true })
  async message(data: unknown, ctx: ActorContext): Promise<void> {
    const message = this.validate(SessionMessage, 'message', data, ctx);
    if (message.text.length > this.options.maxTextLength) {
      throw new InvalidMessageError(`text is longer than ${this.options.maxTextLength} characters`, [
        { field: 'text', constraints: [`at most ${this.options.maxTextLength} characters`] },
      ]);
    }
    // The producer (its CloudEvent source) is the sender, not this router: if the turn is
    // dead-lettered, the keeper sees an external sender and the session compensates.
    // The task id is scoped to the tenant and session (two sessions reusing a CloudEvent id never
    // share a task); the producer's own id travels on, and the turn's events carry it.
    const { address, tenant } = this.session(ctx);
    await ctx.tell(address, message, {
      messageId: ctx.messageId,
      taskId: scopedTaskId(tenant, ctx.key, ctx.messageId),
      headers: { [WARREN_HEADERS.SENDER]: ctx.envelope.source, [WARREN_HEADERS.CLIENT_TASK_ID]: ctx.messageId },
    });
  }

  @Handle(SessionInterrupt, { raw: true })
  async interrupt(data: unknown, ctx: ActorContext): Promise<void> {
    const message = this.validate(SessionInterrupt, 'interrupt', data, ctx);
    const { address, tenant } = this.session(ctx);
    // The producer names its task by its own id: the session knows it by the scoped one.
    if (message.taskId !== undefined) message.taskId = scopedTaskId(tenant, ctx.key, message.taskId);
    await ctx.tell(address, message, { messageId: ctx.messageId, taskId: message.taskId });
  }

  /** Tells the session's listeners why one of its messages was refused; nothing for a routing key without a valid session id. */
  async onRefusal(refusal: Refusal, ctx: RefusalContext): Promise<void> {
    // No event for an invalid session id: it would break topic routing for every listener.
    if (!isValidSessionId(refusal.key)) return;
    const wire = toWireError(refusal.error);
    await ctx.emit(`session.${refusal.key}.failed`, SESSION_EVENT_TYPES.FAILED, failedEventData(wire, refusal.claimedId), {
      subject: refusal.key,
    });
  }

  /** The session the message is for: its tenant from the broker-checked AMQP `user_id`, its address. */
  private session(ctx: ActorContext): { tenant: string; address: string } {
    const user = ctx.userId;
    const mapped = user !== undefined && Object.hasOwn(this.options.tenantsByUser, user) ? this.options.tenantsByUser[user] : undefined;
    const tenant = mapped ?? this.options.defaultTenant;
    return { tenant, address: `session/${sessionKey(tenant, ctx.key)}` };
  }

  /**
   * The session id of the routing key, the CloudEvent id and source (the ingress limits: they
   * become the task id, ids derived from it and `x-warren-sender`), the routing key's kind against
   * the CloudEvent type (`session.<id>.<kind>` carries `warren.session.<kind>`), then the data
   * (its depth first: the validators behind recurse).
   */
  private validate<T extends object>(cls: MessageClass<T>, kind: 'message' | 'interrupt', data: unknown, ctx: ActorContext): T {
    const key: string = ctx.key;
    if (!isValidSessionId(key)) {
      throw new InvalidMessageError(`session id "${ctx.key.slice(0, 200)}" must match [A-Za-z0-9_-]{1,128}`, [
        { field: 'sessionId', constraints: ['[A-Za-z0-9_-]{1,128}'] },
      ]);
    }
    const violations = ingressEnvelopeViolations(ctx.envelope);
    if (violations.length > 0) {
      throw new InvalidMessageError(`CloudEvent ${violations.map((v) => `${v.field} must be ${v.constraints[0]}`).join(', ')}`, violations);
    }
    const keyKind = ctx.routingKey?.split('.')[2];
    if (keyKind !== undefined && keyKind !== kind) {
      throw new InvalidMessageError(`a ${ctx.envelope.type} was published with routing key ${ctx.routingKey}; its kind must be "${kind}"`, [
        { field: 'type', constraints: [`warren.session.${keyKind} for routing key session.<id>.${keyKind}`] },
      ]);
    }
    if (nestedDeeperThan(data, MAX_DATA_DEPTH)) {
      throw new InvalidMessageError(`data is nested deeper than ${MAX_DATA_DEPTH} levels`, [
        { field: 'data', constraints: [`at most ${MAX_DATA_DEPTH} levels of nesting`] },
      ]);
    }
    return toValidMessage(cls, data);
  }
}
