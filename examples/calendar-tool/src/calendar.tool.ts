import { createHash } from 'node:crypto';
import { Actor, type ActorContext, Handle } from '@warren/actors';
import { ReminderDue, ToolCall, ToolFailedError, type ToolResult } from '@warren/contracts';

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
  reminder?: { name: string; at: string; text: string };
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
 * With `remind`, it books a reminder through `ctx.remind` (a durable reminder of this actor, fired by
 * the scheduler): its name is derived from what was asked, so a turn that runs again (Warren may call
 * a tool again after a crash) books the same reminder once. When it comes due, `ReminderDue` arrives
 * here and the tool publishes `calendar.<tenant>.reminder` on `warren.events`.
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
      const name = `reminder-${createHash('sha256')
        .update(JSON.stringify([msg.tenant, msg.userId ?? '', args.date, args.remind]))
        .digest('hex')
        .slice(0, 16)}`;
      await ctx.remind(name, { at, payload: { tenant: msg.tenant, userId: msg.userId, sessionId: msg.sessionId, text: args.remind } });
      answer.reminder = { name, at: at.toISOString(), text: args.remind };
    }
    return { content: answer };
  }

  /** A booked reminder came due: tell whoever listens on `warren.events` (a real app would message the user). */
  @Handle(ReminderDue)
  async due(msg: ReminderDue, ctx: ActorContext): Promise<void> {
    const payload = (msg.payload ?? {}) as { tenant?: string; text?: string };
    await ctx.emit(`calendar.${payload.tenant ?? 'unknown'}.reminder`, 'example.calendar.reminder', {
      ...payload,
      scheduledAt: msg.scheduledAt,
    });
  }
}
