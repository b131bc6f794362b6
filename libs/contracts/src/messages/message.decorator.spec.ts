import { DeadLettered } from './dead-lettered.message';
import { Message, messageClassOf, messageTypeOf } from './message.decorator';
import { SessionMessage } from './session.messages';

describe('@Message', () => {
  it('names a class with its CloudEvents type and finds the class by type', () => {
    @Message('demo.spec.ping')
    class Ping {}
    expect(messageTypeOf(Ping)).toBe('demo.spec.ping');
    expect(messageClassOf('demo.spec.ping')).toBe(Ping);
    expect(messageClassOf('warren.session.message')).toBe(SessionMessage);
    expect(messageClassOf('warren.dead-letter.notice')).toBe(DeadLettered);
    expect(messageClassOf('demo.spec.unknown')).toBeUndefined();
  });

  it('refuses a type that does not look like warren.<entity>.<kind>', () => {
    expect(() => Message('NoDots')).toThrow(TypeError);
  });
});
