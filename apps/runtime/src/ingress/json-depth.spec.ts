import { nestedDeeperThan } from './json-depth';

describe('nestedDeeperThan()', () => {
  it('nestedDeeperThan() counts arrays and objects, not scalars', () => {
    expect(nestedDeeperThan('text', 0)).toBe(false);
    expect(nestedDeeperThan({ text: 'hi' }, 1)).toBe(false);
    expect(nestedDeeperThan({ a: [{ b: 1 }] }, 2)).toBe(true);
    expect(nestedDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
  });

  it('nestedDeeperThan() handles 100,000 levels without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(nestedDeeperThan({ text: 'hi', deep }, 32)).toBe(true);
  });
});
