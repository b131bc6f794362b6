import type { ActorContext } from '@warren/actors';
import { ToolCall } from '@warren/contracts';
import { CalendarTool } from './calendar.tool';
import { UserCalendarActor, type UserCalendarState, userCalendarAddress } from './user-calendar.actor';

/** A context whose asks reach a UserCalendarActor in memory, and whose reminders are listed. */
function ctx() {
  const reminders: { name: string; at: Date; payload: unknown }[] = [];
  const calendar = new UserCalendarActor();
  const calendarCtx = {
    state: undefined as UserCalendarState | undefined,
    remind: async (name: string, schedule: { at: Date; payload: unknown }) => {
      reminders.push({ name, ...schedule });
    },
  };
  const asked: string[] = [];
  const c = {
    ask: async (address: string, message: never) => {
      asked.push(address);
      return calendar.book(message, calendarCtx as unknown as ActorContext<UserCalendarState>);
    },
  } as unknown as ActorContext;
  return { c, reminders, asked, calendarCtx };
}

const call = (args: Record<string, unknown>, name = 'calendar') =>
  Object.assign(new ToolCall(), { name, arguments: args, callId: 'c1', tenant: 'dev', userId: 'u1', sessionId: 's1' });

describe('CalendarTool (examples/calendar-tool)', () => {
  it('answers the events of a day', async () => {
    const { c } = ctx();
    expect(await new CalendarTool().call(call({ date: '2099-01-05' }), c)).toEqual({
      content: { date: '2099-01-05', events: ['09:30 team stand-up', '14:00 dentist'] },
    });
  });

  it("books a reminder through the user's calendar (ctx.remind), named by what was asked: the same request books it once", async () => {
    const { c, reminders, asked, calendarCtx } = ctx();
    const tool = new CalendarTool();
    const first = await tool.call(call({ date: '2099-01-07', remind: 'bring the cake' }), c);
    await tool.call(call({ date: '2099-01-07', remind: 'bring the cake' }), c);
    expect(first.content).toMatchObject({ reminder: { at: '2099-01-07T08:00:00.000Z', text: 'bring the cake' } });
    expect(asked).toEqual([userCalendarAddress('dev', 'u1'), userCalendarAddress('dev', 'u1')]);
    expect(reminders[0]?.name).toBe(reminders[1]?.name);
    expect(reminders[0]).toMatchObject({ at: new Date('2099-01-07T08:00:00Z'), payload: { text: 'bring the cake', sessionId: 's1' } });
    expect(calendarCtx.state?.booked).toHaveLength(1);
  });

  it('fails with WARREN_TOOL_FAILED for a day that has passed or another tool name', async () => {
    const { c } = ctx();
    await expect(new CalendarTool().call(call({ date: '2001-01-01', remind: 'x' }), c)).rejects.toMatchObject({
      code: 'WARREN_TOOL_FAILED',
    });
    await expect(new CalendarTool().call(call({ date: '2099-01-01' }, 'weather'), c)).rejects.toMatchObject({ code: 'WARREN_TOOL_FAILED' });
  });
});
