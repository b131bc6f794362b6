import type { ProactiveReminderPayload } from '@warren/contracts';
import type { ProfileRecord } from '@warren/store';
import { checkPolicy } from './proactive-policy';

const payload: ProactiveReminderPayload = {
  kind: 'proactive',
  intent: 'reminder',
  tenant: 'dev',
  sessionId: 's1',
  userId: 'u1',
  taskId: 't1',
  template: 'Time to {{subject}}!',
  vars: { subject: 'stretch' },
  priority: 90,
  dueAt: '2025-05-01T12:00:00Z',
  expiresAt: '2025-05-01T20:00:00Z',
  deferrals: 0,
};
const profile = (p: Partial<ProfileRecord>): ProfileRecord => ({
  tenant: 'dev',
  userId: 'u1',
  tags: [],
  optOuts: [],
  attributes: {},
  updatedAt: new Date(),
  ...p,
});
const input = { payload, now: new Date('2025-05-01T12:00:01Z'), timeZone: 'UTC', sentToday: 0, maxPerDay: 2 };

describe('checkPolicy()', () => {
  it('lets a message through when nothing stands against it', () => {
    expect(checkPolicy(input)).toEqual({ action: 'continue' });
  });

  it('suppresses an expired message and one the user opted out of (the intent or all proactive messages)', () => {
    expect(checkPolicy({ ...input, now: new Date('2025-05-01T20:00:01Z') })).toEqual({ action: 'suppress', reason: 'expired' });
    expect(checkPolicy({ ...input, profile: profile({ optOuts: ['reminder'] }) })).toEqual({ action: 'suppress', reason: 'opted-out' });
    expect(checkPolicy({ ...input, profile: profile({ optOuts: ['proactive'] }) })).toEqual({ action: 'suppress', reason: 'opted-out' });
  });

  it('defers to the end of quiet hours, or drops it when they last past its expiry', () => {
    const quiet = profile({ quietHours: { start: '11:00', end: '13:00' } });
    expect(checkPolicy({ ...input, profile: quiet })).toEqual({
      action: 'defer',
      until: new Date('2025-05-01T13:00:00Z'),
      reason: 'quiet-hours',
    });
    const long = profile({ quietHours: { start: '11:00', end: '23:00' } });
    expect(checkPolicy({ ...input, profile: long })).toMatchObject({ action: 'suppress', reason: 'expired' });
  });

  it('holds the daily cap', () => {
    expect(checkPolicy({ ...input, sentToday: 2 })).toEqual({ action: 'suppress', reason: 'daily-cap' });
  });
});
