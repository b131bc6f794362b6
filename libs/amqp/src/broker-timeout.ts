import { BrokerUnavailableError } from '@warren/contracts';

/**
 * RabbitMQ did not answer an operation (a declare, a bind, a consume, a channel open or close, the
 * connection handshake) within its limit. Same code as every broker outage,
 * `WARREN_BROKER_UNAVAILABLE`, so callers and the wire treat it as one; `operation` and `timeoutMs`
 * say which wait ran out.
 */
export class BrokerTimeoutError extends BrokerUnavailableError {
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`RabbitMQ did not answer ${operation} within ${timeoutMs} ms`);
  }
}

/**
 * Resolves or rejects as `op` does, or rejects with `BrokerTimeoutError` after `timeoutMs`
 * (`onTimeout` runs first: e.g. drop the connection whose channel stopped answering). A late
 * result of `op` is ignored; its late rejection is swallowed.
 */
export function withTimeout<T>(
  op: Promise<T>,
  timeoutMs: number,
  operation: string,
  onTimeout?: (error: BrokerTimeoutError) => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new BrokerTimeoutError(operation, timeoutMs);
      onTimeout?.(error);
      reject(error);
    }, timeoutMs);
  });
  op.catch(() => undefined);
  return Promise.race([op, expired]).finally(() => clearTimeout(timer));
}
