import { createHash } from 'node:crypto';
import { Actor, type ActorContext, Handle } from '@warren/actors';
import { ReminderDue } from '@warren/contracts';
import { type BookedReminder, BookReminder } from './calendar.messages';

/** What a user's calendar keeps: the reminders it booked. */
export interface UserCalendarState {
  booked: BookedReminder[];
}

/** The address of a user's calendar: its key names the tenant and a digest of the user id (any characters). */
export function userCalendarAddress(tenant: string, userId: string | undefined): string {
  const user = createHash('sha256')
    .update(userId ?? '')
    .digest('hex')
    .slice(0, 16);
  return `calendar/${tenant}~u-${user}`;
}

/**
 * `calendar/<tenant>~u-<user>`: one user's calendar, an entity actor (one activation per user, its
 * state saved after each message). It books reminders with `ctx.remind` — reminders belong to an
 * address, so they are an entity's — named by what was asked, so the same request (a turn that runs
 * again after a crash calls its tools again) books one reminder. When one comes due, the scheduler
 * delivers `ReminderDue` here and the calendar publishes `calendar.<tenant>.reminder` on `warren.events`.
 */
@Actor('calendar')
export class UserCalendarActor {
  @Handle(BookReminder)
  async book(msg: BookReminder, ctx: ActorContext<UserCalendarState>): Promise<BookedReminder> {
    const name = `reminder-${createHash('sha256')
      .update(JSON.stringify([msg.at, msg.text]))
      .digest('hex')
      .slice(0, 16)}`;
    await ctx.remind(name, { at: new Date(msg.at), payload: { text: msg.text, sessionId: msg.sessionId } });
    const booked = { name, at: new Date(msg.at).toISOString(), text: msg.text };
    const state = ctx.state ?? { booked: [] };
    ctx.state = { booked: [...state.booked.filter((b) => b.name !== name), booked] };
    return booked;
  }

  @Handle(ReminderDue)
  async due(msg: ReminderDue, ctx: ActorContext<UserCalendarState>): Promise<void> {
    const tenant = ctx.key.slice(0, ctx.key.indexOf('~'));
    await ctx.emit(`calendar.${tenant}.reminder`, 'example.calendar.reminder', {
      ...(msg.payload as object),
      scheduledAt: msg.scheduledAt,
    });
  }
}
