import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ChatComplete } from './chat.messages';
import { chatMessagesProblem } from './chat-messages.validator';
import { ModelComplete } from './model.messages';

const check = (messages: unknown) =>
  validateSync(plainToInstance(ModelComplete, { messages }), { whitelist: true, forbidNonWhitelisted: true }).flatMap((e) =>
    Object.values(e.constraints ?? {}),
  );

describe('IsChatMessages', () => {
  it('accepts { role, content } messages with a known role', () => {
    expect(
      chatMessagesProblem([
        { role: 'system', content: 'x' },
        { role: 'user', content: '' },
        { role: 'assistant', content: 'y' },
      ]),
    ).toBeUndefined();
    expect(check([{ role: 'user', content: 'hello' }])).toEqual([]);
  });

  it('names the first bad element and what is wrong with it', () => {
    expect(
      check([
        { role: 'user', content: 'a' },
        { role: 'bot', content: 'b' },
      ]),
    ).toEqual(['messages[1].role must be one of the following values: system, user, assistant, tool']);
    expect(check([{ role: 'user', content: 3 }])).toEqual(['messages[0].content must be a string']);
    expect(check([{ role: 'user', content: 'a', name: 'x' }])).toEqual(['messages[0].name should not exist']);
    expect(check(['hello'])).toEqual(['messages[0] must be an object']);
    expect(check([null])).toEqual(['messages[0] must be an object']);
  });

  it('keeps the array rules: an array of at least one message', () => {
    expect(check([])).toEqual(['messages must contain at least 1 elements']);
    expect(check('hello')).toEqual(expect.arrayContaining(['messages must be an array']));
  });

  it('checks ChatComplete the same way', () => {
    const errors = validateSync(plainToInstance(ChatComplete, { tenant: 'dev', model: 'auto', messages: [{ role: 'bot', content: 'x' }] }));
    expect(errors.flatMap((e) => Object.values(e.constraints ?? {}))).toEqual([
      'messages[0].role must be one of the following values: system, user, assistant, tool',
    ]);
  });

  it("takes an assistant's toolCalls and a tool message with its toolCallId, nothing else", () => {
    const call = { id: 'c1', name: 'calendar', arguments: '{}' };
    expect(
      check([
        { role: 'user', content: 'a' },
        { role: 'assistant', content: '', toolCalls: [call] },
        { role: 'tool', content: '{"ok":true}', toolCallId: 'c1' },
      ]),
    ).toEqual([]);
    expect(check([{ role: 'tool', content: 'x' }])).toEqual(['messages[0].toolCallId must be a non-empty string']);
    expect(check([{ role: 'user', content: 'x', toolCalls: [call] }])).toEqual(['messages[0].toolCalls should not exist']);
    expect(check([{ role: 'user', content: 'x', toolCallId: 'c1' }])).toEqual(['messages[0].toolCallId should not exist']);
    expect(check([{ role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'x' }] }])).toEqual([
      'messages[0].toolCalls[0].arguments must be a string',
    ]);
  });
});
