import type { ChatCompletionEnd } from '@warren/contracts';
import { chatCompletion, finishChunk, toolCallsChunk } from './openai-format';

const meta = { id: 'chatcmpl-t1', created: 1, model: 'local' };
const end: ChatCompletionEnd = {
  model: 'local',
  usage: { promptTokens: 5, completionTokens: 2 },
  finishReason: 'tool_calls',
  toolCalls: [{ id: 'call_1', name: 'calendar', arguments: '{"date":"2026-12-08"}' }],
};

describe('OpenAI format of tool calls', () => {
  it('chatCompletion(): tool_calls on the message, content null when the model said nothing, finish_reason tool_calls', () => {
    const choice = chatCompletion(meta, '', end).choices[0];
    expect(choice).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'calendar', arguments: '{"date":"2026-12-08"}' } }],
      },
    });
    expect(chatCompletion(meta, 'Let me look.', end).choices[0]?.message.content).toBe('Let me look.');
    expect(chatCompletion(meta, 'Hi', { ...end, finishReason: 'stop', toolCalls: undefined }).choices[0]?.message).not.toHaveProperty(
      'tool_calls',
    );
  });

  it('toolCallsChunk(): each call whole with its index, before the finish chunk', () => {
    expect(toolCallsChunk(meta, end).choices[0]).toEqual({
      index: 0,
      delta: {
        tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'calendar', arguments: '{"date":"2026-12-08"}' } }],
      },
      logprobs: null,
      finish_reason: null,
    });
    expect(finishChunk(meta, end).choices[0]?.finish_reason).toBe('tool_calls');
  });
});
