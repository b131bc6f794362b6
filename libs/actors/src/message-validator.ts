import { compilePlainCheck, InvalidMessageError, type MessageClass, type PlainCheck } from '@warren/contracts';
import { plainToInstance } from 'class-transformer';
import type { MetadataStorage as TransformerMetadata } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, type ValidationError, validateSync } from 'class-validator';

// class-transformer keeps its decorators' metadata here and does not export it from its index.
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerMetadata };

/** The message a handler receives: a validated class instance, or the raw data for `raw` handlers. */
export function messageFor(handler: { messageClass: MessageClass; raw: boolean }, data: unknown): object {
  if (handler.raw) return (data ?? {}) as object;
  return toValidMessage(handler.messageClass, data ?? {});
}

/**
 * Turns a message's `data` into an instance of its class and validates it with
 * class-validator. Unknown properties are refused so typos do not pass silently.
 */
export function toValidMessage<T extends object>(cls: MessageClass<T>, data: unknown): T {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidMessageError(`${cls.name}: data must be a JSON object`, [{ field: 'data', constraints: ['must be an object'] }]);
  }
  const fast = fastPathOf(cls);
  if (fast?.(data)) return Object.assign(new (cls as new () => T)(), data);
  const instance = plainToInstance(cls as new () => T, data);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
  if (errors.length > 0) {
    const violations = flatten(errors);
    const summary = violations.map((v) => `${v.field}: ${v.constraints.join(', ')}`).join('; ');
    throw new InvalidMessageError(`${cls.name} is invalid: ${summary}`, violations);
  }
  return instance;
}

function flatten(errors: ValidationError[], prefix = ''): { field: string; constraints: string[] }[] {
  const out: { field: string; constraints: string[] }[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out.push({ field, constraints: Object.values(e.constraints) });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/**
 * Per message class: a check that says when `data` is valid as it is, so the message can be built
 * without class-transformer and class-validator's executor (~13–37 µs a message on the turn path,
 * under 1 µs this way). Only for classes where that gives the same instance
 * `plainToInstance` would: no class-transformer decorators (`@Type`, `@Transform`, `@Expose`,
 * `@Exclude`) and no accessor or method named like a property. Null when the class does not qualify.
 */
const FAST_PATHS = new WeakMap<MessageClass, PlainCheck | null>();

/** True when valid messages of this class skip class-transformer and class-validator's executor. */
export function hasFastPath(cls: MessageClass): boolean {
  return fastPathOf(cls) !== null;
}

function fastPathOf(cls: MessageClass): PlainCheck | null {
  let fast = FAST_PATHS.get(cls);
  if (fast === undefined) {
    fast = compileFastPath(cls) ?? null;
    FAST_PATHS.set(cls, fast);
  }
  return fast;
}

function compileFastPath(cls: MessageClass): PlainCheck | undefined {
  const check = compilePlainCheck(cls);
  if (!check) return undefined;
  if (defaultMetadataStorage.getStrategy(cls) !== 'none') return undefined;
  if (defaultMetadataStorage.getExposedMetadatas(cls).length > 0 || defaultMetadataStorage.getExcludedMetadatas(cls).length > 0)
    return undefined;
  const properties = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(cls, '', false, false)
      .map((m) => m.propertyName),
  );
  for (const property of properties) {
    if (property in cls.prototype) return undefined;
    if (defaultMetadataStorage.findTypeMetadata(cls, property)) return undefined;
    if (defaultMetadataStorage.findTransformMetadatas(cls, property, 0 /* PLAIN_TO_CLASS */).length > 0) return undefined;
  }
  return check;
}
