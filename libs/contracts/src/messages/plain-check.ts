import { getMetadataStorage, type ValidationArguments } from 'class-validator';

/**
 * True when a plain value would pass class-validator for the class unchanged (`whitelist` and
 * `forbidNonWhitelisted`, as the gateway's pipe and actor message validation use it); false when it might not.
 */
export type PlainCheck = (value: unknown) => boolean;

interface PropertyRules {
  property: string;
  /** `@IsOptional()` and the like: the rules are skipped when one of these says no. */
  conditions: ((object: object, value: unknown) => boolean)[];
  rules: { validate(value: unknown, args: ValidationArguments): unknown; constraints: unknown[] }[];
}

/**
 * A synchronous check of a plain JSON object against a class, built from the class's own
 * class-validator metadata and calling the same constraint functions (`isString`, `minLength`,
 * `matches`, `isIn`, …) class-validator calls. It answers true only when class-validator would accept
 * the object as it is: no property the class does not declare (`forbidNonWhitelisted`), every rule
 * passed. Anything else, or a class with rules it does not know how to run the same way (nested,
 * `each`, groups, `validateIf`, async constraints, `@IsDefined`), gives false, and the caller takes
 * the full path. Undefined when the class has such rules: the fast path is then never taken.
 */
export function compilePlainCheck(dto: abstract new (...args: never[]) => object): PlainCheck | undefined {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(dto, '', false, false);
  if (metadatas.length === 0) return undefined;
  const byProperty = new Map<string, PropertyRules>();
  for (const m of metadatas) {
    if (m.each || m.always || (m.groups && m.groups.length > 0) || m.validateIf) return undefined;
    let entry = byProperty.get(m.propertyName);
    if (!entry) {
      entry = { property: m.propertyName, conditions: [], rules: [] };
      byProperty.set(m.propertyName, entry);
    }
    if (m.type === 'conditionalValidation') {
      const condition = m.constraints?.[0];
      if (typeof condition !== 'function') return undefined;
      entry.conditions.push(condition as (object: object, value: unknown) => boolean);
    } else if (m.type === 'customValidation') {
      const constraints = storage.getTargetValidatorConstraints(m.constraintCls);
      if (constraints.length === 0) return undefined;
      for (const c of constraints) {
        if (c.async) return undefined;
        // `instance` looks the constraint up in class-validator's container on every read: once is enough.
        const instance = c.instance;
        entry.rules.push({ validate: (value, args) => instance.validate(value, args), constraints: m.constraints ?? [] });
      }
    } else {
      return undefined;
    }
  }
  const properties = [...byProperty.values()];
  const known = new Set(byProperty.keys());
  const targetName = dto.name;
  return (value: unknown): boolean => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype)
      return false;
    const object = value as Record<string, unknown>;
    for (const key in object) if (!known.has(key)) return false;
    for (const { property, conditions, rules } of properties) {
      const v = object[property];
      let skip = false;
      for (const condition of conditions) if (!condition(object, v)) skip = true;
      if (skip) continue;
      for (const rule of rules) {
        if (rule.validate(v, { targetName, property, object, value: v, constraints: rule.constraints }) !== true) return false;
      }
    }
    return true;
  };
}
