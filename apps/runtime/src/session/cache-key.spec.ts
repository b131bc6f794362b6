import type { ChatMessage } from '@warren/contracts';
import { cacheKey, normalizeForKey } from './cache-key';

const system: ChatMessage = { role: 'system', content: 'You are helpful.' };
const prompt = (...rest: [ChatMessage['role'], string][]): ChatMessage[] => [system, ...rest.map(([role, content]) => ({ role, content }))];
const key = (p: ChatMessage[], over: { tenant?: string; route?: string; contextMessages?: number } = {}) =>
  cacheKey({ tenant: over.tenant ?? 'acme', route: over.route ?? 'local', prompt: p, contextMessages: over.contextMessages ?? 4 });

describe('normalizeForKey', () => {
  it('folds NFKC forms, case and runs of punctuation and white space', () => {
    expect(normalizeForKey('  What’s   the TIME?! ')).toBe('what s the time');
    expect(normalizeForKey("what's the time")).toBe('what s the time');
    expect(normalizeForKey('Ｈｅｌｌｏ，\tＷｏｒｌｄ')).toBe('hello world'); // full-width letters and comma
    expect(normalizeForKey('ﬁle')).toBe('file'); // ligature
    expect(normalizeForKey('Straße')).toBe(normalizeForKey('STRASSE'));
    expect(normalizeForKey('Ὀδυσσεύς')).toBe(normalizeForKey('ὈΔΥΣΣΕΎΣ'));
    expect(normalizeForKey('e\u0301')).toBe('é');
  });

  it('keeps numbers apart where punctuation separated them', () => {
    expect(normalizeForKey('3.5')).not.toBe(normalizeForKey('35'));
  });
});

describe('cacheKey', () => {
  it('is the same for the same question in the same context, whatever the spelling details', () => {
    const a = key(prompt(['user', 'Weather in Paris?'], ['assistant', 'Sunny.'], ['user', 'And tomorrow?']));
    const b = key(prompt(['user', 'weather in paris'], ['assistant', 'sunny'], ['user', '  AND tomorrow ?? ']));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
  });

  it('differs when the earlier context differs (the same last message after another question)', () => {
    const paris = key(prompt(['user', 'Weather in Paris?'], ['assistant', 'Sunny.'], ['user', 'And tomorrow?']));
    const rome = key(prompt(['user', 'Weather in Rome?'], ['assistant', 'Sunny.'], ['user', 'And tomorrow?']));
    const fresh = key(prompt(['user', 'And tomorrow?']));
    expect(rome).not.toBe(paris);
    expect(fresh).not.toBe(paris);
  });

  it('differs by tenant, by route and by system message', () => {
    const p = prompt(['user', 'hello']);
    expect(key(p, { tenant: 'other' })).not.toBe(key(p));
    expect(key(p, { route: 'gpt' })).not.toBe(key(p));
    expect(
      key([
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'hello' },
      ]),
    ).not.toBe(key(p));
  });

  it('looks only at the last contextMessages messages before the new one', () => {
    const long = prompt(['user', 'one'], ['assistant', 'two'], ['user', 'three'], ['assistant', 'four'], ['user', 'five']);
    const other = prompt(['user', 'ONE?'], ['assistant', 'two'], ['user', 'three'], ['assistant', 'four'], ['user', 'five']);
    const changed = prompt(['user', 'zero'], ['assistant', 'two'], ['user', 'three'], ['assistant', 'four'], ['user', 'five']);
    expect(key(other, { contextMessages: 4 })).toBe(key(long, { contextMessages: 4 }));
    expect(key(changed, { contextMessages: 3 })).toBe(key(long, { contextMessages: 3 }));
    expect(key(changed, { contextMessages: 4 })).not.toBe(key(long, { contextMessages: 4 }));
    expect(key(changed, { contextMessages: 0 })).toBe(key(prompt(['user', 'five']), { contextMessages: 0 }));
  });
});
