import { ManualClock } from './manual-clock';
import { SystemClock } from './system-clock';

describe('ManualClock', () => {
  it('moves only when told and wakes sleepers whose time came, in any order', async () => {
    const clock = new ManualClock(1000);
    const woke: number[] = [];
    void clock.sleepUntil(1500).then(() => woke.push(1500));
    void clock.sleepUntil(1200).then(() => woke.push(1200));
    await clock.sleepUntil(900); // already past: at once
    expect(clock.waiting).toBe(2);
    clock.advance(300);
    await Promise.resolve();
    expect(woke).toEqual([1200]);
    clock.set(new Date(2000));
    await Promise.resolve();
    expect(woke).toEqual([1200, 1500]);
    expect(clock.now()).toBe(2000);
    expect(() => clock.set(1999)).toThrow(RangeError);
  });

  it('resolves a sleep when its signal aborts', async () => {
    const clock = new ManualClock(0);
    const ac = new AbortController();
    const sleep = clock.sleepUntil(10_000, ac.signal);
    ac.abort();
    await sleep;
    expect(clock.waiting).toBe(0);
  });
});

describe('SystemClock', () => {
  it('sleeps until a time of Date.now(), or until aborted', async () => {
    const clock = new SystemClock();
    const start = Date.now();
    await clock.sleepUntil(start + 20);
    expect(Date.now()).toBeGreaterThanOrEqual(start + 19);
    const ac = new AbortController();
    const long = clock.sleepUntil(Date.now() + 60_000, ac.signal);
    ac.abort();
    await long;
  });
});
