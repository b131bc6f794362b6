import 'reflect-metadata';
import type { MessageClass } from '@warren/contracts';

/** Metadata key of `@Handle` (on the class: the list of handled methods). */
export const HANDLERS_METADATA = Symbol('warren:handlers');

/** Options of `@Handle`. */
export interface HandleOptions {
  /**
   * Runs even while another handler of the same activation awaits (Orleans' AlwaysInterleave):
   * for interrupts and queries. Saves stay one at a time.
   * @default false
   */
  interleave?: boolean;
  /**
   * Hands the handler the message's raw `data` (not validated, not a class instance), for
   * handlers that validate themselves to answer invalid input in their own way (the ingress
   * router publishes a `failed` event before it refuses).
   * @default false
   */
  raw?: boolean;
}

/** One `@Handle` as stored on the class. */
export interface HandlerMetadata {
  methodName: string | symbol;
  messageClass: MessageClass;
  interleave: boolean;
  raw: boolean;
}

/** Marks a method as the handler of `messageClass` (a class with `@Message(type)`). */
export function Handle(messageClass: MessageClass, options: HandleOptions = {}): MethodDecorator {
  return (target, methodName) => {
    const ctor = target.constructor;
    const list = (Reflect.getOwnMetadata(HANDLERS_METADATA, ctor) as HandlerMetadata[] | undefined) ?? [];
    list.push({ methodName, messageClass, interleave: options.interleave ?? false, raw: options.raw ?? false });
    Reflect.defineMetadata(HANDLERS_METADATA, list, ctor);
  };
}

/** All `@Handle` methods of a class, including inherited ones. */
export function getHandlerMetadata(cls: Function): HandlerMetadata[] {
  const out: HandlerMetadata[] = [];
  for (let c: Function | null = cls; c && c !== Object; c = Object.getPrototypeOf(c) as Function | null) {
    out.push(...((Reflect.getOwnMetadata(HANDLERS_METADATA, c) as HandlerMetadata[] | undefined) ?? []));
  }
  return out;
}
