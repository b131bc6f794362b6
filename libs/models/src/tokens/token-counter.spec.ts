import { countChatTokens, countTokens, TOKENS_PER_MESSAGE, TOKENS_PER_REPLY } from './token-counter';

describe('countTokens()', () => {
  it('counts o200k_base tokens exactly (values from tiktoken)', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('Hello world, how are you?')).toBe(7);
    expect(countTokens('hello')).toBe(1);
  });

  it('counts text of other scripts, not words', () => {
    // No spaces, yet several tokens: a word count would say 1.
    expect(countTokens('こんにちは世界、お元気ですか')).toBeGreaterThan(3);
  });
});

describe('countChatTokens()', () => {
  it('adds the chat format overhead per message and for the reply', () => {
    const messages = [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Hello world, how are you?' },
    ];
    const text = countTokens('You are a helpful assistant.') + countTokens('Hello world, how are you?');
    const roles = countTokens('system') + countTokens('user');
    expect(countChatTokens(messages)).toBe(text + roles + 2 * TOKENS_PER_MESSAGE + TOKENS_PER_REPLY);
    expect(countChatTokens([])).toBe(TOKENS_PER_REPLY);
  });
});
