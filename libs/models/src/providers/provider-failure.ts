import { type ModelEndpointError, ModelUnavailableError } from '../errors/model.errors';
import { type CallContext, classifyErrorBody, classifyHttpError, networkError, type ProviderErrorBody } from './http-error-classifier';

/**
 * What went wrong in a provider SDK call, independent of the SDK: each adapter maps its SDK's
 * error classes onto one of these, and {@link modelErrorOf} gives Warren's error for it.
 */
export type ProviderFailure =
  /** The provider answered an HTTP error status. */
  | { kind: 'http'; status: number; body: ProviderErrorBody | undefined; headers: { get(name: string): string | null } }
  /** An error event inside a 200 stream (`data: {"error": …}`, Anthropic's `event: error`). */
  | { kind: 'stream-error'; body: ProviderErrorBody | undefined }
  /** The connection could not be made (refused, reset, DNS). */
  | { kind: 'connect'; cause: unknown }
  /** The SDK's own request timeout fired before the response headers. */
  | { kind: 'timeout' }
  /** An event of the stream was not JSON. */
  | { kind: 'malformed'; cause: unknown }
  /** The body broke off while being read (socket closed, stream error). */
  | { kind: 'cut'; cause: unknown };

/**
 * Warren's error for a provider failure: HTTP statuses and error bodies by `classifyHttpError` /
 * `classifyErrorBody` (context length and content policy are fatal whatever carries them), a
 * connection, timeout, malformed or cut stream as a retryable `ModelUnavailableError`.
 */
export function modelErrorOf(ctx: CallContext, failure: ProviderFailure, timeoutMs: number): ModelEndpointError {
  switch (failure.kind) {
    case 'http':
      return classifyHttpError(ctx, failure.status, failure.body, failure.headers);
    case 'stream-error': {
      const body = failure.body;
      return (
        classifyErrorBody(ctx, body) ??
        new ModelUnavailableError(ctx.endpoint, `error in the stream: ${body?.code ? `[${body.code}] ` : ''}${body?.message ?? 'unknown'}`)
      );
    }
    case 'connect':
      return networkError(ctx.endpoint, failure.cause, 'connect');
    case 'timeout':
      return new ModelUnavailableError(ctx.endpoint, `no response within ${timeoutMs} ms (timeoutMs)`);
    case 'malformed':
      return new ModelUnavailableError(ctx.endpoint, `malformed stream chunk (not JSON): ${messageOf(failure.cause)}`, {
        cause: failure.cause,
      });
    case 'cut':
      return networkError(ctx.endpoint, failure.cause, 'stream');
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
