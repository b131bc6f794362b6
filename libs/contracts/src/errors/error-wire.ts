import { InvalidMessageError, UnknownActorTypeError, UnknownMessageTypeError } from './api-errors';
import { WARREN_ERROR_CODES, type WarrenErrorCode } from './error-codes';
import { ActorOverloadedError, AskTimeoutError, BudgetExceededError, CancelledError, RateLimitedError } from './runtime-errors';
import { WarrenError, WarrenRuntimeError } from './warren.error';

/** An error as it crosses the wire (reply bodies, `failed` events, `x-warren-error`). */
export interface WireError {
  code: string;
  name: string;
  message: string;
  retryable: boolean;
  /** First lines of the stack, for operators; never shown to end users. */
  stackHead?: string;
  details?: Record<string, unknown>;
}

/**
 * A handler's error that arrived from another node; `code` and `name` are the remote ones. The code
 * is passed on unchanged even when it is not in this node's catalog (a newer node's, an app's own).
 */
export class RemoteError extends WarrenRuntimeError {
  constructor(
    readonly remoteName: string,
    message: string,
    code: string,
    retryable: boolean,
    readonly details?: Record<string, unknown>,
  ) {
    super(message, code as WarrenErrorCode, { retryable });
  }
}

const STACK_LINES = 6;

/** Serialises any thrown value for the wire, keeping the Warren code when there is one. */
export function toWireError(err: unknown): WireError {
  if (err instanceof RemoteError) {
    // Passed on from another hop: keep the original class name and details.
    return {
      code: err.code,
      name: err.remoteName,
      message: err.message,
      retryable: err.retryable,
      stackHead: stackHead(err),
      ...(err.details ? { details: err.details } : {}),
    };
  }
  if (err instanceof WarrenError) {
    const details = collectDetails(err);
    return {
      code: err.code,
      name: err.name,
      message: err.message,
      retryable: err.retryable,
      stackHead: stackHead(err),
      ...(details ? { details } : {}),
    };
  }
  if (err instanceof Error) {
    return { code: WARREN_ERROR_CODES.HANDLER_FAILED, name: err.name, message: err.message, retryable: true, stackHead: stackHead(err) };
  }
  return { code: WARREN_ERROR_CODES.HANDLER_FAILED, name: 'Error', message: String(err), retryable: true };
}

/**
 * Rebuilds a typed error from the wire: well-known codes come back as their own class
 * (so `instanceof AskTimeoutError` works across nodes), others as `RemoteError` with the code.
 */
export function fromWireError(wire: WireError): WarrenError {
  const d = wire.details ?? {};
  let err: WarrenError;
  switch (wire.code) {
    case WARREN_ERROR_CODES.ACTOR_OVERLOADED:
      err = new ActorOverloadedError(String(d.address ?? ''), Number(d.mailboxSize ?? 0));
      break;
    case WARREN_ERROR_CODES.ASK_TIMEOUT:
      err = new AskTimeoutError(String(d.address ?? ''), String(d.messageType ?? ''), Number(d.timeoutMs ?? 0));
      break;
    case WARREN_ERROR_CODES.INVALID_MESSAGE:
      err = new InvalidMessageError(wire.message, Array.isArray(d.violations) ? (d.violations as never) : []);
      break;
    case WARREN_ERROR_CODES.UNKNOWN_ACTOR_TYPE:
      err = new UnknownActorTypeError(String(d.actorType ?? ''));
      break;
    case WARREN_ERROR_CODES.UNKNOWN_MESSAGE_TYPE:
      err = new UnknownMessageTypeError(String(d.actorType ?? ''), String(d.messageType ?? ''));
      break;
    case WARREN_ERROR_CODES.CANCELLED:
      err = new CancelledError(wire.message);
      break;
    case WARREN_ERROR_CODES.RATE_LIMITED:
      err = new RateLimitedError(String(d.scope ?? ''), Number(d.retryAfterMs ?? 0));
      break;
    case WARREN_ERROR_CODES.BUDGET_EXCEEDED:
      err = new BudgetExceededError(
        String(d.scope ?? ''),
        d.period === 'monthly' ? 'monthly' : 'daily',
        Number(d.limit ?? 0),
        Number(d.used ?? 0),
        String(d.resetsAt ?? ''),
      );
      break;
    default:
      return new RemoteError(wire.name, wire.message, wire.code, wire.retryable, wire.details);
  }
  err.message = wire.message;
  return err;
}

function stackHead(err: Error): string | undefined {
  return err.stack?.split('\n').slice(0, STACK_LINES).join('\n');
}

/** Typed readonly context fields (address, timeoutMs, …) travel as `details`. */
function collectDetails(err: WarrenError): Record<string, unknown> | undefined {
  const skip = new Set(['code', 'retryable', 'name', 'message', 'stack', 'cause']);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) {
    if (!skip.has(k) && v !== undefined && typeof v !== 'function') out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
