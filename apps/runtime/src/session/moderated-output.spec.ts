import { Moderator } from '@warren/moderation';
import { ModeratedOutput } from './moderated-output';

describe('ModeratedOutput', () => {
  const moderator = new Moderator({ categories: { bad: { action: 'block', words: ['forbidden word'] } } });

  it('releases text up to the last complete word and the rest at the end', () => {
    const out = new ModeratedOutput(moderator);
    expect(out.push('Hel')).toBeUndefined();
    expect(out.push('lo the')).toBe('Hello ');
    expect(out.push('re friend')).toBe('there ');
    const { rest, result } = out.finish();
    expect(rest).toBe('friend');
    expect(result.allowed).toBe(true);
    expect(out.sent).toBe('Hello there friend');
  });

  it('masks personal data before it is streamed', () => {
    const out = new ModeratedOutput(moderator);
    const streamed = [out.push('Mail me at bob@example.com please'), out.finish().rest].join('');
    expect(streamed).not.toContain('bob@example.com');
    expect(streamed).toContain('[email]');
  });

  it('stops streaming when the reply becomes blocked, and reports the block', () => {
    const out = new ModeratedOutput(moderator);
    expect(out.push('This is a ')).toBe('This is a ');
    expect(out.push('forbidden word indeed ')).toBeUndefined();
    expect(out.push('more text ')).toBeUndefined();
    const { rest, result } = out.finish();
    expect(rest).toBeUndefined();
    expect(result.allowed).toBe(false);
    expect(out.sent).toBe('This is a ');
  });
});
