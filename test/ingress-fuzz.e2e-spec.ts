// Property-based fuzzing of the ingress router (issue 15, "Tests"): batches of generated raw AMQP
// messages (random bodies, ids of every length and charset, types, specversions, routing keys,
// headers, properties, bursts) mixed with good ones, published to warren.ingress of a real runtime.
// Invariant per batch: every bad message has a dead letter with the reason (recorded by the keeper)
// and a `failed` event when its routing key names a valid session; every good one gets its reply;
// a burst member gets one or the other (WARREN_ACTOR_OVERLOADED); no event names an invalid session;
// nothing stays in or unacked on any queue. Replay a failure with FUZZ_SEED=<seed> (printed).
import { randomBytes } from 'node:crypto';
import { Actor, type ActorContext, Handle } from '@warren/actors';
import { SESSION_EVENT_TYPES, SessionInterrupt, SessionMessage } from '@warren/contracts';
import type { DeadLetterRecord } from '@warren/store';
import { type ConfirmChannel, connect, type Options } from 'amqplib';
import fc from 'fast-check';
import { DeadLetterKeeper } from '../apps/runtime/src/dead-letters/dead-letter-keeper';
import { IngressRouterActor } from '../apps/runtime/src/ingress/ingress-router.actor';
import { resolveIngressRouterOptions } from '../apps/runtime/src/ingress/ingress-router.options';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { EventTap, type TappedEvent } from './support/event-tap';
import { batchShape, type FuzzMessage, materialiseBad, materialiseBurst, materialiseGood } from './support/ingress-fuzz-cases';
import { busyQueues } from './support/queue-states';
import { type InProcessRuntime, startRuntime } from './support/runtime';

/** Stands in for the session: answers every forwarded turn with a `reply` event. */
@Actor('session')
class EchoSession {
  @Handle(SessionMessage)
  async message(msg: SessionMessage, ctx: ActorContext): Promise<void> {
    const sessionId = ctx.key.slice(ctx.key.indexOf('~') + 1);
    const data = {
      taskId: ctx.header('x-warren-client-task-id') ?? ctx.taskId,
      text: msg.text,
      model: 'echo',
      usage: { promptTokens: 0, completionTokens: 0 },
    };
    await ctx.emit(`session.${sessionId}.reply`, SESSION_EVENT_TYPES.REPLY, data, { subject: sessionId });
  }

  @Handle(SessionInterrupt)
  interrupt(): void {}
}

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 8);
const vhost = useVhost('ingress-fuzz');
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;
let router: InProcessRuntime;
let tap: EventTap;
let ch: ConfirmChannel;

beforeAll(async () => {
  // A small router mailbox so that bursts overflow it; the sessions on their own node, never overflowing.
  router = await startRuntime(
    vhost.url,
    [{ instance: new IngressRouterActor(resolveIngressRouterOptions({ maxTextLength: 200 })), options: { source: 'ingress' } }],
    { amqp: { nodeId: 'fuzz-router' }, runtime: { mailboxCapacity: 4 }, kinds: { session: 'entity' }, logger: quiet },
  );
  await startRuntime(vhost.url, [{ instance: new EchoSession() }], {
    amqp: { nodeId: 'fuzz-sessions' },
    runtime: { mailboxCapacity: 1024 },
    logger: quiet,
  });
  const keeper = new DeadLetterKeeper(router.transport, router.store, async () => undefined, quiet, { compensates: () => false });
  await keeper.start();
  autoTeardown({ stop: () => keeper.stop() });
  tap = autoTeardown(await EventTap.open(vhost.url));
  const conn = await connect(vhost.url, { noDelay: true });
  autoTeardown({ close: () => conn.close() });
  ch = await conn.createConfirmChannel();
  // A producer mistake closes the channel: the publishes fail (and the batch with them), nothing hangs.
  ch.on('error', (err: Error) => console.error(`fuzz producer channel closed: ${err.message}`));
});

function publish(m: FuzzMessage): Promise<void> {
  const options = { ...m.properties, headers: m.headers, persistent: true } as Options.Publish;
  return new Promise((resolve, reject) =>
    ch.publish('warren.ingress', m.routingKey, m.body, options, (err) => (err ? reject(err) : resolve())),
  );
}

/** What arrived for one batch: events by task id and by session, dead letters by the token they carry. */
interface Seen {
  replies: Map<string, TappedEvent[]>;
  failedBySession: Map<string, TappedEvent[]>;
  failedByTask: Map<string, TappedEvent[]>;
  letters: Map<string, DeadLetterRecord>;
  badSessionEvents: TappedEvent[];
}

async function seen(run: string, since: Date, fromEvent: number): Promise<Seen> {
  const s: Seen = { replies: new Map(), failedBySession: new Map(), failedByTask: new Map(), letters: new Map(), badSessionEvents: [] };
  const push = (map: Map<string, TappedEvent[]>, key: string, e: TappedEvent) => map.set(key, [...(map.get(key) ?? []), e]);
  for (const e of tap.events.slice(fromEvent)) {
    if (!SESSION_ID.test(e.sessionId ?? '')) s.badSessionEvents.push(e);
    const taskId = (e.event.data as { taskId?: unknown })?.taskId;
    if (e.kind === 'reply' && typeof taskId === 'string') push(s.replies, taskId, e);
    if (e.kind === 'failed') {
      push(s.failedBySession, e.sessionId, e);
      if (typeof taskId === 'string') push(s.failedByTask, taskId, e);
    }
  }
  const tokens = new RegExp(`fz${run}(?:c\\d+|u\\d+s\\d+)z`, 'g');
  let cursor: string | undefined;
  do {
    const page = await router.store.deadLetters.list({ from: since }, { limit: 1000, order: 'asc', ...(cursor ? { cursor } : {}) });
    for (const record of page.items) for (const token of JSON.stringify(record).match(tokens) ?? []) s.letters.set(token, record);
    cursor = page.nextCursor;
  } while (cursor);
  return s;
}

/** What is still missing or wrong for each message (empty when the batch satisfies the invariant). */
function problems(messages: FuzzMessage[], s: Seen): string[] {
  const out: string[] = [];
  const say = (m: FuzzMessage, what: string) => out.push(`${m.token} ${m.routingKey.slice(0, 60)} [${m.flaws.join(', ')}]: ${what}`);
  for (const m of messages) {
    const letter = s.letters.get(m.token);
    const replies = m.taskId ? (s.replies.get(m.taskId) ?? []) : [];
    if (m.expect === 'reply') {
      if (replies.length === 0) say(m, 'no reply');
      if (letter) say(m, `dead-lettered: ${letter.errorMessage}`);
      if (s.failedBySession.has(m.sessionId)) say(m, 'a failed event');
    } else if (m.expect === 'refused') {
      if (!letter) say(m, 'no dead letter');
      else if (!/^WARREN_[A-Z_]+$/.test(letter.errorCode) || letter.errorMessage.length === 0)
        say(m, `dead letter without a reason: ${letter.errorCode}`);
      const failed = m.readable ? (s.failedBySession.get(m.sessionId) ?? []) : [];
      if (m.readable && failed.length === 0) say(m, 'no failed event');
      if (failed.some((e) => (e.event.data as { code?: string }).code !== 'WARREN_INVALID_MESSAGE'))
        say(m, 'a failed event with another code');
      if (m.readable && s.replies.size > 0 && [...s.replies.values()].flat().some((e) => e.sessionId === m.sessionId)) say(m, 'a reply');
    } else {
      const overloaded = (s.failedByTask.get(m.taskId as string) ?? []).filter(
        (e) => (e.event.data as { code?: string }).code === 'WARREN_ACTOR_OVERLOADED',
      );
      if (replies.length > 0 && overloaded.length > 0) say(m, 'both a reply and an overload');
      if (replies.length === 0 && overloaded.length === 0) say(m, 'neither a reply nor an overload');
      if (overloaded.length > 0 && !letter) say(m, 'overloaded without a dead letter');
    }
  }
  for (const e of s.badSessionEvents) out.push(`an event on ${e.routingKey}, whose session id is invalid`);
  return out;
}

/** Burst members that were forwarded arrive in the order they were published. */
function burstOrder(messages: FuzzMessage[], s: Seen): string[] {
  const out: string[] = [];
  const bySession = new Map<string, FuzzMessage[]>();
  for (const m of messages) if (m.seq !== undefined) bySession.set(m.sessionId, [...(bySession.get(m.sessionId) ?? []), m]);
  for (const [session, members] of bySession) {
    const arrivals = members
      .map((m) => ({ seq: m.seq as number, at: s.replies.get(m.taskId as string)?.[0] }))
      .filter((a) => a.at !== undefined)
      .sort((a, b) => tap.events.indexOf(a.at as TappedEvent) - tap.events.indexOf(b.at as TappedEvent))
      .map((a) => a.seq);
    if (arrivals.some((seq, i) => i > 0 && seq < (arrivals[i - 1] as number)))
      out.push(`burst ${session} replied out of order: ${arrivals.join(',')}`);
  }
  return out;
}

test('fuzzing warren.ingress: every bad message is dead-lettered with a reason (and a failed event when its session is readable), good ones flow, nothing stays unacked', async () => {
  let batch = 0;
  const totals = { messages: 0, bad: 0, overloaded: 0, wrapped: 0, quarantined: 0 };
  const details = await fc.check(
    fc.asyncProperty(batchShape, async (shape) => {
      const run = `${randomBytes(3).toString('hex')}`;
      batch++;
      const since = new Date(Date.now() - 1000);
      const fromEvent = tap.events.length;
      const messages: FuzzMessage[] = shape.items.map((item, n) =>
        'good' in item ? materialiseGood(item.good, `fz${run}c${n}z`) : materialiseBad(item.bad, `fz${run}c${n}z`),
      );
      const bursts = shape.bursts.map((b, k) => materialiseBurst(b, `u${run}x${k}`, (seq) => `fz${run}u${k}s${seq}z`));
      // Interleave: bursts go out in the middle of the batch, every publish in flight at once.
      const half = Math.floor(messages.length / 2);
      const order = [...messages.slice(0, half), ...bursts.flat(), ...messages.slice(half)];
      await Promise.all(order.map(publish));
      let latest: string[] = [];
      try {
        await eventually(
          async () => {
            const s = await seen(run, since, fromEvent);
            latest = [...problems(order, s), ...burstOrder(order, s)];
            return latest.length === 0;
          },
          `batch ${batch}: every message's outcome`,
          45_000,
          250,
        );
        // Nothing left in or unacked on any of Warren's queues (ingress and session shards, warren.dead).
        await eventually(() => busyQueues(vhost.name, ['warren.']).length === 0, `batch ${batch}: every queue settled`, 20_000, 500);
      } catch (error) {
        const busy = busyQueues(vhost.name, ['warren.']).map((q) => `${q.name} ready ${q.ready} unacked ${q.unacked}`);
        if (process.env.FUZZ_DEBUG) {
          const all = await router.store.deadLetters.list({ from: since }, { limit: 1000 });
          for (const line of latest.filter((l) => l.endsWith('no dead letter'))) {
            const m = order.find((x) => line.startsWith(x.token));
            console.log(line, JSON.stringify(m?.properties), m?.body.toString().slice(0, 300));
            for (const r of all.items.filter((r) => r.origin?.routingKey === m?.routingKey))
              console.log('  record', r.messageId, r.errorClass, JSON.stringify(r).slice(0, 600));
          }
        }
        throw new Error(`${(error as Error).message}\n${[...latest.slice(0, 25), ...busy].join('\n')}`);
      }
      const s = await seen(run, since, fromEvent);
      const letters = [...s.letters.values()];
      totals.messages += order.length;
      totals.bad += order.filter((m) => m.expect === 'refused').length;
      totals.overloaded += letters.filter((r) => r.errorCode === 'WARREN_ACTOR_OVERLOADED').length;
      totals.wrapped += letters.filter((r) => (r.envelope as { type?: string } | null)?.type === 'warren.deadletter.wrapped').length;
      totals.quarantined += letters.filter((r) => r.errorClass === 'QuarantinedDeadLetter').length;
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  if (details.failed) {
    throw new Error(
      `ingress fuzzing failed in batch ${batch} with seed ${details.seed} (replay: FUZZ_SEED=${details.seed}):\n${details.errorInstance instanceof Error ? (process.env.FUZZ_STACK ? details.errorInstance.stack : details.errorInstance.message) : String(details.errorInstance)}`,
    );
  }
  console.log(`ingress fuzzing, seed ${SEED}, ${RUNS} batches: ${JSON.stringify(totals)}`);
  // The paths under test were all taken: refusals, overloads, wrapped dead letters, quarantined records.
  expect(totals.bad).toBeGreaterThan(0);
  expect(totals.overloaded).toBeGreaterThan(0);
  expect(totals.wrapped).toBeGreaterThan(0);
  expect(totals.quarantined).toBeGreaterThan(0);
}, 240_000);
