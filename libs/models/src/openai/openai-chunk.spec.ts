import { errorBodyOf, MalformedChunkError, parseStreamData } from './openai-chunk';

const chunk = (delta: unknown, finish: string | null = null) => JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] });

describe('parseStreamData', () => {
  it('[DONE] ends the stream', () => {
    expect(parseStreamData('[DONE]')).toEqual({ kind: 'done' });
  });

  it('reads choices[0].delta.content and finish_reason', () => {
    expect(parseStreamData(chunk({ content: 'Hi' }))).toEqual({ kind: 'chunk', content: 'Hi' });
    expect(parseStreamData(chunk({}, 'length'))).toEqual({ kind: 'chunk', finishReason: 'length' });
  });

  it('empty or null content and a role-only delta give no text', () => {
    expect(parseStreamData(chunk({ role: 'assistant', content: '' }))).toEqual({ kind: 'chunk' });
    expect(parseStreamData(chunk({ content: null, tool_calls: [] }))).toEqual({ kind: 'chunk' });
    expect(parseStreamData(JSON.stringify({ choices: [{ index: 0, delta: null }] }))).toEqual({ kind: 'chunk' });
  });

  it('reads the final usage chunk (choices: [])', () => {
    expect(parseStreamData(JSON.stringify({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } }))).toEqual({
      kind: 'chunk',
      usage: { promptTokens: 12, completionTokens: 5 },
    });
  });

  it('an { error } payload is an in-stream error', () => {
    expect(parseStreamData('{"error":{"message":"overloaded","code":"server_error"}}')).toEqual({
      kind: 'error',
      error: { message: 'overloaded', code: 'server_error' },
    });
  });

  it.each([
    ['not JSON', '{"choices":[{"delta":{"content":'],
    ['not an object', '[1,2]'],
    ['choices not an array', '{"choices":{}}'],
    ['choices[0] not an object', '{"choices":[3]}'],
    ['delta not an object', '{"choices":[{"delta":"x"}]}'],
    ['content not a string', '{"choices":[{"delta":{"content":42}}]}'],
    ['neither choices nor usage', '{"id":"x"}'],
    ['usage without counts', '{"choices":[],"usage":{"total_tokens":3}}'],
  ])('%s is a MalformedChunkError', (_what, data) => {
    expect(() => parseStreamData(data)).toThrow(MalformedChunkError);
  });
});

describe('errorBodyOf', () => {
  it('reads { error: { message, type, code, param } }, { error: "text" } and { message }', () => {
    expect(errorBodyOf({ error: { message: 'm', type: 't', code: 'c', param: 'p' } })).toEqual({
      message: 'm',
      type: 't',
      code: 'c',
      param: 'p',
    });
    expect(errorBodyOf({ error: { message: 'm', code: 429 } })).toEqual({ message: 'm', code: '429' });
    expect(errorBodyOf({ error: 'plain' })).toEqual({ message: 'plain' });
    expect(errorBodyOf({ message: 'top' })).toEqual({ message: 'top' });
    expect(errorBodyOf('x')).toBeUndefined();
  });
});
