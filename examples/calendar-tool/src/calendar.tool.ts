import { Actor, type ActorContext, Handle } from '@warren/actors';
import { ToolCall, ToolFailedError, type ToolResult } from '@warren/contracts';
import { type BookedReminder, BookReminder } from './calendar.messages';
import { userCalendarAddress } from './user-calendar.actor';

/** The arguments `tool/calendar` is declared with (see the README's `tools.declarations.calendar`). */
export interface CalendarArguments {
  /** The day to look up, `YYYY-MM-DD`. */
  date: string;
  /** A reminder to book for 08:00 UTC that day. */
  remind?: string;
}

/** What the calendar answers. */
export interface CalendarAnswer {
  date: string;
  events: string[];
  /** The reminder booked, when one was asked for. */
  reminder?: BookedReminder;
}

/** A tiny calendar: the same events for everyone, by weekday (a real tool would read the user's calendar). */
const EVENTS_BY_WEEKDAY: Readonly<Record<number, readonly string[]>> = Object.freeze({
  1: ['09:30 team stand-up', '14:00 dentist'],
  3: ['12:30 lunch with Ada'],
  5: ['17:00 drinks'],
});

/**
 * `tool/calendar`: a tool as an actor. Any Nest app that hosts it (`@Actor('tool', { kind: 'worker' })`,
 * hosting key `calendar`) answers the `ToolCall`s a session turn or a chat completion sends when the
 * model asks for the calendar. Warren has already checked the arguments against the declared schema.
 *
 * With `remind`, it asks the user's calendar (`calendar/<tenant>~u-<user>`, an entity actor of the
 * same app) to book a reminder with `ctx.remind`: a worker has no address of its own to be reminded
 * at, a user's calendar does.
 */
@Actor('tool', { kind: 'worker' })
export class CalendarTool {
  @Handle(ToolCall)
  async call(msg: ToolCall, ctx: ActorContext): Promise<ToolResult> {
    if (msg.name !== 'calendar') throw new ToolFailedError(msg.name, `this app hosts tool/calendar, not tool/${msg.name}`);
    const args = msg.arguments as unknown as CalendarArguments;
    const day = new Date(`${args.date}T00:00:00Z`);
    if (Number.isNaN(day.getTime())) throw new ToolFailedError('calendar', `${args.date} is not a day`);
    const answer: CalendarAnswer = { date: args.date, events: [...(EVENTS_BY_WEEKDAY[day.getUTCDay()] ?? [])] };
    if (args.remind) {
      const at = new Date(`${args.date}T08:00:00Z`);
      if (at.getTime() <= Date.now()) throw new ToolFailedError('calendar', `${args.date} 08:00 UTC has passed: no reminder booked`);
      const book = Object.assign(new BookReminder(), {
        at: at.toISOString(),
        text: args.remind,
        ...(msg.sessionId ? { sessionId: msg.sessionId } : {}),
      });
      answer.reminder = await ctx.ask<BookedReminder>(userCalendarAddress(msg.tenant, msg.userId), book);
    }
    return { content: answer };
  }
}
