import { Inject } from '@nestjs/common';
import { Actor, type ActorContext, Handle, toValidMessage } from '@warren/actors';
import {
  InvalidMessageError,
  isValidSessionId,
  type MessageClass,
  SESSION_EVENT_TYPES,
  SessionInterrupt,
  SessionMessage,
  sessionKey,
  toWireError,
  WARREN_HEADERS,
} from '@warren/contracts';
import { INGRESS_ROUTER_OPTIONS, type IngressRouterOptions } from './ingress-router.options';

/**
 * The ingress router: takes raw producers' messages from the `warren.ingress` shards (one
 * activation per session id, so a session's messages stay in order), validates them, resolves
 * the tenant from the broker-checked AMQP `user_id`, and forwards them to
 * `session/<tenant>~<sessionId>` with the CloudEvent id as message and task id (confirmed
 * before the ack; a redelivery is forwarded with the same id and dropped by the session) and
 * the CloudEvent source as `x-warren-sender`: the producer sent the turn, so when it is
 * dead-lettered the keeper sees an external sender and the session compensates.
 * Invalid input gets a `session.<id>.failed` event, then goes to `warren.dead`.
 */
@Actor('ingress', { stateless: true })
export class IngressRouterActor {
  constructor(@Inject(INGRESS_ROUTER_OPTIONS) private readonly options: IngressRouterOptions) {}

  @Handle(SessionMessage, { raw: true })
  async message(data: unknown, ctx: ActorContext): Promise<void> {
    await this.checkKind('message', ctx);
    const message = await this.validate(SessionMessage, data, ctx);
    if (message.text.length > this.options.maxTextLength) {
      await this.refuse(
        ctx,
        new InvalidMessageError(`text is longer than ${this.options.maxTextLength} characters`, [
          { field: 'text', constraints: [`at most ${this.options.maxTextLength} characters`] },
        ]),
      );
    }
    // The producer (its CloudEvent source) is the sender, not this router: if the turn is
    // dead-lettered, the keeper sees an external sender and the session compensates.
    await ctx.tell(this.sessionAddress(ctx), message, {
      messageId: ctx.messageId,
      taskId: ctx.messageId,
      headers: { [WARREN_HEADERS.SENDER]: ctx.envelope.source },
    });
  }

  @Handle(SessionInterrupt, { raw: true })
  async interrupt(data: unknown, ctx: ActorContext): Promise<void> {
    await this.checkKind('interrupt', ctx);
    const message = await this.validate(SessionInterrupt, data, ctx);
    await ctx.tell(this.sessionAddress(ctx), message, { messageId: ctx.messageId, taskId: message.taskId });
  }

  /** The routing key's kind (`session.<id>.<kind>`) must be the CloudEvent type's (`warren.session.<kind>`). */
  private async checkKind(kind: 'message' | 'interrupt', ctx: ActorContext): Promise<void> {
    const keyKind = ctx.routingKey?.split('.')[2];
    if (keyKind === undefined || keyKind === kind || !isValidSessionId(ctx.key)) return;
    await this.refuse(
      ctx,
      new InvalidMessageError(`a ${ctx.envelope.type} was published with routing key ${ctx.routingKey}; its kind must be "${kind}"`, [
        { field: 'type', constraints: [`warren.session.${keyKind} for routing key session.<id>.${keyKind}`] },
      ]),
    );
  }

  private sessionAddress(ctx: ActorContext): string {
    const tenant = (ctx.userId !== undefined ? this.options.tenantsByUser[ctx.userId] : undefined) ?? this.options.defaultTenant;
    return `session/${sessionKey(tenant, ctx.key)}`;
  }

  private async validate<T extends object>(cls: MessageClass<T>, data: unknown, ctx: ActorContext): Promise<T> {
    if (!isValidSessionId(ctx.key)) {
      // No failed event: such an id would break topic routing for every listener.
      throw new InvalidMessageError(`session id "${ctx.key}" must match [A-Za-z0-9_-]{1,128}`, [
        { field: 'sessionId', constraints: ['[A-Za-z0-9_-]{1,128}'] },
      ]);
    }
    try {
      return toValidMessage(cls, data);
    } catch (error) {
      return this.refuse(ctx, error);
    }
  }

  /** Tells the session's listeners why, then refuses (the runtime dead-letters the message with the reason). */
  private async refuse(ctx: ActorContext, error: unknown): Promise<never> {
    const wire = toWireError(error);
    await ctx.emit(
      `session.${ctx.key}.failed`,
      SESSION_EVENT_TYPES.FAILED,
      { taskId: ctx.messageId, code: wire.code, message: wire.message },
      { subject: ctx.key },
    );
    throw error;
  }
}
