import { type ValidationError, ValidationPipe } from '@nestjs/common';
import { type FieldViolation, InvalidMessageError } from '@warren/contracts';

/** class-validator errors as field violations; nested fields get dotted paths (`a.b`). */
export function toFieldViolations(errors: ValidationError[], parent = ''): FieldViolation[] {
  const out: FieldViolation[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) out.push({ field, constraints: Object.values(e.constraints) });
    if (e.children?.length) out.push(...toFieldViolations(e.children, field));
  }
  return out;
}

/** An `InvalidMessageError` naming every wrong field: answered as 400 `WARREN_INVALID_MESSAGE` with `fields`. */
export function invalidRequest(violations: FieldViolation[]): InvalidMessageError {
  const message = violations.map((v) => v.constraints[0] ?? `${v.field} is invalid`).join('; ');
  return new InvalidMessageError(message || 'the request is invalid', violations);
}

/**
 * Validates bodies, params and queries against their DTO classes (class-validator): unknown
 * body fields are refused, query strings are converted by the DTOs' `@Type`.
 */
export function gatewayValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => invalidRequest(toFieldViolations(errors)),
  });
}
