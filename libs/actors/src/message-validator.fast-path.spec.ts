import {
  ChatComplete,
  LimiterAcquire,
  LimiterLease,
  LimiterSettle,
  Message,
  type MessageClass,
  ModelComplete,
  ProactiveDeliver,
  ReminderDue,
  SessionInterrupt,
  SessionMessage,
  TurnEvent,
} from '@warren/contracts';
import { Expose, plainToInstance, Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, validateSync } from 'class-validator';
import { hasFastPath, toValidMessage } from './message-validator';

/** What toValidMessage did before the fast path: the reference the fast path must agree with. */
function reference(cls: MessageClass, data: object): { ok: true; value: object } | { ok: false } {
  const instance = plainToInstance(cls as new () => object, data);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
  return errors.length === 0 ? { ok: true, value: instance } : { ok: false };
}

function outcome(cls: MessageClass, data: object): { ok: true; value: object } | { ok: false } {
  try {
    return { ok: true, value: toValidMessage(cls, data) };
  } catch {
    return { ok: false };
  }
}

const history = (n: number) => Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `turn ${i}` }));

const samples: [MessageClass, object][] = [
  [SessionMessage, { text: 'hello' }],
  [SessionMessage, { text: 'hi', userId: 'u1', locale: 'en-GB', channel: 'voice' }],
  [SessionMessage, { text: 'hi', userId: null, locale: null }],
  [SessionMessage, { text: '' }],
  [SessionMessage, { text: 42 }],
  [SessionMessage, { text: 'hi', locale: 'english' }],
  [SessionMessage, { text: 'hi', channel: 'fax' }],
  [SessionMessage, { text: 'hi', extra: true }],
  [SessionMessage, JSON.parse('{"text":"hi","__proto__":{"polluted":1}}')],
  [SessionMessage, {}],
  [SessionInterrupt, {}],
  [SessionInterrupt, { taskId: 't'.repeat(257) }],
  [ModelComplete, { messages: history(12), maxTokens: 256, locale: 'en' }],
  [ModelComplete, { messages: [] }],
  [ModelComplete, { messages: [{ role: 'robot', content: 'x' }] }],
  [ModelComplete, { messages: [{ role: 'user', content: 1 }] }],
  [ModelComplete, { messages: history(2), temperature: 3 }],
  [ModelComplete, { messages: history(2), maxTokens: 1.5 }],
  [ChatComplete, { messages: history(3) }],
  [LimiterAcquire, { tokens: 10 }],
  [LimiterAcquire, { tokens: -1 }],
  [LimiterAcquire, { tokens: 10, requests: 0 }],
  [LimiterSettle, { reserved: 10, used: 12, reservationId: 'r1' }],
  [LimiterLease, { leaseId: 'l1', minTokens: 100, minRequests: 1 }],
  [LimiterLease, { leaseId: '', minTokens: 100, minRequests: 1 }],
  [TurnEvent, { taskId: 't1', tenant: 'dev', sessionId: 's1', text: 'hi', outcome: 'completed', at: '2026-12-02T01:00:00Z' }],
  [TurnEvent, { taskId: 't1', tenant: 'dev', sessionId: 's1', text: 'hi', outcome: 'completed', at: 'yesterday' }],
  [
    ProactiveDeliver,
    {
      reminderId: 'r',
      intent: 'reminder',
      vars: { what: 'x' },
      priority: 90,
      scheduledAt: '2026-12-02T01:00:00Z',
      decision: { a: [1, { b: 2 }] },
    },
  ],
  [ProactiveDeliver, { reminderId: 'r', intent: 'reminder', vars: 'x', priority: 90, scheduledAt: '2026-12-02T01:00:00Z' }],
  [ReminderDue, { name: 'n', scheduledAt: '2026-12-02T01:00:00Z', payload: { nested: { deep: [1, 2] } }, timing: 'late' }],
  [ReminderDue, { name: 'n', scheduledAt: '2026-12-02T01:00:00Z', timing: 'early' }],
];

describe('toValidMessage fast path', () => {
  test.each(samples.map(([cls, data], i) => [i, cls.name, cls, data] as const))(
    'sample %i (%s) gives what the full path gives',
    (_i, _name, cls, data) => {
      const expected = reference(cls, data);
      const got = outcome(cls, data);
      expect(got.ok).toBe(expected.ok);
      if (got.ok && expected.ok) {
        expect(Object.getPrototypeOf(got.value)).toBe(cls.prototype);
        expect(got.value).toEqual(expected.value);
        expect(JSON.stringify(got.value)).toBe(JSON.stringify(expected.value));
      }
    },
  );

  test('the turn path messages take it', () => {
    for (const cls of [SessionMessage, ModelComplete, LimiterAcquire, LimiterSettle, TurnEvent, ReminderDue])
      expect(hasFastPath(cls)).toBe(true);
  });

  test('a refused message keeps the full path error naming the field', () => {
    expect(() => toValidMessage(SessionMessage, { text: 'hi', locale: 'english' })).toThrow(/SessionMessage is invalid: locale: /);
  });

  test('classes with class-transformer decorators or accessors do not take it', () => {
    @Message('test.fastpath.exposed')
    class Exposed {
      @Expose({ name: 'n' }) @IsInt() count!: number;
    }
    @Message('test.fastpath.transformed')
    class Transformed {
      @Transform(({ value }) => String(value).trim()) @IsString() text!: string;
    }
    @Message('test.fastpath.accessor')
    class Accessor {
      @IsOptional() @IsString() name?: string;
      get label(): string {
        return this.name ?? '';
      }
    }
    @Message('test.fastpath.plain')
    class Plain {
      @IsInt() count!: number;
    }
    expect(hasFastPath(Exposed)).toBe(false);
    expect(hasFastPath(Transformed)).toBe(false);
    expect(hasFastPath(Plain)).toBe(true);
    expect(toValidMessage(Transformed, { text: '  hi  ' }).text).toBe('hi');
    // An accessor that is not a declared property does not matter: the instance is still of the class.
    expect(hasFastPath(Accessor)).toBe(true);
    expect(toValidMessage(Accessor, { name: 'a' }).label).toBe('a');
  });
});
