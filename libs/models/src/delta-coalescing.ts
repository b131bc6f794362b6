/** The most characters one coalesced delta carries. */
export const MAX_COALESCED_CHARS = 4096;

const NOT_YET = Symbol('not-yet');

/**
 * Deltas that are ready together go out as one. After each delta the next one is awaited until
 * the event loop moves on (one `setImmediate`): a model that produces several deltas at once (a
 * network read holding several server-sent events, the local model at zero latency) sends one
 * message and one `delta` event instead of one per word, while deltas that arrive apart in time
 * still go out one by one, each as soon as it comes. Text is never reordered, dropped or held
 * back longer than that one turn of the event loop; an error comes after the text before it.
 */
export async function* coalesceDeltas(
  source: AsyncIterable<string>,
  maxChars: number = MAX_COALESCED_CHARS,
): AsyncGenerator<string, void, undefined> {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<string>> | undefined;
  let finished = false;
  try {
    for (;;) {
      const first = await (pending ?? it.next());
      pending = undefined;
      if (first.done) {
        finished = true;
        return;
      }
      let text = first.value;
      while (text.length < maxChars) {
        const next = it.next();
        let now: IteratorResult<string> | typeof NOT_YET;
        try {
          now = await readyNow(next);
        } catch (error) {
          finished = true;
          yield text;
          throw error;
        }
        if (now === NOT_YET) {
          pending = next;
          break;
        }
        if (now.done) {
          finished = true;
          yield text;
          return;
        }
        text += now.value;
      }
      yield text;
    }
  } finally {
    // Left early (the asker went away, an interrupt): close the source so it stops producing.
    if (!finished) {
      pending?.catch(() => undefined);
      await it.return?.();
    }
  }
}

/** The result of `p` if it settles before the event loop's next turn, else NOT_YET (p goes on). */
function readyNow<T>(p: Promise<T>): Promise<T | typeof NOT_YET> {
  return new Promise((resolve, reject) => {
    const timer = setImmediate(() => resolve(NOT_YET));
    p.then(
      (value) => {
        clearImmediate(timer);
        resolve(value);
      },
      (error) => {
        clearImmediate(timer);
        reject(error);
      },
    );
  });
}
