import 'reflect-metadata';
import { compilePlainCheck } from '@warren/contracts';
import { gatewayValidationPipe } from '../errors/validation.pipe';
import { PostMessageBody, SessionParams } from '../sessions/session-requests.dto';

const pipe = gatewayValidationPipe();

async function pipeAccepts(dto: new () => object, value: unknown): Promise<boolean> {
  try {
    await pipe.transform(value, { type: 'body', metatype: dto });
    return true;
  } catch {
    return false;
  }
}

/** What the fast check says, and what the pipe says; the check may say no where the pipe says yes, never the reverse. */
const bodies: [string, unknown, boolean, boolean][] = [
  ['text only', { text: 'hello' }, true, true],
  ['all fields', { text: 'hi', userId: 'u-42', locale: 'en-GB', channel: 'voice' }, true, true],
  ['a surrogate pair', { text: '😀' }, true, true],
  ['a variation selector after a letter', { text: 'a\uFE0F' }, true, true],
  ['userId of 256 characters', { text: 'hi', userId: 'u'.repeat(256) }, true, true],
  ['null optional fields', { text: 'hi', userId: null, locale: null, channel: null }, true, true],
  ['empty text', { text: '' }, false, false],
  ['only a variation selector', { text: '\uFE0F' }, true, true],
  ['no text', {}, false, false],
  ['text not a string', { text: 42 }, false, false],
  ['null text', { text: null }, false, false],
  ['an unknown field', { text: 'hi', extra: 1 }, false, false],
  // The pipe strips `__proto__`; the check leaves such a body to it.
  ['__proto__', JSON.parse('{"text":"hi","__proto__":{"x":1}}'), false, true],
  ['userId too long', { text: 'hi', userId: 'u'.repeat(257) }, false, false],
  ['bad locale', { text: 'hi', locale: 'english' }, false, false],
  ['bad channel', { text: 'hi', channel: 'fax' }, false, false],
  ['an array', [{ text: 'hi' }], false, false],
  ['a string', 'hi', false, false],
  ['null', null, false, false],
];

describe('compilePlainCheck', () => {
  const checkBody = compilePlainCheck(PostMessageBody);
  const checkParams = compilePlainCheck(SessionParams);

  it('compiles the DTOs of POST /v1/sessions/:sessionId/messages', () => {
    expect(checkBody).toBeDefined();
    expect(checkParams).toBeDefined();
  });

  it.each(bodies)('PostMessageBody, %s: %p → check %p, pipe %p', async (_what, body, fast, full) => {
    expect(checkBody?.(body)).toBe(fast);
    expect(await pipeAccepts(PostMessageBody, body)).toBe(full);
  });

  it.each([
    ['s1', true],
    ['a'.repeat(128), true],
    ['A_b-9', true],
    ['a'.repeat(129), false],
    ['s.1', false],
    ['', false],
  ])('SessionParams %p → %p, as the validation pipe decides', async (sessionId, accepted) => {
    expect(checkParams?.({ sessionId })).toBe(accepted);
    expect(await pipeAccepts(SessionParams, { sessionId })).toBe(accepted);
  });

  it('is undefined for a DTO whose rules it cannot run the same way', () => {
    class NoRules {}
    expect(compilePlainCheck(NoRules)).toBeUndefined();
  });
});
