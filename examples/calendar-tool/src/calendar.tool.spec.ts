import type { ActorContext } from '@warren/actors';
import { ToolCall } from '@warren/contracts';
import { CalendarTool } from './calendar.tool';

function ctx() {
  const reminders: { name: string; at: Date; payload: unknown }[] = [];
  const c = {
    remind: async (name: string, schedule: { at: Date; payload: unknown }) => {
      reminders.push({ name, ...schedule });
    },
  } as unknown as ActorContext;
  return { c, reminders };
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

  it('books a reminder through ctx.remind, named by what was asked (the same request books the same reminder)', async () => {
    const { c, reminders } = ctx();
    const tool = new CalendarTool();
    const first = await tool.call(call({ date: '2099-01-07', remind: 'bring the cake' }), c);
    await tool.call(call({ date: '2099-01-07', remind: 'bring the cake' }), c);
    expect(first.content).toMatchObject({ reminder: { at: '2099-01-07T08:00:00.000Z', text: 'bring the cake' } });
    expect(reminders).toHaveLength(2);
    expect(reminders[0]?.name).toBe(reminders[1]?.name);
    expect(reminders[0]).toMatchObject({ at: new Date('2099-01-07T08:00:00Z'), payload: { tenant: 'dev', text: 'bring the cake' } });
  });

  it('fails with WARREN_TOOL_FAILED for a day that has passed or another tool name', async () => {
    const { c } = ctx();
    await expect(new CalendarTool().call(call({ date: '2001-01-01', remind: 'x' }), c)).rejects.toMatchObject({
      code: 'WARREN_TOOL_FAILED',
    });
    await expect(new CalendarTool().call(call({ date: '2099-01-01' }, 'weather'), c)).rejects.toMatchObject({ code: 'WARREN_TOOL_FAILED' });
  });
});
