import { ActorOverloadedError, AskTimeoutError, CancelledError, RemoteError, UnknownActorTypeError } from '@warren/contracts';
import {
  Add,
  Append,
  AppendLater,
  CounterActor,
  EchoWorker,
  Explode,
  GetCount,
  Hold,
  Interrupt,
  LongWait,
  ReadLog,
  Release,
  Say,
  TwoSteps,
  Words,
} from './fixtures/test-actors';
import { eventually, useVhost } from './support/broker';
import { type InProcessRuntime, startRuntime } from './support/runtime';

const vhost = useVhost('messaging');
let node: InProcessRuntime;

beforeAll(async () => {
  node = await startRuntime(vhost.url, [{ instance: new CounterActor() }, { instance: new EchoWorker(), options: { keys: ['a', 'b'] } }], {
    runtime: { askTimeoutMs: 3000, mailboxCapacity: 8 },
    amqp: { shardPrefetch: 64 },
  });
});

describe('ActorRef', () => {
  test('#tell() resolves once the broker has the message and the actor applies it', async () => {
    const ref = node.runtime.ref('counter/tell-1');
    await ref.tell(Object.assign(new Add(), { by: 2 }));
    await ref.tell(Object.assign(new Add(), { by: 3 }));
    await eventually(async () => (await ref.ask<{ count: number }>(new GetCount())).count === 5, 'count to reach 5');
  });

  test('#ask() returns the handler result from an entity actor and from a worker pool', async () => {
    expect(await node.runtime.ref('counter/ask-1').ask(Object.assign(new Add(), { by: 7 }))).toBe(7);
    expect(await node.runtime.ref('echo/b').ask(Object.assign(new Say(), { text: 'hi' }))).toBe('b: hi');
  });

  test('#ask() rejects with AskTimeoutError after timeoutMs', async () => {
    const started = Date.now();
    const err = await node.runtime
      .ref('echo/a')
      .ask(Object.assign(new Say(), { text: 'slow', delayMs: 2000 }), { timeoutMs: 200 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AskTimeoutError);
    expect((err as AskTimeoutError).code).toBe('WARREN_ASK_TIMEOUT');
    expect((err as AskTimeoutError).timeoutMs).toBe(200);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  test('#ask() gets a remote handler error back with its code', async () => {
    const err = await node.runtime
      .ref('counter/err-1')
      .ask(Object.assign(new Explode(), { note: 'invalid' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).code).toBe('TEST_REFUSED');
    expect((err as RemoteError).message).toBe('refused on purpose');
  });

  test('#ask() with an invalid message is refused with WARREN_INVALID_MESSAGE naming the field', async () => {
    const err = await node.runtime
      .ref('counter/invalid-1')
      .ask(Object.assign(new Add(), { by: 'many' }))
      .catch((e: unknown) => e);
    expect((err as { code: string }).code).toBe('WARREN_INVALID_MESSAGE');
    expect((err as Error).message).toMatch(/by/);
  });

  test('#tell() to an actor type nobody declared fails with UnknownActorTypeError', async () => {
    await expect(node.runtime.ref('nobody/x').tell(new GetCount())).rejects.toBeInstanceOf(UnknownActorTypeError);
  });

  test('#askStream() yields the parts in order and ends', async () => {
    const parts: string[] = [];
    for await (const p of node.runtime.ref('echo/a').askStream<string>(Object.assign(new Words(), { text: 'one two three four' })))
      parts.push(p);
    expect(parts).toEqual(['one', 'two', 'three', 'four']);
  });

  test("#askStream() returns the end marker value (a generator handler's return value) when iterated to the end", async () => {
    const it = node.runtime.ref('echo/a').askStream<string, { count: number }>(Object.assign(new Words(), { text: 'a b c' }));
    const seen: string[] = [];
    let r = await it.next();
    while (!r.done) {
      seen.push(r.value);
      r = await it.next();
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(r.value).toEqual({ count: 3 });
  });

  test('a repeated ask (same message id) gets the stored reply and is not applied twice', async () => {
    const ref = node.runtime.ref('counter/dedup-1');
    const first = await ref.ask(Object.assign(new Add(), { by: 1 }), { messageId: 'dedup-msg-1' });
    const again = await ref.ask(Object.assign(new Add(), { by: 1 }), { messageId: 'dedup-msg-1' });
    expect(first).toBe(1);
    expect(again).toBe(1);
    expect((await ref.ask<{ count: number }>(new GetCount())).count).toBe(1);
  });
});

describe('entity actors', () => {
  test('messages to one actor are handled one at a time in order under concurrent sends', async () => {
    const ref = node.runtime.ref('counter/order-1');
    const values = Array.from({ length: 200 }, (_, i) => `m${i}`);
    // Sequential publishes (order is per producer), no waiting between them.
    for (const value of values) await ref.tell(Object.assign(new Append(), { value }));
    const log = await eventually(async () => {
      const l = await ref.ask<string[]>(new ReadLog());
      return l.length === values.length ? l : undefined;
    }, 'all appends to land');
    expect(log).toEqual(values);
  });

  test('messages to different actors of one shard do not wait for each other', async () => {
    const slow = node.runtime.ref('counter/slow-1');
    const slowDone = slow.ask(Object.assign(new Append(), { value: 'x', delayMs: 1500 }));
    const started = Date.now();
    // 40 other actors: some share the slow actor's shard (4 shards); none waits 1.5 s.
    await Promise.all(Array.from({ length: 40 }, (_, i) => node.runtime.ref(`counter/fast-${i}`).ask(Object.assign(new Add(), { by: 1 }))));
    expect(Date.now() - started).toBeLessThan(1000);
    await slowDone;
  });

  test('a full mailbox refuses an ask with WARREN_ACTOR_OVERLOADED instead of dropping it', async () => {
    const ref = node.runtime.ref('counter/hot-1');
    const asks = Array.from({ length: 20 }, () =>
      ref.ask(Object.assign(new Append(), { value: 'h', delayMs: 50 })).then(
        () => 'ok',
        (e: unknown) => e,
      ),
    );
    const results = await Promise.all(asks);
    const refused = results.filter((r) => r instanceof ActorOverloadedError);
    expect(refused.length).toBeGreaterThan(0);
    expect(results.filter((r) => r === 'ok').length).toBeGreaterThanOrEqual(8);
    expect((refused[0] as ActorOverloadedError).code).toBe('WARREN_ACTOR_OVERLOADED');
  });

  test('an interleaved handler runs while a long handler awaits and aborts it; ordinary messages wait their turn', async () => {
    const ref = node.runtime.ref('counter/barge-1');
    // One shard queue, in order: LongWait is dispatched before everything sent after it.
    const long = ref.ask<string>(Object.assign(new LongWait(), { ms: 10_000 }));
    const queued = ref.ask(Object.assign(new Append(), { value: 'after' }));
    // An interleaved read runs now, while LongWait holds the ordinary lane; 'after' is not applied yet.
    expect(await ref.ask<string[]>(new ReadLog())).toEqual([]);
    const started = Date.now();
    expect(await ref.ask<boolean>(new Interrupt())).toBe(true);
    expect(await long).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(500);
    await queued;
    expect(await ref.ask<string[]>(new ReadLog())).toEqual(['aborted', 'after']);
  });

  test('ctx.signal is fired by a cancel(taskId) on warren.control for a worker on any node', async () => {
    const ref = node.runtime.ref('echo/a');
    const pending = ref.ask(Object.assign(new Say(), { text: 'x', delayMs: 10_000 }), { taskId: 'task-cancel-1' }).catch((e: unknown) => e);
    // A cancel that comes before the worker took the message finds nothing to abort: send it again
    // until the ask has ended (a cancel is idempotent).
    let ended: unknown;
    void pending.then((outcome) => {
      ended = { outcome };
    });
    await eventually(
      async () => {
        await node.transport.control({ kind: 'cancel', taskId: 'task-cancel-1' });
        return ended;
      },
      'the cancelled ask to end',
      15_000,
      200,
    );
    const err = await pending;
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as CancelledError).code).toBe('WARREN_CANCELLED');
  });
});

describe('handler context', () => {
  test('ctx.replyLater() answers an ask from a later message; the actor stays free meanwhile', async () => {
    const ref = node.runtime.ref('counter/defer-1');
    // One shard queue, in order: both Holds are handled before the Release sent after them.
    const held = [ref.ask<string>(new Hold()), ref.ask<string>(new Hold())];
    expect(await ref.ask(Object.assign(new Release(), { value: 'released' }))).toBe(2);
    expect(await Promise.all(held)).toEqual(['released', 'released']);
  });

  test('ctx.step() saves a step result so a retried handler does not run the step again', async () => {
    const ref = node.runtime.ref('counter/steps-1');
    // The second step fails on the first attempt; the in-place retry reuses step one's saved result.
    expect(await ref.ask(new TwoSteps())).toBe('first#1+second');
  });

  test('ctx.setTimer() delivers a message to the activation after the delay', async () => {
    const ref = node.runtime.ref('counter/timer-1');
    await ref.ask(Object.assign(new AppendLater(), { value: 'tick', delayMs: 150 }));
    expect(await ref.ask<string[]>(new ReadLog())).toEqual([]);
    await eventually(async () => (await ref.ask<string[]>(new ReadLog())).includes('tick'), 'the timer message');
  });
});
