import { InvalidOptionsError } from '@warren/contracts';
import { LOCAL_MODEL_DEFAULTS, type LocalModelOptions, resolveLocalModelOptions } from './local-model-options';

const rejection = (raw: unknown): InvalidOptionsError => {
  try {
    resolveLocalModelOptions(raw as Partial<LocalModelOptions>);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return error as InvalidOptionsError;
  }
  throw new Error('expected resolveLocalModelOptions to throw');
};

describe('resolveLocalModelOptions()', () => {
  it('resolveLocalModelOptions() with nothing returns the documented defaults', () => {
    expect(resolveLocalModelOptions()).toEqual({
      name: 'local',
      contextWindow: 8192,
      latencyMs: 50,
      perDeltaMs: 10,
      failureRate: 0,
      seed: 1,
      replies: [],
      tools: [],
    });
    expect(resolveLocalModelOptions({})).toEqual(LOCAL_MODEL_DEFAULTS);
  });

  it('resolveLocalModelOptions() keeps a deliberate 0 (latencyMs, perDeltaMs, failureRate, seed)', () => {
    expect(resolveLocalModelOptions({ latencyMs: 0, perDeltaMs: 0, failureRate: 0, seed: 0 })).toMatchObject({
      latencyMs: 0,
      perDeltaMs: 0,
      failureRate: 0,
      seed: 0,
    });
  });

  it('resolveLocalModelOptions() keeps given values and fills the rest', () => {
    expect(resolveLocalModelOptions({ name: 'fast.local-2', failureRate: 1 })).toEqual({
      ...LOCAL_MODEL_DEFAULTS,
      name: 'fast.local-2',
      failureRate: 1,
    });
  });

  it('resolveLocalModelOptions() refuses unknown keys with InvalidOptionsError naming the key', () => {
    const err = rejection({ latency: 5 });
    expect(err.key).toBe('latency');
    expect(err.message).toBe('latency: is not a local model option');
  });

  it.each([
    ['name', ''],
    ['name', 'has space'],
    ['name', 'a/b'],
    ['name', 7],
    ['contextWindow', 0],
    ['contextWindow', 1.5],
    ['latencyMs', -1],
    ['perDeltaMs', Number.NaN],
    ['perDeltaMs', '10'],
    ['failureRate', 1.01],
    ['failureRate', -0.1],
    ['failureRate', Number.NaN],
    ['seed', -1],
    ['seed', 2 ** 32],
  ])('resolveLocalModelOptions() refuses %s = %p', (key, value) => {
    expect(rejection({ [key]: value }).key).toBe(key);
  });

  it('resolveLocalModelOptions() keeps scripted replies and refuses bad ones naming the entry', () => {
    const replies = [{ when: '\\bthreat\\b', say: 'Okay then.' }];
    expect(resolveLocalModelOptions({ replies }).replies).toEqual(replies);
    expect(rejection({ replies: {} }).key).toBe('replies');
    expect(rejection({ replies: ['x'] }).key).toBe('replies[0]');
    expect(rejection({ replies: [{ when: '(', say: 'x' }] }).key).toBe('replies[0].when');
    expect(
      rejection({
        replies: [
          { when: 'a', say: 'x' },
          { when: 'b', say: ' ' },
        ],
      }).key,
    ).toBe('replies[1].say');
    expect(rejection({ replies: [{ when: 'a', say: 'x', delay: 1 }] }).key).toBe('replies[0].delay');
  });

  it('resolveLocalModelOptions() refuses a non-object', () => {
    expect(rejection(null).message).toMatch(/must be an object/);
    expect(rejection([]).message).toMatch(/must be an object/);
  });
});

describe('resolveLocalModelOptions() tools', () => {
  it('takes tool rules and names the bad key of one that is wrong', () => {
    expect(resolveLocalModelOptions({ tools: [{ when: 'book (\\S+)', call: 'calendar', arguments: { date: '$1' } }] }).tools).toEqual([
      { when: 'book (\\S+)', call: 'calendar', arguments: { date: '$1' } },
    ]);
    expect(() => resolveLocalModelOptions({ tools: [{ when: '(', call: 'x' }] })).toThrow(/tools\[0\]\.when/);
    expect(() => resolveLocalModelOptions({ tools: [{ when: 'x', call: 'a b' }] })).toThrow(/tools\[0\]\.call/);
    expect(() => resolveLocalModelOptions({ tools: [{ when: 'x', call: 'a', extra: 1 } as never] })).toThrow(/tools\[0\]\.extra/);
  });
});
