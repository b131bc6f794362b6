import { InvalidMessageError, type MessageClass } from '@warren/contracts';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';

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
