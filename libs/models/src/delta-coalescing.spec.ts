import { setTimeout as sleep } from 'node:timers/promises';
import { coalesceDeltas } from './delta-coalescing';

async function collect(source: AsyncIterable<string>, maxChars?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const d of coalesceDeltas(source, maxChars)) out.push(d);
  return out;
}

async function* ready(words: string[]): AsyncGenerator<string> {
  for (const w of words) yield w;
}

async function* apart(words: string[], ms: number): AsyncGenerator<string> {
  for (const [i, w] of words.entries()) {
    if (i > 0) await sleep(ms);
    yield w;
  }
}

describe('coalesceDeltas', () => {
  it('sends deltas that are ready together as one', async () => {
    expect(await collect(ready(['Hello', ' there', ', how', ' are', ' you?']))).toEqual(['Hello there, how are you?']);
  });

  it('sends deltas that come apart in time one by one, in order', async () => {
    expect(await collect(apart(['a', 'b', 'c'], 5))).toEqual(['a', 'b', 'c']);
  });

  it('caps a coalesced delta at maxChars without losing or reordering text', async () => {
    const out = await collect(ready(['abc', 'def', 'ghi', 'jkl']), 6);
    expect(out).toEqual(['abcdef', 'ghijkl']);
  });

  it('gives the text before an error, then the error', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield 'part';
      yield ' two';
      throw new Error('model broke');
    }
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const d of coalesceDeltas(failing())) got.push(d);
      })(),
    ).rejects.toThrow('model broke');
    expect(got).toEqual(['part two']);
  });

  it('yields nothing for an empty stream', async () => {
    expect(await collect(ready([]))).toEqual([]);
  });

  it('closes the source when the reader leaves early', async () => {
    let closed = false;
    async function* endless(): AsyncGenerator<string> {
      try {
        for (let i = 0; ; i++) {
          await sleep(2);
          yield String(i);
        }
      } finally {
        closed = true;
      }
    }
    for await (const d of coalesceDeltas(endless())) if (d === '1') break;
    expect(closed).toBe(true);
  });
});
