import { Writable } from 'node:stream';
import { coalesceWrites } from './write-coalescing';

/** A writable that records each chunk batch it is asked to write (writev when corked). */
function recorder(): { stream: Writable; batches: string[][] } {
  const batches: string[][] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      batches.push([String(chunk)]);
      cb();
    },
    writev(chunks, cb) {
      batches.push(chunks.map((c) => String(c.chunk)));
      cb();
    },
  });
  return { stream, batches };
}

describe('coalesceWrites', () => {
  it('writes what one tick wrote as one batch, in order', async () => {
    const { stream, batches } = recorder();
    coalesceWrites(stream);
    stream.write('a');
    stream.write('b');
    stream.write('c');
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([['a', 'b', 'c']]);
    stream.write('d');
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('gathers the writes made across promise jobs of the same pass', async () => {
    const { stream, batches } = recorder();
    coalesceWrites(stream);
    await new Promise<void>((resolve) => {
      setImmediate(async () => {
        stream.write('a');
        await Promise.resolve();
        stream.write('b');
        await new Promise<void>((r) => process.nextTick(r));
        stream.write('c');
        resolve();
      });
    });
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('is idempotent and keeps write callbacks and the return value', async () => {
    const { stream, batches } = recorder();
    coalesceWrites(stream);
    coalesceWrites(stream);
    const done = new Promise<void>((resolve) => expect(stream.write('x', () => resolve())).toBe(true));
    await done;
    expect(batches).toEqual([['x']]);
  });
});
