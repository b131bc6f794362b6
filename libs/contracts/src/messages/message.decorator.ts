import 'reflect-metadata';

const MESSAGE_TYPE = Symbol('warren:message-type');
/** Every message class loaded in this process, by type (operators' edits are validated against it). */
const CLASSES_BY_TYPE = new Map<string, MessageClass>();

/** A message class: a constructor whose instances are validated with class-validator. */
export type MessageClass<T = object> = new (...args: never[]) => T;

/**
 * Names a message class with its CloudEvents `type` (e.g. `warren.session.message`).
 * The type is the wire identity: renaming the class does not change the contract.
 */
export function Message(type: string): ClassDecorator {
  if (!/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/.test(type)) {
    throw new TypeError(`@Message type "${type}" must look like "warren.<entity>.<kind>" (lower case, dot separated)`);
  }
  return (target) => {
    Reflect.defineMetadata(MESSAGE_TYPE, type, target);
    CLASSES_BY_TYPE.set(type, target as unknown as MessageClass);
  };
}

/** The CloudEvents type of a message class, or throws when the class has no `@Message`. */
export function messageTypeOf(cls: MessageClass): string {
  const type = Reflect.getMetadata(MESSAGE_TYPE, cls) as string | undefined;
  if (type === undefined) throw new TypeError(`${cls.name} has no @Message(type) decorator`);
  return type;
}

/** The message class of a CloudEvents type, when one was loaded in this process. */
export function messageClassOf(type: string): MessageClass | undefined {
  return CLASSES_BY_TYPE.get(type);
}
