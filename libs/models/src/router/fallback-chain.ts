import { WARREN_ERROR_CODES } from '@warren/contracts';

/** Codes after which another endpoint may well answer (besides any error marked `retryable`). */
const FALL_THROUGH = new Set<string>([
  WARREN_ERROR_CODES.MODEL_UNAVAILABLE,
  WARREN_ERROR_CODES.ASK_TIMEOUT,
  WARREN_ERROR_CODES.CONNECTION_LOST,
  WARREN_ERROR_CODES.ACTOR_OVERLOADED,
  WARREN_ERROR_CODES.NO_ROUTE,
  WARREN_ERROR_CODES.RATE_LIMITED,
]);

/** The code of an error (local or a `RemoteError` from another node). */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when trying another endpoint may help: retryable errors, timeouts, unreachable or overloaded endpoints. */
export function fallsThrough(error: unknown): boolean {
  const code = errorCode(error);
  if (code === WARREN_ERROR_CODES.CANCELLED) return false;
  if (code !== undefined && FALL_THROUGH.has(code)) return true;
  return (error as { retryable?: unknown } | null)?.retryable === true;
}

/** The next endpoint of a chain and why. */
export interface NextEndpoint {
  endpoint: string;
  why: 'fallback' | 'larger-context';
}

/**
 * Walks a routing chain as calls fail. A retryable error or a timeout goes to the next endpoint
 * not yet tried; `WARREN_CONTEXT_TOO_LONG` goes to the untried endpoint of the chain (else of
 * `contextWindows`) with the smallest window larger than the failed one's; any other error ends
 * the chain (the request itself is refused: another endpoint would refuse it too).
 */
export class FallbackChain {
  private readonly tried = new Set<string>();

  constructor(
    readonly chain: readonly string[],
    private readonly contextWindows: Readonly<Record<string, number>> = {},
  ) {}

  /** Marks an endpoint as called. */
  use(endpoint: string): void {
    this.tried.add(endpoint);
  }

  /** Where to go after `failed` failed with `error`; undefined when the chain is exhausted or the error is final. */
  next(failed: string, error: unknown): NextEndpoint | undefined {
    this.tried.add(failed);
    if (errorCode(error) === WARREN_ERROR_CODES.CONTEXT_TOO_LONG) {
      const failedWindow = this.windowOf(failed, error);
      const larger = (names: readonly string[]) =>
        names
          .filter((e) => !this.tried.has(e) && (this.contextWindows[e] ?? 0) > failedWindow)
          .sort((a, b) => (this.contextWindows[a] ?? 0) - (this.contextWindows[b] ?? 0))[0];
      const endpoint = larger(this.chain) ?? larger(Object.keys(this.contextWindows));
      return endpoint ? { endpoint, why: 'larger-context' } : undefined;
    }
    if (!fallsThrough(error)) return undefined;
    const endpoint = this.chain.find((e) => !this.tried.has(e));
    return endpoint ? { endpoint, why: 'fallback' } : undefined;
  }

  /** The failed endpoint's window: configured, else from the error's details, else 0 (any known window is larger). */
  private windowOf(endpoint: string, error: unknown): number {
    const known = this.contextWindows[endpoint];
    if (known !== undefined) return known;
    const e = error as { contextWindow?: unknown; details?: { contextWindow?: unknown } };
    const w = e.contextWindow ?? e.details?.contextWindow;
    return typeof w === 'number' ? w : 0;
  }
}
