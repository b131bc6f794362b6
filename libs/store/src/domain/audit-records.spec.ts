import { InvalidMessageError } from '@warren/contracts';
import { at } from '../contract/contract-kit.contract';
import { newAuditEntry } from './audit-records';

describe('audit records', () => {
  it('newAuditEntry() gives the entry an id and a time', () => {
    const entry = newAuditEntry({ actor: 'ops-key', action: 'dlq.replay', count: 3, target: 'm1,m2,m3', details: { force: true } }, at(5));
    expect(entry).toEqual({
      id: expect.any(String),
      actor: 'ops-key',
      action: 'dlq.replay',
      count: 3,
      target: 'm1,m2,m3',
      details: { force: true },
      at: at(5),
    });
  });

  it.each([
    ['actor', { actor: '' }],
    ['action', { action: 5 }],
    ['count', { count: -1 }],
    ['count', { count: 1.5 }],
    ['target', { target: {} }],
    ['details', { details: [] }],
    ['at', { at: 'now' }],
  ])('newAuditEntry() refuses a bad %s with InvalidMessageError', (field, override) => {
    const input = { actor: 'ops', action: 'dlq.discard', count: 1, ...override } as never;
    expect(() => newAuditEntry(input)).toThrow(InvalidMessageError);
    expect(() => newAuditEntry(input)).toThrow(new RegExp(`^${field} `));
  });
});
