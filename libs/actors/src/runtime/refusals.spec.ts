import { type CloudEvent, InvalidMessageError, Message } from '@warren/contracts';
import { defineActor } from '../actor-definition';
import { Actor } from '../decorators/actor.decorator';
import { Handle } from '../decorators/handle.decorator';
import { type Delivery, type FailureReport, UNREADABLE_TYPE } from '../ports/delivery.port';
import type { ActorTransport } from '../ports/transport.port';
import type { RuntimeLogger } from './dispatch-support';
import { admit, type OnRefusal, type Refusal, type RefusalContext } from './refusals';

@Message('spec.refusal.ping')
class Ping {}

@Actor('spec-plain')
class Plain {
  @Handle(Ping)
  ping(): void {}
}

const seen: Refusal[] = [];
let hookFails = false;

@Actor('spec-announcer')
class Announcer implements OnRefusal {
  @Handle(Ping)
  ping(): void {}

  async onRefusal(refusal: Refusal, ctx: RefusalContext): Promise<void> {
    seen.push(refusal);
    if (hookFails) throw new Error('hook down');
    await ctx.emit(`room.${refusal.key}.failed`, 'spec.refused', { why: String(refusal.error) }, { subject: refusal.key });
  }
}

const quiet: RuntimeLogger = { debug: () => undefined, info: () => undefined, warn: jest.fn(), error: jest.fn() };

function fakeTransport() {
  const events: { routingKey: string; event: CloudEvent; headers: Record<string, string | number> }[] = [];
  const transport = {
    nodeId: 'node-t',
    publishEvent: jest.fn(async (routingKey: string, event: CloudEvent, headers: Record<string, string | number>) => {
      events.push({ routingKey, event, headers });
    }),
    reply: jest.fn(async () => undefined),
  } as unknown as ActorTransport;
  return { transport, events };
}

function delivery(overrides: Partial<Delivery> = {}): Delivery & { reports: FailureReport[] } {
  const reports: FailureReport[] = [];
  return {
    envelope: { specversion: '1.0', id: 'm-1', source: 'rtc://edge', type: 'spec.refusal.ping' },
    headers: {},
    key: 'r1',
    routingKey: 'room.r1.ping',
    redelivered: false,
    attempt: 1,
    queue: 'q',
    ack: jest.fn(),
    deadLetter: jest.fn(async (report: FailureReport) => {
      reports.push(report);
    }),
    retryLater: jest.fn(async () => undefined),
    reports,
    ...overrides,
  };
}

beforeEach(() => {
  seen.length = 0;
  hookFails = false;
});

describe('admit()', () => {
  it('admit() hands a readable delivery of an actor without a hook to the dispatcher unchanged', () => {
    const { transport } = fakeTransport();
    const d = delivery();
    const dispatch = jest.fn();
    admit(defineActor(new Plain()), d, dispatch, { transport, log: quiet });
    expect(dispatch).toHaveBeenCalledWith(d);
  });

  it('admit() refuses an unreadable body with its parse error and never dispatches it', async () => {
    const { transport } = fakeTransport();
    const error = new InvalidMessageError('body is not JSON: x');
    const d = delivery({
      envelope: { specversion: '1.0', id: 'sha256:abc', source: 'warren:unreadable', type: UNREADABLE_TYPE },
      unreadable: { error, claimedId: 'x'.repeat(300) },
    });
    const dispatch = jest.fn();
    admit(defineActor(new Plain()), d, dispatch, { transport, log: quiet });
    await new Promise((r) => setImmediate(r));
    expect(dispatch).not.toHaveBeenCalled();
    expect(d.reports).toEqual([{ error, target: 'spec-plain/r1', attempt: 1 }]);
  });

  it('admit() leaves the target out when the key cannot form an address', async () => {
    const { transport } = fakeTransport();
    const d = delivery({ key: 'a b', unreadable: { error: new InvalidMessageError('bad') } });
    admit(defineActor(new Plain()), d, jest.fn(), { transport, log: quiet });
    await new Promise((r) => setImmediate(r));
    expect(d.reports[0]?.target).toBeUndefined();
  });
});

describe('OnRefusal hooks', () => {
  it('a dead letter of an actor with onRefusal runs the hook first, which emits with an id derived from the message', async () => {
    const { transport, events } = fakeTransport();
    const d = delivery({ headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
    let dispatched: Delivery | undefined;
    admit(defineActor(new Announcer()), d, (x) => (dispatched = x), { transport, log: quiet });
    const error = new InvalidMessageError('nope');
    await dispatched?.deadLetter({ error, attempt: 1 });
    expect(seen).toEqual([{ error, key: 'r1', routingKey: 'room.r1.ping', claimedId: 'm-1', envelope: d.envelope }]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      routingKey: 'room.r1.failed',
      event: { id: 'm-1:refused', type: 'spec.refused', subject: 'r1', source: 'warren://node/node-t' },
      headers: { 'x-warren-sender': 'spec-announcer/r1', 'x-warren-task-id': 'm-1' },
    });
    // The event continues the message's trace.
    expect(String(events[0]?.headers.traceparent)).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-/);
    expect(d.reports).toHaveLength(1);
  });

  it('an unreadable body reaches the hook with the id it claims, and the event id stays usable', async () => {
    const { transport, events } = fakeTransport();
    const claimed = 'y'.repeat(400);
    const d = delivery({
      envelope: { specversion: '1.0', id: `sha256:${'0'.repeat(64)}`, source: 'warren:unreadable', type: UNREADABLE_TYPE },
      unreadable: { error: new InvalidMessageError('not a CloudEvent: id must be at most 255 bytes'), claimedId: claimed },
    });
    admit(defineActor(new Announcer()), d, jest.fn(), { transport, log: quiet });
    await new Promise((r) => setImmediate(r));
    expect(seen[0]).toMatchObject({ key: 'r1', claimedId: claimed });
    expect(seen[0]?.envelope).toBeUndefined();
    expect(events[0]?.event.id).toBe(`sha256:${'0'.repeat(64)}:refused`);
    expect(events[0]?.headers['x-warren-task-id']).toBeUndefined(); // the claimed id is not a usable header value
    expect(d.reports).toHaveLength(1);
  });

  it('a hook that fails is logged and the message is dead-lettered anyway', async () => {
    hookFails = true;
    const { transport } = fakeTransport();
    const d = delivery();
    let dispatched: Delivery | undefined;
    admit(defineActor(new Announcer()), d, (x) => (dispatched = x), { transport, log: quiet });
    await dispatched?.deadLetter({ error: new Error('x'), attempt: 3 });
    expect(quiet.warn).toHaveBeenCalled();
    expect(d.reports).toHaveLength(1);
  });

  it('an ask is answered with the error: no hook, no dead letter', async () => {
    const { transport, events } = fakeTransport();
    const d = delivery({
      envelope: { specversion: '1.0', id: 'sha256:1', source: 'warren:unreadable', type: UNREADABLE_TYPE },
      unreadable: { error: new InvalidMessageError('bad') },
      replyTo: { replyTo: 'amq.rabbitmq.reply-to.x', correlationId: 'c1' },
    });
    admit(defineActor(new Announcer()), d, jest.fn(), { transport, log: quiet });
    await new Promise((r) => setImmediate(r));
    expect(transport.reply).toHaveBeenCalled();
    expect(d.ack).toHaveBeenCalled();
    expect(seen).toEqual([]);
    expect(events).toEqual([]);
    expect(d.reports).toEqual([]);
  });

  it('an ask whose reply cannot be sent is dead-lettered instead of staying unacked', async () => {
    const { transport } = fakeTransport();
    (transport.reply as jest.Mock).mockRejectedValueOnce(new Error('no ask channel'));
    const d = delivery({ unreadable: { error: new InvalidMessageError('bad') }, replyTo: { replyTo: 'q', correlationId: 'c' } });
    admit(defineActor(new Plain()), d, jest.fn(), { transport, log: quiet });
    await new Promise((r) => setImmediate(r));
    expect(d.ack).not.toHaveBeenCalled();
    expect(d.reports).toHaveLength(1);
  });
});
