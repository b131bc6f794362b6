import type { QuietHours } from '@warren/store';
import { fromLocalTime, localTime, minutesOf } from './zoned-time';

/**
 * When `now` falls in the user's quiet hours (`HH:MM`–`HH:MM` in `timeZone`, possibly across
 * midnight; start = end means none), the instant they end; otherwise undefined. Malformed quiet
 * hours are ignored (the profile store does not check them).
 */
export function quietHoursEnd(now: Date, quiet: QuietHours | undefined, timeZone: string): Date | undefined {
  if (!quiet) return undefined;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === undefined || end === undefined || start === end) return undefined;
  const t = localTime(now, timeZone);
  const minute = t.hour * 60 + t.minute;
  const inQuiet = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inQuiet) return undefined;
  // The end is today when it is still ahead on the wall clock, else tomorrow.
  const dayShift = minute < end ? 0 : 1;
  return fromLocalTime({ year: t.year, month: t.month, day: t.day + dayShift, hour: Math.floor(end / 60), minute: end % 60 }, timeZone);
}
