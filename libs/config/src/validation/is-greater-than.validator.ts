import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';

/**
 * The decorated number must be greater than the sibling property `other` (a cross-field rule).
 * `reason` explains why, so the error tells the operator what to change.
 */
export function IsGreaterThan(other: string, reason: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isGreaterThan',
      constraints: [other],
      validator: {
        validate(value: unknown, args?: ValidationArguments): boolean {
          const sibling = (args?.object as Record<string, unknown> | undefined)?.[other];
          // The sibling's own rules report a bad sibling; only compare two numbers.
          if (typeof value !== 'number' || typeof sibling !== 'number') return true;
          return value > sibling;
        },
        defaultMessage(args?: ValidationArguments): string {
          const sibling = (args?.object as Record<string, unknown> | undefined)?.[other];
          return `must be greater than ${other} (${String(sibling)}): ${reason}`;
        },
      },
    },
    options,
  );
}
