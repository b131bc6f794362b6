import { Mailbox } from './mailbox';

describe('Mailbox', () => {
  it('Mailbox#take() returns items in the order they were offered', () => {
    const box = new Mailbox<number>(10);
    for (const n of [1, 2, 3]) expect(box.offer(n)).toBe(true);
    expect(box.size).toBe(3);
    expect([box.take(), box.take(), box.take()]).toEqual([1, 2, 3]);
    expect(box.isEmpty).toBe(true);
  });

  it('Mailbox#offer() refuses when full and keeps every accepted item', () => {
    const box = new Mailbox<string>(2);
    expect(box.offer('a')).toBe(true);
    expect(box.offer('b')).toBe(true);
    expect(box.offer('c')).toBe(false);
    expect(box.size).toBe(2);
    expect(box.drain()).toEqual(['a', 'b']);
  });

  it('Mailbox#offer() accepts again once a take() makes room', () => {
    const box = new Mailbox<string>(1);
    box.offer('a');
    expect(box.offer('b')).toBe(false);
    expect(box.take()).toBe('a');
    expect(box.offer('b')).toBe(true);
    expect(box.take()).toBe('b');
  });

  it('Mailbox#take() on an empty mailbox returns undefined and changes nothing', () => {
    const box = new Mailbox<number>(3);
    expect(box.take()).toBeUndefined();
    expect(box.size).toBe(0);
    expect(box.isEmpty).toBe(true);
    box.offer(7);
    box.take();
    expect(box.take()).toBeUndefined();
    expect(box.size).toBe(0);
  });

  it('Mailbox#drain() returns what is waiting, oldest first, and empties the mailbox', () => {
    const box = new Mailbox<number>(5);
    for (const n of [1, 2, 3, 4]) box.offer(n);
    box.take();
    expect(box.drain()).toEqual([2, 3, 4]);
    expect(box.isEmpty).toBe(true);
    expect(box.take()).toBeUndefined();
    expect(box.drain()).toEqual([]);
    expect(box.offer(9)).toBe(true);
    expect(box.take()).toBe(9);
  });

  it('Mailbox#take() keeps FIFO order and the capacity bound across compactions after many takes', () => {
    const box = new Mailbox<number>(50);
    const taken: number[] = [];
    let next = 0;
    // Keep the mailbox partly full while thousands of items go through it, so it compacts many times.
    for (let round = 0; round < 400; round++) {
      while (box.offer(next)) next++;
      expect(box.size).toBe(50);
      for (let i = 0; i < 10 + (round % 37); i++) taken.push(box.take() as number);
    }
    taken.push(...box.drain());
    expect(taken).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(next).toBeGreaterThan(5000);
  });

  it('Mailbox#size counts waiting items exactly around the compaction threshold', () => {
    const box = new Mailbox<number>(200);
    for (let i = 0; i < 150; i++) box.offer(i);
    for (let i = 0; i < 100; i++) expect(box.take()).toBe(i);
    expect(box.size).toBe(50);
    for (let i = 150; i < 300; i++) expect(box.offer(i)).toBe(true);
    expect(box.size).toBe(200);
    expect(box.offer(300)).toBe(false);
    expect(box.drain()).toEqual(Array.from({ length: 200 }, (_, i) => i + 100));
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('new Mailbox(%p) throws RangeError', (capacity) => {
    expect(() => new Mailbox(capacity)).toThrow(RangeError);
  });
});
