import { toAnthropicPrompt } from './anthropic.endpoint';

describe('toAnthropicPrompt() with tool rounds', () => {
  it("tells an earlier round's tool calls and results as text (Anthropic endpoints are not offered tools)", () => {
    const { messages } = toAnthropicPrompt([
      { role: 'user', content: 'what is on monday' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'calendar', arguments: '{"date":"monday"}' }] },
      { role: 'tool', content: '{"events":[]}', toolCallId: 'c1' },
    ]);
    expect(messages).toEqual([
      { role: 'user', content: 'what is on monday' },
      { role: 'assistant', content: '(called tool calendar with {"date":"monday"})' },
      { role: 'user', content: '(tool result c1) {"events":[]}' },
    ]);
  });
});
