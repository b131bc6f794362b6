import { getMetadataStorage, type ValidationError } from 'class-validator';

/** One invalid setting: its dotted path, why, and the value found. */
export interface ConfigViolation {
  path: string;
  reason: string;
}

const MAX_SHOWN_VALUE = 80;

/** Flattens class-validator's error tree into one violation per setting, with full dotted paths. */
export function flattenViolations(errors: readonly ValidationError[], parent = ''): ConfigViolation[] {
  const out: ConfigViolation[] = [];
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const constraints = error.constraints ?? {};
    if (constraints.whitelistValidation !== undefined) {
      out.push({ path, reason: `unknown key (allowed: ${allowedKeys(error.target).join(', ')})` });
    } else {
      const messages = mainConstraints(constraints).map((m) => stripProperty(m, error.property));
      if (messages.length > 0) out.push({ path, reason: `${messages.join(', ')} (got ${showValue(error.value)})` });
    }
    if (error.children?.length) out.push(...flattenViolations(error.children, path));
  }
  return out;
}

/** The keys a config section class declares, in declaration order. */
export function allowedKeys(target: object | undefined): string[] {
  if (target === undefined) return [];
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target.constructor, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}

/** Shows a value in an error message: JSON, shortened, with URL passwords masked. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  const json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? maskUrlPassword(v) : v)) ?? String(value);
  return json.length > MAX_SHOWN_VALUE ? `${json.slice(0, MAX_SHOWN_VALUE - 1)}…` : json;
}

/** `amqp://user:secret@host` → `amqp://user:***@host`: config errors end up in logs. */
export function maskUrlPassword(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/i, '$1***@');
}

// A value of the wrong type fails every range rule too; its type is the one thing to say.
const TYPE_CONSTRAINTS = ['isObject', 'isArray', 'isInt', 'isString'];

function mainConstraints(constraints: Record<string, string>): string[] {
  const typeErrors = TYPE_CONSTRAINTS.filter((name) => constraints[name] !== undefined).map((name) => constraints[name]);
  return typeErrors.length > 0 ? typeErrors : Object.values(constraints).reverse();
}

// class-validator messages read "shardCount must not be less than 1" or
// "each value in entityBackoffMs must be ..."; the path is printed separately.
function stripProperty(message: string, property: string): string {
  if (message.startsWith(`${property} `)) return message.slice(property.length + 1);
  return message.replace(` in ${property} `, ' ');
}
