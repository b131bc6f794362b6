import { WARREN_ERROR_CODES } from './error-codes';
import { WarrenApiError, type WarrenErrorOptions, WarrenRuntimeError } from './warren.error';

/** An ask got no reply within `timeoutMs`. */
export class AskTimeoutError extends WarrenRuntimeError {
  constructor(
    readonly address: string,
    readonly messageType: string,
    readonly timeoutMs: number,
  ) {
    super(`ask ${messageType} to ${address} got no reply within ${timeoutMs} ms`, WARREN_ERROR_CODES.ASK_TIMEOUT, {
      retryable: true,
    });
  }
}

/** The target actor's mailbox is full: the message was refused, not dropped. */
export class ActorOverloadedError extends WarrenRuntimeError {
  constructor(
    readonly address: string,
    readonly mailboxSize: number,
  ) {
    super(`actor ${address} is overloaded (mailbox of ${mailboxSize} is full)`, WARREN_ERROR_CODES.ACTOR_OVERLOADED, {
      retryable: true,
    });
  }
}

/** The broker could not be reached within the allowed time. */
export class BrokerUnavailableError extends WarrenRuntimeError {
  constructor(message: string, options: WarrenErrorOptions = {}) {
    super(message, WARREN_ERROR_CODES.BROKER_UNAVAILABLE, { retryable: true, ...options });
  }
}

/** The connection or channel carrying this operation was lost (pending asks fail with this at once). */
export class ConnectionLostError extends WarrenRuntimeError {
  constructor(message = 'the connection to the broker was lost', options: WarrenErrorOptions = {}) {
    super(message, WARREN_ERROR_CODES.CONNECTION_LOST, { retryable: true, ...options });
  }
}

/** The broker nacked a publish. */
export class PublishRejectedError extends WarrenRuntimeError {
  constructor(
    readonly exchange: string,
    readonly routingKey: string,
  ) {
    super(`the broker rejected a publish to ${exchange || '(default)'}/${routingKey}`, WARREN_ERROR_CODES.PUBLISH_REJECTED, {
      retryable: true,
    });
  }
}

/** A mandatory publish had no queue to go to (returned by the broker). */
export class NoRouteError extends WarrenRuntimeError {
  constructor(
    readonly exchange: string,
    readonly routingKey: string,
  ) {
    super(`no queue is bound for ${exchange || '(default)'}/${routingKey}`, WARREN_ERROR_CODES.NO_ROUTE);
  }
}

/** Optimistic concurrency: the actor's state changed since it was loaded. Never overwrite: reload. */
export class StateConflictError extends WarrenRuntimeError {
  constructor(
    readonly address: string,
    readonly expectedVersion: number,
  ) {
    super(`state of ${address} is no longer at version ${expectedVersion}`, WARREN_ERROR_CODES.STATE_CONFLICT, {
      retryable: true,
    });
  }
}

/** The state store could not be reached or failed. */
export class StoreUnavailableError extends WarrenRuntimeError {
  constructor(message: string, options: WarrenErrorOptions = {}) {
    super(message, WARREN_ERROR_CODES.STORE_UNAVAILABLE, { retryable: true, ...options });
  }
}

/**
 * The embedded store's data directory belongs to another machine (its `host` marker names it).
 * The embedded store is one machine only: runtimes on several machines share state through
 * MongoDB (`MONGO_URL`). Not retryable.
 */
export class EmbeddedStoreElsewhereError extends WarrenRuntimeError {
  constructor(
    readonly dataDir: string,
    readonly markedHost: string,
    readonly thisHost: string,
  ) {
    super(
      `the embedded store in ${dataDir} is used by host "${markedHost}", not this one ("${thisHost}"): ` +
        'the embedded store is one machine only; runtimes on several machines need MongoDB (set MONGO_URL). ' +
        `If the data directory really moved to this machine, delete ${dataDir}/host.`,
      WARREN_ERROR_CODES.STORE_ELSEWHERE,
      { retryable: false },
    );
  }
}

/** A document is larger than the store accepts. */
export class DocumentTooLargeError extends WarrenApiError {
  constructor(
    readonly collection: string,
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(`${collection} document of ${sizeBytes} bytes exceeds the limit of ${limitBytes}`, WARREN_ERROR_CODES.DOCUMENT_TOO_LARGE);
  }
}

/** A status change that the lifecycle does not allow (e.g. completed → running). */
export class InvalidTransitionError extends WarrenApiError {
  constructor(
    readonly entity: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`${entity} cannot go from ${from} to ${to}`, WARREN_ERROR_CODES.INVALID_TRANSITION);
  }
}

/** A record asked for by id does not exist. */
export class NotFoundError extends WarrenApiError {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} not found`, WARREN_ERROR_CODES.NOT_FOUND);
  }
}

/** Work was cancelled (interrupt, control-plane cancel, shutdown). */
export class CancelledError extends WarrenRuntimeError {
  constructor(message = 'cancelled', options: WarrenErrorOptions = {}) {
    super(message, WARREN_ERROR_CODES.CANCELLED, options);
  }
}

/**
 * This node no longer hosts `address`: its shard moved to another node or the connection that fed
 * it was lost. Nothing more is saved or published for it here (fencing); the message goes back to
 * the queue and the actor's new owner handles it.
 */
export class ActivationLostError extends WarrenRuntimeError {
  constructor(readonly address: string) {
    super(`${address} is no longer hosted on this node; its new owner takes the work`, WARREN_ERROR_CODES.ACTIVATION_LOST, {
      retryable: true,
    });
  }
}

/** A rate limit refused the work; `retryAfterMs` says when capacity is expected back. */
export class RateLimitedError extends WarrenRuntimeError {
  constructor(
    readonly scope: string,
    readonly retryAfterMs: number,
  ) {
    super(`rate limit of ${scope} reached; retry in ${retryAfterMs} ms`, WARREN_ERROR_CODES.RATE_LIMITED, { retryable: true });
  }
}

/**
 * `WARREN_BUDGET_EXCEEDED`: a tenant's daily or monthly token budget is used up. Not retryable
 * (waiting seconds does not help; `resetsAt`, an ISO-8601 UTC time, says when the period ends).
 * `used` is what was settled in the period so far; the refused request would have cost more than
 * `limit - used`.
 */
export class BudgetExceededError extends WarrenRuntimeError {
  constructor(
    /** The limiter, `limiter/<tenant>`. */
    readonly scope: string,
    readonly period: 'daily' | 'monthly',
    readonly limit: number,
    readonly used: number,
    readonly resetsAt: string,
  ) {
    super(`${period} token budget of ${scope} used up (${used} of ${limit}); resets at ${resetsAt}`, WARREN_ERROR_CODES.BUDGET_EXCEEDED);
  }
}
