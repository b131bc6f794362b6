import { WARREN_ERROR_CODES, type WarrenErrorCode } from './error-codes';
import { WarrenApiError } from './warren.error';

/** One field that failed validation. */
export interface FieldViolation {
  field: string;
  constraints: string[];
}

/** Options or configuration that cannot work; `key` names the offending setting. */
export class InvalidOptionsError extends WarrenApiError {
  constructor(
    readonly key: string,
    reason: string,
    code: WarrenErrorCode = WARREN_ERROR_CODES.INVALID_OPTIONS,
  ) {
    super(`${key}: ${reason}`, code);
  }
}

/** An actor address that is not `<type>/<key>` or whose key has characters the wire does not allow. */
export class InvalidAddressError extends WarrenApiError {
  constructor(
    readonly address: string,
    reason: string,
  ) {
    super(`invalid actor address "${address}": ${reason}`, WARREN_ERROR_CODES.INVALID_ADDRESS);
  }
}

/** A message that is not valid for its class, or not a message at all. Never retried. */
export class InvalidMessageError extends WarrenApiError {
  constructor(
    message: string,
    readonly violations: FieldViolation[] = [],
  ) {
    super(message, WARREN_ERROR_CODES.INVALID_MESSAGE);
  }
}

/** No actor class is registered for this type. */
export class UnknownActorTypeError extends WarrenApiError {
  constructor(readonly actorType: string) {
    super(`no actor is registered for type "${actorType}"`, WARREN_ERROR_CODES.UNKNOWN_ACTOR_TYPE);
  }
}

/** The actor has no handler for this message type. */
export class UnknownMessageTypeError extends WarrenApiError {
  constructor(
    readonly actorType: string,
    readonly messageType: string,
  ) {
    super(`actor type "${actorType}" has no handler for "${messageType}"`, WARREN_ERROR_CODES.UNKNOWN_MESSAGE_TYPE);
  }
}

/** No valid credentials (HTTP 401). */
export class UnauthorizedError extends WarrenApiError {
  constructor(message = 'a valid API key is required (Authorization: Bearer <key>)') {
    super(message, WARREN_ERROR_CODES.UNAUTHORIZED);
  }
}

/** Valid credentials without the right to do this (HTTP 403). */
export class ForbiddenError extends WarrenApiError {
  constructor(message = 'this key may not do that') {
    super(message, WARREN_ERROR_CODES.FORBIDDEN);
  }
}

/** A request body larger than the receiver reads (HTTP 413); `limitBytes` is the limit. */
export class PayloadTooLargeError extends WarrenApiError {
  constructor(readonly limitBytes: number) {
    super(`the request body is larger than the limit of ${limitBytes} bytes`, WARREN_ERROR_CODES.PAYLOAD_TOO_LARGE);
  }
}

/**
 * A request body the receiver cannot read (HTTP 415): `header` (`content-type`, `charset`,
 * `content-encoding`) has `value` (empty: it is missing); `expected` says what is read instead.
 */
export class UnsupportedMediaTypeError extends WarrenApiError {
  constructor(
    readonly header: string,
    readonly value: string,
    readonly expected: string,
  ) {
    const what = value === '' ? `a request body without a ${header} is not read` : `${header} ${JSON.stringify(value)} is not supported`;
    super(`${what}: ${expected}`, WARREN_ERROR_CODES.UNSUPPORTED_MEDIA_TYPE);
  }
}
