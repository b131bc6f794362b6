import type { Completion, CompletionResult } from './model-endpoint.port';

/**
 * Turns an adapter's async generator (yields deltas, returns the result) into a
 * `Completion` with the port's guarantees: `result` settles with the generator's return
 * value or error; leaving `deltas` early closes the generator and resolves `result` with
 * `abandoned()` (the usage so far, `finishReason: 'cancelled'`).
 */
export function toCompletion(source: AsyncGenerator<string, CompletionResult, undefined>, abandoned: () => CompletionResult): Completion {
  let resolve: (value: CompletionResult) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const result = new Promise<CompletionResult>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A caller that reads only `deltas` sees the error there; its copy in `result` must not crash the process.
  result.catch(() => undefined);

  async function* deltas(): AsyncGenerator<string, void, undefined> {
    let settled = false;
    try {
      for (;;) {
        const next = await source.next();
        if (next.done) {
          settled = true;
          resolve(next.value);
          return;
        }
        yield next.value;
      }
    } catch (error) {
      settled = true;
      reject(error);
      throw error;
    } finally {
      if (!settled) {
        const end = abandoned();
        await source.return(end);
        resolve(end);
      }
    }
  }
  return { deltas: deltas(), result };
}

/** Waits `ms`; resolves false at once when `signal` aborts (or had aborted), true otherwise. */
export function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
