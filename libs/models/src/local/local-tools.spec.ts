import { LocalModel } from './local-model.endpoint';
import { localToolStep } from './local-tools';

const RULES = [{ when: 'what is on (\\S+)', call: 'calendar', arguments: { date: '$1' }, say: 'On your calendar: {result}' }];
const TOOLS = [{ name: 'calendar', parameters: { type: 'object' } }];

async function run(model: LocalModel, request: Parameters<LocalModel['complete']>[0]) {
  const c = model.complete(request, new AbortController().signal);
  let text = '';
  for await (const d of c.deltas) text += d;
  return { text, end: await c.result };
}

describe('localToolStep()', () => {
  it('asks for the tool of the first matching rule, with the captured groups as arguments', () => {
    const step = localToolStep(RULES, { messages: [{ role: 'user', content: 'What is on 2026-12-08?' }], tools: TOOLS });
    expect(step).toEqual({ kind: 'call', call: { id: 'call_local_1', name: 'calendar', arguments: '{"date":"2026-12-08?"}' } });
  });

  it('does not ask when the tool is not offered, tool_choice is none or names another tool', () => {
    const messages = [{ role: 'user' as const, content: 'what is on monday' }];
    expect(localToolStep(RULES, { messages })).toBeUndefined();
    expect(localToolStep(RULES, { messages, tools: TOOLS, toolChoice: 'none' })).toBeUndefined();
    expect(localToolStep(RULES, { messages, tools: TOOLS, toolChoice: { name: 'other' } })).toBeUndefined();
  });

  it('answers from the tool results once they are in the prompt', () => {
    const step = localToolStep(RULES, {
      messages: [
        { role: 'user', content: 'what is on monday' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'calendar', arguments: '{}' }] },
        { role: 'tool', content: '{"events":["dentist"]}', toolCallId: 'c' },
      ],
      tools: TOOLS,
    });
    expect(step).toEqual({ kind: 'answer', text: 'On your calendar: {"events":["dentist"]}' });
  });
});

describe('LocalModel with tool rules', () => {
  it('ends with finishReason tool_calls and the call, then streams the answer from the result', async () => {
    const model = new LocalModel({ latencyMs: 0, perDeltaMs: 0, tools: RULES });
    const first = await run(model, { messages: [{ role: 'user', content: 'what is on monday' }], tools: TOOLS });
    expect(first.text).toBe('');
    expect(first.end).toMatchObject({ finishReason: 'tool_calls', toolCalls: [{ name: 'calendar', arguments: '{"date":"monday"}' }] });
    const call = first.end.toolCalls?.[0];
    const second = await run(model, {
      messages: [
        { role: 'user', content: 'what is on monday' },
        { role: 'assistant', content: '', toolCalls: call ? [call] : [] },
        { role: 'tool', content: 'nothing', toolCallId: call?.id ?? '' },
      ],
      tools: TOOLS,
    });
    expect(second).toMatchObject({ text: 'On your calendar: nothing', end: { finishReason: 'stop' } });
  });
});
