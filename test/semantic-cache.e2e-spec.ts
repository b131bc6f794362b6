// The answer cache (`cache:`, off by default; exact or semantic mode) on the all-in-one app: the same question after the
// same context in the same tenant is answered from the cache (streamed as deltas, `cached: true`,
// the task's routing.cache shows the hit, warren_cache_lookups_total counts it); the same last
// message after a different earlier context, or in another tenant, is not; off, nothing is cached.
import { createHash } from 'node:crypto';
import type { WarrenStore } from '@warren/store';
import type { AppProcess } from './support/app-process';
import { useVhost } from './support/broker';
import type { EventTap } from './support/event-tap';
import { startSystem } from './support/system';

const DEV = { authorization: 'Bearer dev-key' };
const ACME = { authorization: 'Bearer acme-key' };
const sha256 = (key: string) => `sha256:${createHash('sha256').update(key).digest('hex')}`;
const TENANTS = JSON.stringify({ dev: { apiKeys: [sha256('dev-key')] }, acme: { apiKeys: [sha256('acme-key')] } });

interface Reply {
  text: string;
  model: string;
  cached?: boolean;
}

function client(app: () => AppProcess, tap: () => EventTap) {
  /** Sends a turn through the gateway and waits for its reply event. */
  return async (sessionId: string, text: string, headers: Record<string, string> = DEV) => {
    const res = await fetch(`${app().url}/v1/sessions/${sessionId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ text }),
    });
    expect(res.status).toBe(202);
    const { taskId } = (await res.json()) as { taskId: string };
    const reply = (await tap().waitFor(taskId, 'reply')).event.data as unknown as Reply;
    const deltas = tap()
      .ofTask(taskId)
      .filter((e) => e.kind === 'delta')
      .map((e) => (e.event.data as { text: string }).text);
    return { taskId, reply, deltas };
  };
}

/** One file's Warren in its own vhost with `env`, started before the describe's tests; `say` sends a turn. */
function useCacheSystem(name: string, env: Record<string, string>) {
  const vhost = useVhost(name);
  const sys = {} as { app: AppProcess; tap: EventTap; store: WarrenStore };
  beforeAll(async () => {
    Object.assign(sys, await startSystem('warren', vhost.url, { WARREN__GATEWAY__TENANTS: TENANTS, ...env }));
  });
  const say = client(
    () => sys.app,
    () => sys.tap,
  );
  return { sys, say };
}

const lookups = async (app: AppProcess, result: 'hit' | 'miss'): Promise<number> => {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const m = new RegExp(`warren_cache_lookups_total\\{result="${result}"\\} (\\d+)`).exec(text);
  return m ? Number(m[1]) : 0;
};

describe('answer cache on, exact mode (the default mode)', () => {
  const { sys, say } = useCacheSystem('semantic-cache', { WARREN__CACHE__ENABLED: 'true', WARREN__CACHE__CONTEXT_MESSAGES: '4' });

  it('the same question in the same context is answered from the cache; the task and the metrics show the hit', async () => {
    const first = await say('c1', 'What is the capital of France?');
    expect(first.reply.cached).toBeUndefined();
    expect((await sys.store.tasks.get(first.taskId))?.routing).toMatchObject({
      cache: { hit: false, key: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    const hitsBefore = await lookups(sys.app, 'hit');

    // Another session, the same (differently spelled) question with the same (empty) context.
    const second = await say('c2', '  what is the CAPITAL of france ');
    expect(second.reply).toMatchObject({ text: first.reply.text, model: first.reply.model, cached: true });
    expect(second.deltas.length).toBeGreaterThan(0);
    expect(second.deltas.join('')).toBe(first.reply.text);
    const task = await sys.store.tasks.get(second.taskId);
    expect(task).toMatchObject({ status: 'completed', routing: { strategy: 'cache', model: first.reply.model } });
    const firstCache = (await sys.store.tasks.get(first.taskId))?.routing?.cache as { key: string } | undefined;
    expect(task?.routing?.cache).toEqual({ hit: true, key: firstCache?.key, mode: 'exact', match: 'exact' });
    expect(await lookups(sys.app, 'hit')).toBe(hitsBefore + 1);
    // The model call of the first turn counted as a routing decision (no A/B split: arm none); the cached one did not call a model.
    const metrics = await (await fetch(`${sys.app.url}/metrics`)).text();
    expect(metrics).toMatch(/warren_routing_decisions_total\{strategy="none",arm="none",endpoint="local"\} [1-9]/);
    // The cached turn is history like any other.
    const history = await sys.store.history.page({ tenant: 'dev', sessionId: 'c2' });
    const parts = history.items.map((p) => [p.role, p.content]);
    expect(parts).toHaveLength(2);
    expect(parts).toEqual(
      expect.arrayContaining([
        ['user', 'what is the CAPITAL of france'],
        ['assistant', first.reply.text],
      ]),
    );
  });

  it('the same follow-up after the same context is a hit; after a different earlier context it is not', async () => {
    await say('ctx-a', 'Tell me about Paris.');
    const a = await say('ctx-a', 'And its population?');
    expect(a.reply.cached).toBeUndefined();

    await say('ctx-b', 'tell me about paris'); // the same first turn: a hit, so ctx-b's history equals ctx-a's
    const b = await say('ctx-b', 'and its population');
    expect(b.reply).toMatchObject({ cached: true, text: a.reply.text });

    await say('ctx-c', 'Tell me about Rome.');
    const c = await say('ctx-c', 'And its population?');
    expect(c.reply.cached).toBeUndefined();
    expect((await sys.store.tasks.get(c.taskId))?.routing).toMatchObject({ cache: { hit: false } });
  });

  it('exact mode is exact: a paraphrase misses', async () => {
    await say('p1', 'What is the capital of Italy?');
    const paraphrase = await say('p2', 'What is the capital city of Italy?');
    expect(paraphrase.reply.cached).toBeUndefined();
    expect((await sys.store.tasks.get(paraphrase.taskId))?.routing).toMatchObject({ cache: { hit: false, mode: 'exact' } });
  });

  it('another tenant does not get the answer', async () => {
    const dev = await say('t-dev', 'What time zone is Lisbon in?');
    expect(dev.reply.cached).toBeUndefined();
    expect((await say('t-dev2', 'What time zone is Lisbon in?')).reply.cached).toBe(true);
    const acme = await say('t-acme', 'What time zone is Lisbon in?', ACME);
    expect(acme.reply.cached).toBeUndefined();
    expect((await sys.store.tasks.get(acme.taskId))?.routing).toMatchObject({ cache: { hit: false } });
    expect(await lookups(sys.app, 'miss')).toBeGreaterThan(0);
  });
});

describe('answer cache in semantic mode (the local embedder)', () => {
  const { sys, say } = useCacheSystem('semantic-cache-semantic', {
    WARREN__CACHE__ENABLED: 'true',
    WARREN__CACHE__MODE: 'semantic',
    WARREN__CACHE__SIMILARITY: '0.9',
  });

  it('a paraphrase in the same context is answered from the cache, with its similarity on the task', async () => {
    const first = await say('s1', 'What is the capital of France?');
    expect(first.reply.cached).toBeUndefined();
    const paraphrase = await say('s2', 'what is the capital city of France');
    expect(paraphrase.reply).toMatchObject({ cached: true, text: first.reply.text });
    const cache = (await sys.store.tasks.get(paraphrase.taskId))?.routing?.cache as { similarity: number };
    expect(cache).toMatchObject({ hit: true, mode: 'semantic', match: 'semantic' });
    expect(cache.similarity).toBeGreaterThanOrEqual(0.9);
    // Close in words, another question: not close enough.
    expect((await say('s3', 'What is the capital of Spain?')).reply.cached).toBeUndefined();
  });

  it('a follow-up only meets answers given after the same context (LiteLLM #12234)', async () => {
    await say('f1', 'Tell me about Paris.');
    const paris = await say('f1', 'And its population?');
    expect(paris.reply.cached).toBeUndefined();
    await say('f2', 'Tell me about Rome.');
    const rome = await say('f2', 'And its population?');
    expect(rome.reply.cached).toBeUndefined();
    expect((await sys.store.tasks.get(rome.taskId))?.routing).toMatchObject({ cache: { hit: false, mode: 'semantic' } });
  });
});

describe('answer cache off (the default)', () => {
  const { sys, say } = useCacheSystem('semantic-cache-off', {});

  it('answers the same question twice from the model, with no lookups', async () => {
    const first = await say('o1', 'What is the capital of France?');
    const second = await say('o2', 'What is the capital of France?');
    expect(first.reply.cached).toBeUndefined();
    expect(second.reply.cached).toBeUndefined();
    expect((await sys.store.tasks.get(second.taskId))?.routing?.cache).toBeUndefined();
    expect(await lookups(sys.app, 'hit')).toBe(0);
    expect(await lookups(sys.app, 'miss')).toBe(0);
  });
});
