import { orderedFanOut } from './ordered-fan-out';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('orderedFanOut()', () => {
  it('keeps the order within a lane, runs lanes in parallel up to the bound, answers in input order', async () => {
    const items = ['a1', 'b1', 'a2', 'c1', 'b2', 'a3', 'c2'];
    const seen: string[] = [];
    let running = 0;
    let most = 0;
    const out = await orderedFanOut(
      items,
      (s) => s[0] as string,
      2,
      async (s) => {
        running++;
        most = Math.max(most, running);
        await tick(s.startsWith('a') ? 5 : 1);
        seen.push(s);
        running--;
        return s.toUpperCase();
      },
      () => 'blocked',
    );
    expect(out).toEqual(items.map((s) => s.toUpperCase()));
    for (const lane of ['a', 'b', 'c']) expect(seen.filter((s) => s.startsWith(lane))).toEqual(items.filter((s) => s.startsWith(lane)));
    expect(most).toBe(2);
  });

  it('stops a lane at its first failure and blocks the rest of it, other lanes go on', async () => {
    const done: string[] = [];
    const out = await orderedFanOut(
      ['a1', 'b1', 'a2', 'a3', 'b2'],
      (s) => s[0] as string,
      4,
      async (s) => {
        if (s === 'a2') throw new Error('nack');
        done.push(s);
        return 'ok';
      },
      (s, e, cause) => `${cause ? 'failed' : 'blocked'} ${s}: ${(e as Error).message}`,
    );
    expect(out).toEqual(['ok', 'ok', 'failed a2: nack', 'blocked a3: nack', 'ok']);
    expect(done.sort()).toEqual(['a1', 'b1', 'b2']);
  });

  it('does nothing for no items', async () => {
    expect(
      await orderedFanOut(
        [],
        () => 'x',
        3,
        async () => 1,
        () => 0,
      ),
    ).toEqual([]);
  });
});
