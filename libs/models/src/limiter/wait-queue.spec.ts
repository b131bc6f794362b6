import { WaitQueue } from './wait-queue';

const waiter = (handle: string, tokens: number, since: number, timeout = 1000) => ({
  tokens,
  requests: 1,
  since,
  deadline: since + timeout,
  handle,
});

describe('WaitQueue', () => {
  it('admits in FIFO order while capacity lasts, and says when to look again', () => {
    const q = new WaitQueue<string>();
    q.push(waiter('a', 5, 0));
    q.push(waiter('b', 1, 0));
    q.push(waiter('c', 1, 0));
    let capacity = 4;
    const admit = (w: { tokens: number }) => {
      if (w.tokens > capacity) return { waitMs: (w.tokens - capacity) * 100 };
      capacity -= w.tokens;
      return { granted: capacity };
    };
    // 'a' needs 5 and blocks 'b' and 'c', which would fit: no overtaking.
    expect(q.drain(0, admit)).toEqual({ outcomes: [], nextCheckMs: 100 });
    capacity = 7;
    const r = q.drain(100, admit);
    expect(r.outcomes.map((o) => [o.waiter.handle, 'admitted' in o ? o.admitted : o])).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 0],
    ]);
    expect(r.nextCheckMs).toBeUndefined();
    expect(q.length).toBe(0);
  });

  it('times a waiter out at its deadline and wakes no later than it', () => {
    const q = new WaitQueue<string>();
    q.push(waiter('a', 5, 0, 1000));
    q.push(waiter('b', 1, 500, 1000));
    const never = () => ({ waitMs: 60_000 });
    expect(q.drain(200, never).nextCheckMs).toBe(800);
    const r = q.drain(1000, never);
    expect(r.outcomes).toEqual([{ waiter: expect.objectContaining({ handle: 'a' }), expired: true }]);
    expect(r.nextCheckMs).toBe(500);
    expect(q.drain(1500, never).outcomes[0]).toMatchObject({ waiter: { handle: 'b' }, expired: true });
  });

  it('answers a head that can no longer pass with its error, then goes on', () => {
    const q = new WaitQueue<string>();
    q.push(waiter('a', 5, 0));
    q.push(waiter('b', 1, 0));
    const err = new Error('budget');
    const r = q.drain(10, (w) => (w.handle === 'a' ? { error: err } : { granted: true }));
    expect(r.outcomes).toEqual([
      { waiter: expect.objectContaining({ handle: 'a' }), refused: err },
      { waiter: expect.objectContaining({ handle: 'b' }), admitted: true },
    ]);
  });
});

describe('WaitQueue.remove()', () => {
  it('takes out a cancelled waiter and keeps the order of the rest', () => {
    const q = new WaitQueue<string>();
    for (const h of ['a', 'b', 'c']) q.push(waiter(h, 1, 0));
    expect(q.remove((h) => h === 'b')?.handle).toBe('b');
    expect(q.remove((h) => h === 'x')).toBeUndefined();
    expect(q.drain(1, () => ({ granted: true })).outcomes.map((o) => o.waiter.handle)).toEqual(['a', 'c']);
  });
});
