import 'reflect-metadata';
import { InvalidOptionsError } from '@warren/contracts';

/** Metadata key of `@Actor` (a Symbol, so nothing else can collide with it). */
export const ACTOR_METADATA = Symbol('warren:actor');

/**
 * Entity actors have one activation per address in the cluster, handle one message at a
 * time and keep state; worker actors are stateless pools of competing consumers.
 */
export type ActorKind = 'entity' | 'worker';

/** Options of `@Actor`. */
export interface ActorDecoratorOptions {
  /** @default 'entity' */
  kind?: ActorKind;
  /**
   * Entity actors only: one activation per key and order per key, but no state is loaded or
   * saved and no processed ids are kept (e.g. a router whose receivers deduplicate).
   * @default false
   */
  stateless?: boolean;
}

/** What `@Actor` stores on the class. */
export interface ActorMetadata {
  type: string;
  kind: ActorKind;
  stateless: boolean;
}

/**
 * Marks a Nest provider as an actor of `type` (`session`, `model`, …). The class is a
 * singleton: per-activation data lives in the handler's `ctx`, never on `this`.
 */
export function Actor(type: string, options: ActorDecoratorOptions = {}): ClassDecorator {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(type)) {
    throw new InvalidOptionsError('@Actor(type)', `"${type}" must match [a-z][a-z0-9-]*`);
  }
  const meta: ActorMetadata = { type, kind: options.kind ?? 'entity', stateless: options.stateless ?? false };
  return (target) => {
    Reflect.defineMetadata(ACTOR_METADATA, meta, target);
  };
}

/** The `@Actor` metadata of a class, or undefined. */
export function getActorMetadata(cls: Function): ActorMetadata | undefined {
  return Reflect.getMetadata(ACTOR_METADATA, cls) as ActorMetadata | undefined;
}
