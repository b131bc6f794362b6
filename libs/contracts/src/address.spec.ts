import { formatAddress, isValidSessionId, parseAddress, SESSION_ID_PATTERN, sessionKey } from './address';
import { InvalidAddressError } from './errors/api-errors';

describe('parseAddress()', () => {
  it.each([
    ['counter/c1', 'counter', 'c1'],
    ['session/acme~s-1', 'session', 'acme~s-1'],
    ['model/gpt-4o', 'model', 'gpt-4o'],
    ['model-router/a.b:c@d', 'model-router', 'a.b:c@d'],
    [`session/${'k'.repeat(200)}`, 'session', 'k'.repeat(200)],
  ])('parseAddress(%p) splits into type and key', (address, type, key) => {
    expect(parseAddress(address)).toEqual({ type, key });
  });

  it.each([
    ['no slash', 'counter'],
    ['a leading slash', '/c1'],
    ['an empty string', ''],
    ['an empty key', 'counter/'],
    ['an upper-case type', 'Counter/c1'],
    ['a type starting with a digit', '1counter/c1'],
    ['a type with an underscore', 'my_counter/c1'],
    ['a key with a space', 'counter/c 1'],
    ['a key with a tab', 'counter/c\t1'],
    ['a key with a slash', 'counter/a/b'],
    ['a key over 200 characters', `counter/${'k'.repeat(201)}`],
  ])('parseAddress() refuses %s with InvalidAddressError', (_name, address) => {
    let thrown: unknown;
    try {
      parseAddress(address);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidAddressError);
    expect((thrown as InvalidAddressError).code).toBe('WARREN_INVALID_ADDRESS');
    expect((thrown as InvalidAddressError).address).toBe(address);
  });

  it('parseAddress() says what is wrong', () => {
    expect(() => parseAddress('counter')).toThrow(/expected "<type>\/<key>"/);
    expect(() => parseAddress('Counter/c1')).toThrow(/type must match/);
    expect(() => parseAddress('counter/a b')).toThrow(/key must be 1-200 characters/);
  });
});

describe('formatAddress()', () => {
  it('formatAddress() joins type and key', () => {
    expect(formatAddress('session', 'acme~s1')).toBe('session/acme~s1');
    expect(parseAddress(formatAddress('counter', 'c1'))).toEqual({ type: 'counter', key: 'c1' });
  });

  it.each([
    ['Counter', 'c1'],
    ['', 'c1'],
    ['counter', ''],
    ['counter', 'a b'],
    ['counter', 'a/b'],
    ['counter', 'k'.repeat(201)],
  ])('formatAddress(%p, %p) throws InvalidAddressError', (type, key) => {
    expect(() => formatAddress(type, key)).toThrow(InvalidAddressError);
  });
});

describe('isValidSessionId()', () => {
  it.each(['s1', 'abc_DEF-123', 'a', 'x'.repeat(128)])('isValidSessionId(%p) is true', (id) => {
    expect(isValidSessionId(id)).toBe(true);
  });

  it.each(['', 'a.b', 'a*', '#', 'a b', 'a/b', 'a~b', 'x'.repeat(129), undefined, null, 42, ['s1']])(
    'isValidSessionId(%p) is false',
    (id) => {
      expect(isValidSessionId(id)).toBe(false);
    },
  );

  it('SESSION_ID_PATTERN allows nothing that topic routing treats specially', () => {
    for (const ch of ['.', '*', '#']) expect(SESSION_ID_PATTERN.test(`a${ch}b`)).toBe(false);
  });
});

describe('sessionKey()', () => {
  it('sessionKey() joins tenant and session id with "~" into a valid session address key', () => {
    expect(sessionKey('acme', 's-1')).toBe('acme~s-1');
    expect(parseAddress(`session/${sessionKey('acme', 's-1')}`)).toEqual({ type: 'session', key: 'acme~s-1' });
  });
});
