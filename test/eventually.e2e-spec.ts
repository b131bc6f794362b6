// The test support's wait: it returns the awaited value once the check holds, and never takes an
// empty list or an empty object for the awaited state (both are truthy).
import { eventually, holds } from './support/broker';

describe('eventually()', () => {
  test('resolves with the first value that holds', async () => {
    let n = 0;
    const got = await eventually(() => (++n >= 3 ? ['x'] : []), 'a non-empty list', 2000, 1);
    expect(got).toEqual(['x']);
    expect(n).toBe(3);
  });

  test('takes empty arrays, empty plain objects and falsy values for "not yet"', async () => {
    for (const v of [undefined, null, false, 0, '', [], {}]) expect(holds(v)).toBe(false);
    for (const v of [true, 1, 'a', [0], { a: undefined }, new Date(0)]) expect(holds(v)).toBe(true);
    await expect(eventually(() => [], 'an empty list', 100, 10)).rejects.toThrow('timed out after 100 ms waiting for an empty list');
  });

  test("names the check's last error when it times out", async () => {
    await expect(
      eventually(
        () => {
          throw new Error('not there');
        },
        'a throwing check',
        50,
        10,
      ),
    ).rejects.toThrow('waiting for a throwing check: Error: not there');
  });
});
