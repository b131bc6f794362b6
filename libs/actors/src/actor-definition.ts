import { InvalidOptionsError, type MessageClass, messageTypeOf } from '@warren/contracts';
import { type ActorKind, getActorMetadata } from './decorators/actor.decorator';
import { getHandlerMetadata } from './decorators/handle.decorator';
import type { OnRefusal, Refusal, RefusalContext } from './runtime/refusals';

/** A bound handler: calls the method on the actor singleton. */
export interface HandlerDefinition {
  messageType: string;
  messageClass: MessageClass;
  interleave: boolean;
  /** The handler gets the raw `data`, unvalidated. */
  raw: boolean;
  /** Name of the method, for dead-letter reports (`SessionActor.onMessage`). */
  name: string;
  invoke: (message: object, ctx: unknown) => unknown;
}

/** Everything the runtime needs to host one actor class. */
export interface ActorDefinition {
  type: string;
  kind: ActorKind;
  /** Entity actors without state: no load, no save, no processed ids. */
  stateless: boolean;
  instance: object;
  handlers: ReadonlyMap<string, HandlerDefinition>;
  /** The instance's `onRefusal` (see `OnRefusal`), bound; absent when the class has none. */
  onRefusal?: (refusal: Refusal, ctx: RefusalContext) => Promise<void>;
}

/** Builds the definition of an `@Actor` instance; throws on a class without `@Actor` or duplicate handlers. */
export function defineActor(instance: object): ActorDefinition {
  const cls = instance.constructor;
  const meta = getActorMetadata(cls);
  if (!meta) throw new InvalidOptionsError(cls.name, 'is not decorated with @Actor(type)');
  const handlers = new Map<string, HandlerDefinition>();
  for (const h of getHandlerMetadata(cls)) {
    const messageType = messageTypeOf(h.messageClass);
    if (handlers.has(messageType)) {
      throw new InvalidOptionsError(`${cls.name}.${String(h.methodName)}`, `a second handler for "${messageType}"`);
    }
    const method = (instance as Record<string | symbol, unknown>)[h.methodName];
    if (typeof method !== 'function') throw new InvalidOptionsError(`${cls.name}.${String(h.methodName)}`, 'is not a method');
    handlers.set(messageType, {
      messageType,
      messageClass: h.messageClass,
      interleave: h.interleave,
      raw: h.raw,
      name: `${cls.name}.${String(h.methodName)}`,
      invoke: (message, ctx) => (method as (m: object, c: unknown) => unknown).call(instance, message, ctx),
    });
  }
  if (meta.stateless && meta.kind !== 'entity') throw new InvalidOptionsError(cls.name, 'stateless applies to entity actors only');
  const hook = (instance as Partial<OnRefusal>).onRefusal;
  const onRefusal = typeof hook === 'function' ? async (r: Refusal, c: RefusalContext) => hook.call(instance, r, c) : undefined;
  return { type: meta.type, kind: meta.kind, stateless: meta.stateless, instance, handlers, ...(onRefusal ? { onRefusal } : {}) };
}
