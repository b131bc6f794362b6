import { type CloudEvent, createCloudEvent, isUsableMessageId, parseAddress, safeMessageId, WARREN_HEADERS } from '@warren/contracts';
import { endSpan, injectTraceHeaders } from '@warren/telemetry';
import type { ActorDefinition } from '../actor-definition';
import type { Delivery, FailureReport } from '../ports/delivery.port';
import type { ActorTransport } from '../ports/transport.port';
import { consumerSpan, type RuntimeLogger, refuse } from './dispatch-support';

/** A message of this actor that the runtime is about to dead-letter instead of handling (or after its handler gave up). */
export interface Refusal {
  /** Why: the parse error, `ActorOverloadedError`, the handler's final error … */
  readonly error: unknown;
  /** The actor key the message was for (for the ingress router: the session id of the routing key). */
  readonly key: string;
  /** The routing key it was published with. */
  readonly routingKey?: string;
  /**
   * The id the message claims, as sent: the CloudEvent `id`, or for an unreadable body the id it
   * carried (CloudEvent `id` or AMQP `message-id`). Undefined when it carried none. Not checked.
   */
  readonly claimedId?: string;
  /** The envelope; undefined when the body was not a readable CloudEvent. */
  readonly envelope?: CloudEvent;
}

/** What a refusal hook may do: publish notifications on `warren.events`. */
export interface RefusalContext {
  /**
   * Publishes a CloudEvent (confirmed) with an id derived from the refused message's, so a
   * redelivered refusal publishes the same id; `traceparent` continues the message's trace.
   */
  emit(routingKey: string, type: string, data: unknown, options?: { subject?: string }): Promise<void>;
}

/**
 * Implemented by an actor class that must tell someone when one of its messages is refused
 * (dead-lettered without, or after, its handler): the ingress router publishes the session's
 * `failed` event. Called before the dead letter; a hook that fails is logged, the dead letter
 * goes out anyway. Not called for asks (the asker gets the error).
 */
export interface OnRefusal {
  onRefusal(refusal: Refusal, ctx: RefusalContext): Promise<void> | void;
}

/** What the runtime gives `admit`. */
export interface RefusalHost {
  transport: ActorTransport;
  log: RuntimeLogger;
}

/**
 * Takes a delivery for `def`: an unreadable body is refused at once with its parse error (no
 * handler can take it); any other goes to `dispatch`. With a refusal hook, every dead letter of
 * the delivery first runs the hook.
 */
export function admit(def: ActorDefinition, delivery: Delivery, dispatch: (delivery: Delivery) => void, host: RefusalHost): void {
  const d = def.onRefusal ? withRefusalHook(def, delivery, host) : delivery;
  if (d.unreadable) {
    const report: FailureReport = { error: d.unreadable.error, target: addressOf(def.type, d.key), attempt: d.attempt };
    void refuse(host.transport, d, report, host.log);
    return;
  }
  dispatch(d);
}

/** The delivery with a `deadLetter` that runs the actor's refusal hook first. */
function withRefusalHook(def: ActorDefinition, delivery: Delivery, host: RefusalHost): Delivery {
  const hook = def.onRefusal as NonNullable<ActorDefinition['onRefusal']>;
  return {
    ...delivery,
    deadLetter: async (report) => {
      const refusal: Refusal = {
        error: report.error,
        key: delivery.key,
        ...(delivery.routingKey !== undefined ? { routingKey: delivery.routingKey } : {}),
        ...claimOf(delivery),
      };
      try {
        await hook(refusal, refusalContext(def, delivery, host.transport));
      } catch (err) {
        host.log.warn(
          { err, actor: def.type, messageId: delivery.envelope.id },
          'refusal hook failed; the message is dead-lettered anyway',
        );
      }
      await delivery.deadLetter(report);
    },
  };
}

function claimOf(delivery: Delivery): { claimedId?: string; envelope?: CloudEvent } {
  if (delivery.unreadable) return delivery.unreadable.claimedId !== undefined ? { claimedId: delivery.unreadable.claimedId } : {};
  return { claimedId: delivery.envelope.id, envelope: delivery.envelope };
}

function refusalContext(def: ActorDefinition, delivery: Delivery, transport: ActorTransport): RefusalContext {
  return {
    emit: async (routingKey, type, data, options = {}) => {
      const event = createCloudEvent({
        // The envelope id is always usable (the transport gives an unreadable body a safe one).
        id: safeMessageId(`${delivery.envelope.id}:refused`),
        source: `warren://node/${transport.nodeId}`,
        type,
        data,
        ...(options.subject !== undefined ? { subject: options.subject } : {}),
      });
      const headers: Record<string, string | number> = { [WARREN_HEADERS.SENDER]: addressOf(def.type, delivery.key) ?? def.type };
      const taskId = delivery.unreadable ? delivery.unreadable.claimedId : delivery.envelope.id;
      if (isUsableMessageId(taskId)) headers[WARREN_HEADERS.TASK_ID] = taskId;
      const { span, trace } = consumerSpan(def.type, delivery);
      injectTraceHeaders(headers, trace);
      try {
        await transport.publishEvent(routingKey, event, headers);
        endSpan(span);
      } catch (error) {
        endSpan(span, error);
        throw error;
      }
    },
  };
}

/** `<type>/<key>` when that is a valid address (a refused message's key may be anything). */
function addressOf(type: string, key: string): string | undefined {
  try {
    return `${parseAddress(`${type}/${key}`).type}/${key}`;
  } catch {
    return undefined;
  }
}
