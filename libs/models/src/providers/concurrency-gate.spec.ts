import { ConcurrencyGate } from './concurrency-gate';

const live = () => new AbortController().signal;

describe('ConcurrencyGate', () => {
  it('admits up to max at once; the next waits and gets the slot released, first come first served', async () => {
    const gate = new ConcurrencyGate(2);
    expect(await gate.acquire(1000, live())).toBe('acquired');
    expect(await gate.acquire(1000, live())).toBe('acquired');
    const order: number[] = [];
    const third = gate.acquire(1000, live()).then((r) => {
      order.push(3);
      return r;
    });
    const fourth = gate.acquire(1000, live()).then((r) => {
      order.push(4);
      return r;
    });
    expect(gate.waiting).toBe(2);
    gate.release();
    expect(await third).toBe('acquired');
    gate.release();
    expect(await fourth).toBe('acquired');
    expect(order).toEqual([3, 4]);
    expect(gate.inUse).toBe(2);
  });

  it('a waiter times out, and an aborted waiter leaves the queue', async () => {
    const gate = new ConcurrencyGate(1);
    await gate.acquire(1000, live());
    expect(await gate.acquire(20, live())).toBe('timeout');
    const ac = new AbortController();
    const waiting = gate.acquire(1000, ac.signal);
    ac.abort();
    expect(await waiting).toBe('aborted');
    expect(gate.waiting).toBe(0);
    gate.release();
    expect(gate.inUse).toBe(0);
  });
});
