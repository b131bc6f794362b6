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
        { role: 'tool', content: 'b' },
      ]),
    ).toEqual(['messages[1].role must be one of the following values: system, user, assistant']);
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
      'messages[0].role must be one of the following values: system, user, assistant',
    ]);
  });
});
