import { InvalidMessageError } from '@warren/contracts';
import { parseChatRequest } from './chat-request';

const ok = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };

function violation(body: unknown): string | undefined {
  try {
    parseChatRequest(body);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    return (error as InvalidMessageError).violations[0]?.field;
  }
  return undefined;
}

const TOOL = {
  type: 'function',
  function: { name: 'calendar', description: 'Looks up a day', parameters: { type: 'object', properties: { date: { type: 'string' } } } },
};

describe('parseChatRequest', () => {
  it('reads what Warren acts on and does not pass on sampling hints or unknown fields', () => {
    expect(
      parseChatRequest({
        ...ok,
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: 10,
        max_completion_tokens: 20,
        temperature: 0.5,
        user: 'u1',
        logit_bias: {},
        seed: 3,
        top_p: 0.9,
        x_unknown: true,
      }),
    ).toEqual({ ...ok, stream: true, includeUsage: true, maxTokens: 20, temperature: 0.5, user: 'u1' });
    expect(parseChatRequest({ ...ok, stream: null, temperature: null })).toEqual({ ...ok, stream: false, includeUsage: false });
  });

  it('maps developer to system and joins text parts; an assistant may have null content', () => {
    const r = parseChatRequest({
      model: 'local',
      messages: [
        { role: 'developer', content: 'be brief' },
        { role: 'assistant', content: null },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
      ],
    });
    expect(r.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'ab' },
    ]);
  });

  it('names the wrong field as OpenAI’s param does', () => {
    expect(violation([])).toBe('body');
    expect(violation({ messages: ok.messages })).toBe('model');
    expect(violation({ model: 'auto', messages: [] })).toBe('messages');
    expect(violation({ model: 'auto', messages: [{ role: 'system', content: 'x' }] })).toBe('messages');
    expect(violation({ model: 'auto', messages: [{ role: 'bot', content: 'x' }] })).toBe('messages[0].role');
    expect(violation({ model: 'auto', messages: [{ role: 'tool', content: 'x' }] })).toBe('messages[0].tool_call_id');
    expect(violation({ model: 'auto', messages: [{ role: 'user', content: [{ type: 'image_url' }] }] })).toBe('messages[0].content[0]');
    expect(violation({ ...ok, temperature: 3 })).toBe('temperature');
    expect(violation({ ...ok, max_tokens: 0 })).toBe('max_tokens');
    expect(violation({ ...ok, stream: 'yes' })).toBe('stream');
    expect(violation({ ...ok, stream_options: { include_usage: 1 } })).toBe('stream_options.include_usage');
    expect(violation({ ...ok, n: 2 })).toBe('n');
    expect(violation({ ...ok, tools: [{ type: 'function' }] })).toBe('tools[0].function');
    expect(violation({ ...ok, tools: [{ type: 'retrieval' }] })).toBe('tools[0].type');
    expect(violation({ ...ok, tools: { type: 'function' } })).toBe('tools');
    expect(violation({ ...ok, tools: [{ type: 'function', function: { name: 'a b' } }] })).toBe('tools[0].function.name');
    expect(violation({ ...ok, tools: [TOOL, TOOL] })).toBe('tools[1].function.name');
    expect(violation({ ...ok, tools: [TOOL], tool_choice: { type: 'function', function: { name: 'other' } } })).toBe('tool_choice');
    expect(violation({ ...ok, tool_choice: 'sometimes' })).toBe('tool_choice');
    expect(violation({ ...ok, parallel_tool_calls: 'yes' })).toBe('parallel_tool_calls');
    expect(violation({ model: 'auto', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c' }] }] })).toBe(
      'messages[0].tool_calls[0].type',
    );
  });

  it("reads tools, tool_choice, an assistant's tool_calls and tool messages in the OpenAI format", () => {
    const request = parseChatRequest({
      model: 'auto',
      messages: [
        { role: 'user', content: 'What is on my calendar on Monday?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'calendar', arguments: '{"date":"2026-12-07"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"events":[]}' },
      ],
      tools: [TOOL],
      tool_choice: { type: 'function', function: { name: 'calendar' } },
      parallel_tool_calls: true,
    });
    expect(request).toMatchObject({
      messages: [
        { role: 'user', content: 'What is on my calendar on Monday?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'calendar', arguments: '{"date":"2026-12-07"}' }] },
        { role: 'tool', content: '{"events":[]}', toolCallId: 'call_1' },
      ],
      tools: [
        { name: 'calendar', description: 'Looks up a day', parameters: { type: 'object', properties: { date: { type: 'string' } } } },
      ],
      toolChoice: { name: 'calendar' },
    });
    // Without tools of its own, a caller may name a Warren-hosted tool, or turn them off.
    expect(parseChatRequest({ ...ok, tool_choice: { type: 'function', function: { name: 'clock' } } }).toolChoice).toEqual({
      name: 'clock',
    });
    expect(parseChatRequest({ ...ok, tool_choice: 'none' }).toolChoice).toBe('none');
  });

  it('accepts the fields that ask for what Warren does anyway', () => {
    const same = {
      ...ok,
      n: 1,
      response_format: { type: 'text' },
      tools: [],
      tool_choice: 'none',
      parallel_tool_calls: false,
      logprobs: false,
      modalities: ['text'],
      stop: null,
    };
    expect(parseChatRequest(same)).toEqual({ ...ok, stream: false, includeUsage: false, toolChoice: 'none' });
  });

  it.each([
    ['response_format', { type: 'json_object' }],
    ['response_format', { type: 'json_schema', json_schema: { name: 'x', schema: {} } }],
    ['response_format', 'json'],
    ['functions', [{ name: 'f' }]],
    ['function_call', { name: 'f' }],
    ['logprobs', true],
    ['top_logprobs', 3],
    ['audio', { voice: 'alloy', format: 'wav' }],
    ['modalities', ['text', 'audio']],
    ['prediction', { type: 'content', content: 'x' }],
    ['stop', ['\n']],
    ['stop', 'END'],
  ])('refuses %s %j explicitly, naming it as param, with a message that says why once', (field, value) => {
    expect(violation({ ...ok, [field]: value })).toBe(field);
    try {
      parseChatRequest({ ...ok, [field]: value });
    } catch (error) {
      const message = (error as Error).message;
      expect(message.startsWith(`${field} must`)).toBe(true);
      expect(message).not.toMatch(/(\b\w+\b) \1 /);
      expect(message).toMatch(/not (supported|returned)|text only/);
    }
  });
});
