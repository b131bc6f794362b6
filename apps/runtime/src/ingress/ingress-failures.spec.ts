import { ActorOverloadedError, InvalidMessageError, toWireError, UnknownMessageTypeError } from '@warren/contracts';
import { failedEventData } from './ingress-failures';

describe('failedEventData()', () => {
  it('failedEventData() gives a presentable message, the exact reason as detail and the claimed id as taskId', () => {
    const wire = toWireError(new InvalidMessageError('not a CloudEvent: specversion must be "1.0"'));
    expect(failedEventData(wire, 'm1')).toEqual({
      taskId: 'm1',
      code: 'WARREN_INVALID_MESSAGE',
      message: 'The message could not be understood.',
      detail: 'not a CloudEvent: specversion must be "1.0"',
    });
  });

  it('failedEventData() says a full mailbox is an overload the user may retry', () => {
    const data = failedEventData(toWireError(new ActorOverloadedError('ingress/s1', 64)), 'm2');
    expect(data).toMatchObject({ code: 'WARREN_ACTOR_OVERLOADED', message: expect.stringMatching(/try again/) });
  });

  it('failedEventData() reports a type no ingress handler takes as an invalid message', () => {
    expect(failedEventData(toWireError(new UnknownMessageTypeError('ingress', 'x.y')), 'm3').code).toBe('WARREN_INVALID_MESSAGE');
  });

  it('failedEventData() leaves taskId out when the message carried no id, or one too long to echo', () => {
    const wire = toWireError(new InvalidMessageError('bad'));
    expect(failedEventData(wire, undefined)).not.toHaveProperty('taskId');
    expect(failedEventData(wire, 'x'.repeat(1025))).not.toHaveProperty('taskId');
    expect(failedEventData(wire, 'x'.repeat(1024)).taskId).toHaveLength(1024);
  });
});
