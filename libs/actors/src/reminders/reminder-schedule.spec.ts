import { InvalidOptionsError } from '@warren/contracts';
import { reminderBaseTime } from './reminder-base-time';
import { nextFireAfter, reminderMessageId, resolveReminderSchedule } from './reminder-schedule';

const BASE = Date.UTC(2026, 2, 28, 12, 0, 0); // Saturday 28 March 2026, 12:00 UTC (Paris switches to summer time that night)
const A = 'session/acme~s1';

describe('resolveReminderSchedule()', () => {
  it('resolves at, after, every and cron to a first due time', () => {
    expect(resolveReminderSchedule(A, 'n', { at: new Date(BASE + 5) }, BASE)).toEqual({ actor: A, name: 'n', dueAt: new Date(BASE + 5) });
    expect(resolveReminderSchedule(A, 'n', { after: 2000, payload: { p: 1 } }, BASE)).toEqual({
      actor: A,
      name: 'n',
      dueAt: new Date(BASE + 2000),
      payload: { p: 1 },
    });
    expect(resolveReminderSchedule(A, 'n', { every: 1000, ttlMs: 500, missedFire: 'skip' }, BASE)).toEqual({
      actor: A,
      name: 'n',
      dueAt: new Date(BASE + 1000),
      periodMs: 1000,
      ttlMs: 500,
      missedFire: 'skip',
    });
    expect(resolveReminderSchedule(A, 'n', { every: 1000, at: new Date(BASE + 7) }, BASE).dueAt).toEqual(new Date(BASE + 7));
    // 08:00 in Paris on Sunday 29 March is 06:00 UTC (summer time), on Saturday it would have been 07:00.
    expect(resolveReminderSchedule(A, 'n', { cron: '0 8 * * *', timeZone: 'Europe/Paris' }, BASE)).toEqual({
      actor: A,
      name: 'n',
      dueAt: new Date(Date.UTC(2026, 2, 29, 6, 0, 0)),
      cron: '0 8 * * *',
      timeZone: 'Europe/Paris',
    });
    expect(resolveReminderSchedule(A, 'n', { cron: '*/5 * * * * *' }, BASE)).toMatchObject({
      dueAt: new Date(BASE + 5000),
      timeZone: 'UTC',
    });
  });

  it.each([
    [{}, 'remind("n").schedule'],
    [{ at: new Date(BASE), after: 5 }, 'remind("n").schedule'],
    [{ every: 5, cron: '* * * * *' }, 'remind("n").schedule'],
    [{ at: new Date('nope') }, 'remind("n").at'],
    [{ after: -1 }, 'remind("n").after'],
    [{ after: 1.5 }, 'remind("n").after'],
    [{ every: 0 }, 'remind("n").every'],
    [{ cron: 'not a cron' }, 'remind("n").cron'],
    [{ cron: '* * * * *', timeZone: 'Mars/Olympus' }, 'remind("n").timeZone'],
    [{ after: 5, timeZone: 'UTC' }, 'remind("n").timeZone'],
    [{ after: 5, ttlMs: 0 }, 'remind("n").ttlMs'],
    [{ after: 5, missedFire: 'sometimes' }, 'remind("n").missedFire'],
    [{ after: 5, when: 'now' }, 'remind("n").when'],
  ])('rejects %j naming %s', (schedule, key) => {
    let error: unknown;
    try {
      resolveReminderSchedule(A, 'n', schedule as never, BASE);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as InvalidOptionsError).key).toBe(key);
    expect((error as InvalidOptionsError).code).toBe('WARREN_INVALID_OPTIONS');
  });

  it('rejects an empty or too long name', () => {
    expect(() => resolveReminderSchedule(A, '', { after: 1 }, BASE)).toThrow(InvalidOptionsError);
    expect(() => resolveReminderSchedule(A, 'x'.repeat(257), { after: 1 }, BASE)).toThrow(InvalidOptionsError);
  });
});

describe('nextFireAfter()', () => {
  it('keeps the phase of an interval series and skips whole periods', () => {
    expect(nextFireAfter({ periodMs: 1000 }, BASE + 10, BASE)).toBe(BASE + 1000);
    expect(nextFireAfter({ periodMs: 1000 }, BASE + 5500, BASE)).toBe(BASE + 6000);
    expect(nextFireAfter({ periodMs: 1000 }, BASE + 6000, BASE)).toBe(BASE + 7000);
  });

  it('follows a cron in its time zone, strictly after the given time', () => {
    const cron = { cron: '0 8 * * *', timeZone: 'Europe/Paris' };
    const first = Date.UTC(2026, 2, 28, 7, 0, 0); // 08:00 CET
    expect(nextFireAfter(cron, first)).toBe(Date.UTC(2026, 2, 29, 6, 0, 0)); // 08:00 CEST
  });

  it('is undefined for a one-shot', () => {
    expect(nextFireAfter({}, BASE)).toBeUndefined();
  });
});

describe('reminderMessageId() and reminderBaseTime()', () => {
  it('derive the delivery id from actor, name and scheduled time', () => {
    expect(reminderMessageId(A, 'n', new Date(BASE))).toBe('rem:session/acme~s1:n:2026-03-28T12:00:00.000Z');
  });

  it('stay within the 255 bytes of an AMQP message-id for a long key and name (a stable digest)', () => {
    const id = reminderMessageId(`session/acme~${'s'.repeat(128)}`, `proactive:reminder:${'t'.repeat(128)}`, new Date(BASE));
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(reminderMessageId(`session/acme~${'s'.repeat(128)}`, `proactive:reminder:${'t'.repeat(128)}`, new Date(BASE))).toBe(id);
  });

  it('count from the message time unless it is far from the clock', () => {
    const now = BASE;
    expect(reminderBaseTime(new Date(now - 30_000).toISOString(), now)).toBe(now - 30_000);
    expect(reminderBaseTime(new Date(now - 3_600_000).toISOString(), now)).toBe(now);
    expect(reminderBaseTime(undefined, now)).toBe(now);
    expect(reminderBaseTime('garbage', now)).toBe(now);
  });
});
