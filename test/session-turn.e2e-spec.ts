// A conversation turn over the raw-AMQP wire contract (a voice/RTC server's view), against the
// runtime app started from compiled output: ingress → router → session → limiter → model → events.
import { randomUUID } from 'node:crypto';
import type { WarrenStore } from '@warren/store';
import { loadWireContract } from './support/asyncapi';
import { autoTeardown, eventually, useVhost } from './support/broker';
import type { EventTap } from './support/event-tap';
import { startSystem } from './support/system';

const vhost = useVhost('turn');
let tap: EventTap;
let store: WarrenStore;

beforeAll(async () => {
  ({ tap, store } = await startSystem('runtime', vhost.url));
});

const history = (sessionId: string, tenant = 'dev') =>
  store.history.page({ tenant, sessionId }, { order: 'asc', limit: 200 }).then((p) => p.items);

describe('a turn over the raw-AMQP contract', () => {
  it('streams deltas in order, then the reply, and writes history and the task with its steps', async () => {
    const taskId = await tap.say('s1', 'Hello there, how are you?', { data: { userId: 'u1' } });
    const reply = await tap.waitFor(taskId, 'reply');
    const deltas = tap.ofTask(taskId).filter((e) => e.kind === 'delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((d) => d.event.data.seq)).toEqual(deltas.map((_, i) => i));
    expect(deltas.map((d) => d.event.data.text).join('')).toBe(reply.event.data.text);
    expect(reply.event.data).toMatchObject({ taskId, model: 'local', language: 'en' });
    expect(reply.event.data.usage).toEqual({ promptTokens: expect.any(Number), completionTokens: expect.any(Number) });
    expect(reply.event.type).toBe('warren.session.reply');
    expect(reply.headers['x-warren-sender']).toBe('session/dev~s1');

    const parts = await history('s1');
    expect(parts.map((p) => [p.role, p.content])).toEqual([
      ['user', 'Hello there, how are you?'],
      ['assistant', reply.event.data.text],
    ]);
    expect(parts[1]).toMatchObject({ taskId: tap.task(taskId), userId: 'u1', model: 'local', status: 'complete' });
    const task = await store.tasks.get(tap.task(taskId));
    expect(task).toMatchObject({ status: 'completed', tenant: 'dev', sessionId: 's1', actor: 'session/dev~s1' });
    expect(task?.steps.map((s) => s.name)).toEqual(['preprocess', 'moderation-in', 'limiter', 'model', 'moderation-out']);
    expect(task?.steps.every((s) => s.outcome === 'ok' && typeof s.durationMs === 'number')).toBe(true);
    expect(task?.transitions.map((t) => t.status)).toEqual(['accepted', 'running', 'completed']);
    expect(task?.usage?.totalTokens).toBeGreaterThan(0);
  });

  it('publishes events that the AsyncAPI document (docs/asyncapi.yaml) accepts', async () => {
    const contract = await loadWireContract();
    const taskId = await tap.say('s-contract', 'Hello there, how are you?');
    await tap.waitFor(taskId, 'reply');
    for (const e of tap.ofTask(taskId)) expect([e.kind, contract.check(e.kind, e.event, e.headers)]).toEqual([e.kind, []]);
  });

  it('treats a repeated CloudEvent id as the same task, not a new turn', async () => {
    const id = randomUUID();
    await tap.say('s-dup', 'hello', { id });
    await tap.waitFor(id, 'reply');
    await tap.say('s-dup', 'hello', { id });
    const second = await tap.say('s-dup', 'what is 2+3?');
    await tap.waitFor(second, 'reply');
    expect(tap.ofTask(id).filter((e) => e.kind === 'reply')).toHaveLength(1);
    expect((await history('s-dup')).map((p) => p.content)).toEqual([
      'hello',
      'Hello! How can I help you today?',
      'what is 2+3?',
      '2 + 3 = 5.',
    ]);
  });

  it('keeps the order of one session’s messages under 50 concurrent sends', async () => {
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => tap.say('s-order', `what is ${i} + 1?`)));
    await eventually(() => ids.every((id) => tap.ofTask(id).some((e) => e.kind === 'reply')), 'all 50 replies', 30_000);
    const replies = tap.events.filter((e) => e.sessionId === 's-order' && e.kind === 'reply');
    expect(replies.map((e) => e.event.data.taskId)).toEqual(ids);
    const parts = await history('s-order');
    expect(parts.filter((p) => p.role === 'user').map((p) => p.content)).toEqual(ids.map((_, i) => `what is ${i} + 1?`));
    expect(parts.filter((p) => p.role === 'assistant').map((p) => p.content)).toEqual(ids.map((_, i) => `${i} + 1 = ${i + 1}.`));
  });

  it('runs 100 sessions in parallel', async () => {
    const ids = await Promise.all(Array.from({ length: 100 }, (_, i) => tap.say(`p${i}`, 'hello')));
    await eventually(() => ids.every((id) => tap.ofTask(id).some((e) => e.kind === 'reply')), 'all 100 replies', 30_000);
    expect(new Set(ids.map((id) => tap.ofTask(id).find((e) => e.kind === 'reply')?.sessionId)).size).toBe(100);
  });

  it('uses the profile tags and history of the session in the prompt, and the caller’s locale', async () => {
    await store.profiles.upsert('dev', 'u-fr', { tags: ['likes cheese'] });
    const taskId = await tap.say('s-fr', 'Bonjour', { data: { userId: 'u-fr', locale: 'fr-FR' } });
    const reply = await tap.waitFor(taskId, 'reply');
    expect(reply.event.data).toMatchObject({ language: 'fr', text: 'Bonjour ! Comment puis-je vous aider ?' });
    expect((await store.tasks.get(tap.task(taskId)))?.routing).toMatchObject({ model: 'local', language: 'fr', languageSource: 'locale' });
  });

  it('continues the trace of the ingress message on every event of the turn', async () => {
    const traceId = randomUUID().replace(/-/g, '');
    const traceparent = `00-${traceId}-${'a'.repeat(16)}-01`;
    const taskId = await tap.say('s-trace', 'hello', { headers: { traceparent } });
    await tap.waitFor(taskId, 'reply');
    for (const e of tap.ofTask(taskId)) expect(String(e.headers.traceparent)).toContain(traceId);
  });
});
