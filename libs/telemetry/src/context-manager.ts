import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

let installed = false;

/**
 * Makes the active trace context follow async calls (AsyncLocalStorage), so a span started
 * around `ref.tell()` in a Nest controller is the parent of the message it sends. Idempotent.
 */
export function installContextManager(): void {
  if (installed) return;
  installed = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}
