import { parseReminderRequest } from './reminder-request';

const NOW = new Date('2025-05-01T15:00:00Z');

describe('parseReminderRequest()', () => {
  it('reads a relative duration and the subject: "remind me in 2 seconds to stretch"', () => {
    expect(parseReminderRequest('remind me in 2 seconds to stretch', NOW, 'UTC')).toEqual({
      dueAt: new Date('2025-05-01T15:00:02Z'),
      subject: 'stretch',
      what: 'to stretch',
    });
  });

  it('reads "in half an hour", "in an hour" and "in 5 min"', () => {
    expect(parseReminderRequest('remind me in half an hour', NOW, 'UTC').dueAt).toEqual(new Date('2025-05-01T15:30:00Z'));
    expect(parseReminderRequest('Remind me in an hour to call mom', NOW, 'UTC').dueAt).toEqual(new Date('2025-05-01T16:00:00Z'));
    expect(parseReminderRequest('remind me to drink water in 5 min', NOW, 'UTC')).toMatchObject({
      dueAt: new Date('2025-05-01T15:05:00Z'),
      subject: 'drink water',
    });
  });

  it('reads "at 8" in the user\'s time zone as the next of 8:00 and 20:00', () => {
    // 15:00 UTC is 17:00 in Paris (summer time): the next 8 o'clock is 20:00 Paris = 18:00 UTC.
    expect(parseReminderRequest('remind me at 8 about the dentist', NOW, 'Europe/Paris')).toEqual({
      dueAt: new Date('2025-05-01T18:00:00Z'),
      subject: 'the dentist',
      what: 'about the dentist',
    });
  });

  it('reads am/pm, minutes and "tomorrow"', () => {
    expect(parseReminderRequest('remind me at 8:30 am to run', NOW, 'UTC').dueAt).toEqual(new Date('2025-05-02T08:30:00Z'));
    expect(parseReminderRequest('remind me tomorrow at 9 pm to call my sister', NOW, 'America/New_York')).toEqual({
      dueAt: new Date('2025-05-03T01:00:00Z'),
      subject: 'call your sister',
      what: 'to call your sister',
    });
  });

  it('leaves out what the text does not say', () => {
    expect(parseReminderRequest('remind me to stretch', NOW, 'UTC')).toEqual({ subject: 'stretch', what: 'to stretch' });
    expect(parseReminderRequest('remind me later', NOW, 'UTC')).toEqual({});
  });
});
