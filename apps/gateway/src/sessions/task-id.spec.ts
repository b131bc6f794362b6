import { InvalidMessageError } from '@warren/contracts';
import { taskIdFor } from './task-id';

describe('taskIdFor()', () => {
  it('is the same for the same tenant, session and Idempotency-Key', () => {
    expect(taskIdFor('dev', 's1', 'k-1')).toBe(taskIdFor('dev', 's1', 'k-1'));
    expect(taskIdFor('dev', 's1', 'k-1')).toMatch(/^idem-[A-Za-z0-9_-]{43}$/);
  });

  it('differs when the tenant, the session or the key differs (no ambiguity in how they are joined)', () => {
    const ids = new Set([
      taskIdFor('dev', 's1', 'k'),
      taskIdFor('acme', 's1', 'k'),
      taskIdFor('dev', 's2', 'k'),
      taskIdFor('dev', 's1', 'k2'),
    ]);
    expect(ids.size).toBe(4);
    expect(taskIdFor('dev', 'a', 'bc')).not.toBe(taskIdFor('dev', 'ab', 'c'));
  });

  it('is a random UUID without a key', () => {
    const a = taskIdFor('dev', 's1');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(taskIdFor('dev', 's1')).not.toBe(a);
  });

  it.each([[''], ['x'.repeat(256)], ['tab\there'], ['ünïcode']])('refuses the key %p naming Idempotency-Key', (key) => {
    expect(() => taskIdFor('dev', 's1', key)).toThrow(InvalidMessageError);
    try {
      taskIdFor('dev', 's1', key);
    } catch (err) {
      expect((err as InvalidMessageError).violations[0]?.field).toBe('Idempotency-Key');
    }
  });
});
