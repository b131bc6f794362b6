import { InvalidOptionsError } from '@warren/contracts';
import { at } from '../contract/contract-kit.contract';
import type { DeadLetterFilter, DeadLetterStatsGroup } from '../ports/dead-letter.port';
import { escapeRegExp, resolveDeadLetterFilter, resolveDeadLetterPage, sortStatsGroups } from './dead-letter-queries';
import { decodeOrderedCursor, encodeOrderedCursor } from './ordered-cursor';

describe('dead letter queries', () => {
  it('resolveDeadLetterFilter() keeps the valid fields and drops undefined ones', () => {
    const filter: DeadLetterFilter = {
      status: 'open',
      address: 'session/acme~s1',
      text: 'Boom',
      messageIds: ['a', 'b'],
      from: at(1),
      to: undefined,
    };
    expect(resolveDeadLetterFilter(filter)).toEqual({
      status: 'open',
      address: 'session/acme~s1',
      text: 'Boom',
      messageIds: ['a', 'b'],
      from: at(1),
    });
    expect(resolveDeadLetterFilter(undefined)).toEqual({});
  });

  it.each<[string, DeadLetterFilter]>([
    ['status', { status: 'gone' as never }],
    ['errorCode', { errorCode: '' }],
    ['address', { address: 'no-slash' }],
    ['text', { text: '' }],
    ['messageIds', { messageIds: [] }],
    ['messageIds[1]', { messageIds: ['a', 3 as never] }],
    ['from', { from: new Date(Number.NaN) }],
    ['to', { to: '2030-01-01' as never }],
  ])('resolveDeadLetterFilter() refuses a bad %s with InvalidOptionsError naming it', (key, filter) => {
    expect(() => resolveDeadLetterFilter(filter)).toThrow(expect.objectContaining({ constructor: InvalidOptionsError, key }));
  });

  it('resolveDeadLetterPage() defaults to 50 newest first and refuses a cursor of the other order', () => {
    expect(resolveDeadLetterPage(undefined)).toEqual({ limit: 50, order: 'desc' });
    const cursor = encodeOrderedCursor('asc', { at: 1, seq: 2, id: 'm' });
    expect(resolveDeadLetterPage({ order: 'asc', cursor, limit: 3 })).toEqual({
      limit: 3,
      order: 'asc',
      after: { at: 1, seq: 2, id: 'm' },
    });
    expect(() => resolveDeadLetterPage({ cursor })).toThrow(expect.objectContaining({ key: 'cursor' }));
    expect(() => resolveDeadLetterPage({ order: 'up' as never })).toThrow(expect.objectContaining({ key: 'order' }));
    expect(() => decodeOrderedCursor('garbage', 'desc')).toThrow(InvalidOptionsError);
  });

  it('sortStatsGroups() orders by count, then by the group keys with no handler first', () => {
    const group = (errorClass: string, count: number, handler?: string): DeadLetterStatsGroup => ({
      errorClass,
      errorCode: 'C',
      actorType: 'session',
      ...(handler === undefined ? {} : { handler }),
      count,
      firstSeen: at(0),
      lastSeen: at(0),
    });
    const sorted = sortStatsGroups([group('B', 1), group('A', 1, 'h'), group('Z', 5), group('A', 1)]);
    expect(sorted.map((g) => [g.errorClass, g.count, g.handler])).toEqual([
      ['Z', 5, undefined],
      ['A', 1, undefined],
      ['A', 1, 'h'],
      ['B', 1, undefined],
    ]);
  });

  it('escapeRegExp() makes every special character literal', () => {
    const text = 'a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o';
    expect(new RegExp(escapeRegExp(text)).test(`x${text}y`)).toBe(true);
  });
});
