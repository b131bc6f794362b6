import { pause, toCompletion } from './completion-stream';
import type { CompletionResult } from './model-endpoint.port';

const END: CompletionResult = { model: 'm', usage: { promptTokens: 1, completionTokens: 2 }, finishReason: 'stop' };
const CANCELLED: CompletionResult = { ...END, finishReason: 'cancelled' };

describe('toCompletion()', () => {
  it('toCompletion() yields the deltas and resolves result with the generator return value', async () => {
    const c = toCompletion(
      (async function* () {
        yield 'a';
        yield 'b';
        return END;
      })(),
      () => CANCELLED,
    );
    const out: string[] = [];
    for await (const d of c.deltas) out.push(d);
    expect(out).toEqual(['a', 'b']);
    await expect(c.result).resolves.toBe(END);
  });

  it('toCompletion() rejects result with the error deltas threw, and an unread rejection is not unhandled', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const boom = new Error('boom');
      const c = toCompletion(
        (async function* (): AsyncGenerator<string, CompletionResult, undefined> {
          yield 'a';
          throw boom;
        })(),
        () => CANCELLED,
      );
      const seen: string[] = [];
      await expect(
        (async () => {
          for await (const d of c.deltas) seen.push(d);
        })(),
      ).rejects.toBe(boom);
      expect(seen).toEqual(['a']);
      await new Promise((r) => setImmediate(r));
      expect(unhandled).not.toHaveBeenCalled();
      await expect(c.result).rejects.toBe(boom);
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('toCompletion() closes the generator and resolves result with abandoned() when the reader stops early', async () => {
    const closed = jest.fn();
    const c = toCompletion(
      (async function* () {
        try {
          yield 'a';
          yield 'b';
          return END;
        } finally {
          closed();
        }
      })(),
      () => CANCELLED,
    );
    for await (const _ of c.deltas) break;
    expect(closed).toHaveBeenCalledTimes(1);
    await expect(c.result).resolves.toBe(CANCELLED);
  });
});

describe('pause()', () => {
  it('pause() resolves true after the delay, false at once when aborted or already aborted', async () => {
    await expect(pause(1, new AbortController().signal)).resolves.toBe(true);
    const c = new AbortController();
    const p = pause(10_000, c.signal);
    c.abort();
    await expect(p).resolves.toBe(false);
    await expect(pause(10_000, c.signal)).resolves.toBe(false);
    await expect(pause(0, c.signal)).resolves.toBe(false);
  });
});
