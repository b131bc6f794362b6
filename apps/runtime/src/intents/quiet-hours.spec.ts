import { quietHoursEnd } from './quiet-hours';
import { dayIn, fromLocalTime } from './zoned-time';

describe('quietHoursEnd()', () => {
  it('is undefined outside quiet hours and without them', () => {
    expect(quietHoursEnd(new Date('2025-05-01T12:00:00Z'), { start: '22:00', end: '07:00' }, 'UTC')).toBeUndefined();
    expect(quietHoursEnd(new Date('2025-05-01T12:00:00Z'), undefined, 'UTC')).toBeUndefined();
  });

  it("gives the end of quiet hours that wrap past midnight, in the user's time zone", () => {
    // 23:30 in Tokyo (UTC+9) is in 22:00–07:00: they end at 07:00 Tokyo the next day = 22:00 UTC.
    expect(quietHoursEnd(new Date('2025-05-01T14:30:00Z'), { start: '22:00', end: '07:00' }, 'Asia/Tokyo')).toEqual(
      new Date('2025-05-01T22:00:00Z'),
    );
    // 03:00 Tokyo: the same morning.
    expect(quietHoursEnd(new Date('2025-04-30T18:00:00Z'), { start: '22:00', end: '07:00' }, 'Asia/Tokyo')).toEqual(
      new Date('2025-04-30T22:00:00Z'),
    );
  });

  it('handles quiet hours within one day and ignores malformed ones', () => {
    expect(quietHoursEnd(new Date('2025-05-01T13:00:00Z'), { start: '12:00', end: '14:00' }, 'UTC')).toEqual(
      new Date('2025-05-01T14:00:00Z'),
    );
    expect(quietHoursEnd(new Date('2025-05-01T13:00:00Z'), { start: 'noon', end: '14:00' }, 'UTC')).toBeUndefined();
  });
});

describe('zoned time', () => {
  it('fromLocalTime() and dayIn() agree across a daylight-saving change', () => {
    expect(fromLocalTime({ year: 2025, month: 3, day: 30, hour: 12, minute: 0 }, 'Europe/Paris')).toEqual(new Date('2025-03-30T10:00:00Z'));
    expect(fromLocalTime({ year: 2025, month: 3, day: 29, hour: 12, minute: 0 }, 'Europe/Paris')).toEqual(new Date('2025-03-29T11:00:00Z'));
    expect(dayIn(new Date('2025-05-01T23:30:00Z'), 'Europe/Paris')).toBe('2025-05-02');
  });
});
