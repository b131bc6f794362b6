// Model routing on the all-in-one app (compiled output) against the real broker: extra model
// endpoints of different behaviour are hosted in this process (model/down always fails, model/broken
// fails after a few deltas, model/fast and model/backup answer); the app's sessions route to them by
// config (routing:), record each call's outcome in their node's health tracker, and journal the
// decision on the task.
import {
  type Completion,
  type CompletionRequest,
  LocalModel,
  type ModelEndpoint,
  ModelUnavailableError,
  ModelWorkerActor,
  toCompletion,
} from '@warren/models';
import { loadWireContract } from './support/asyncapi';
import { useVhost } from './support/broker';
import type { EventTap } from './support/event-tap';
import { startRuntime } from './support/runtime';
import { startSystem, type TestSystem } from './support/system';

/** Streams `words` then fails with a retryable error: a stream that breaks mid-way. */
class BreakingModel implements ModelEndpoint {
  readonly contextWindow = 8192;
  constructor(
    readonly name: string,
    private readonly words: string[],
  ) {}

  complete(_request: CompletionRequest, _signal: AbortSignal): Completion {
    const { name, words } = this;
    return toCompletion(
      (async function* () {
        for (const [i, w] of words.entries()) {
          await new Promise((r) => setTimeout(r, 5));
          yield i === 0 ? w : ` ${w}`;
        }
        throw new ModelUnavailableError(name, 'connection reset mid-stream');
      })(),
      () => ({ model: name, usage: { promptTokens: 0, completionTokens: 0 }, finishReason: 'cancelled' }),
    );
  }
}

const vhost = useVhost('routing');
const ADMIN = 'Bearer dev-admin-key';
const TENANT = 'Bearer dev-key';
let sys: TestSystem;
let tap: EventTap;

const STRATEGIES = {
  topic: {
    kind: 'content',
    classes: { fallback: 's-fallback', midstream: 's-mid', exhausted: 's-exhausted', ab: 's-ab', vote: 's-vote', long: 'tiny' },
    otherwise: 'local',
  },
  's-fallback': { kind: 'static', endpoint: 'down', fallbacks: ['fast'] },
  's-mid': { kind: 'static', endpoint: 'broken', fallbacks: ['backup'] },
  's-exhausted': { kind: 'static', endpoint: 'broken', fallbacks: ['down'] },
  's-vote': { kind: 'ensemble', endpoints: ['fast', 'backup', 'down'], pick: 'majority', deadlineMs: 5000 },
  perf: { kind: 'performance', endpoints: ['slow', 'quick'], metric: 'latency' },
  's-ab': {
    kind: 'weighted',
    arms: [
      { name: 'A', weight: 1, use: 'fast' },
      { name: 'B', weight: 1, use: 'backup' },
    ],
  },
};

beforeAll(async () => {
  const registry = new Map<string, ModelEndpoint>([
    ['down', new LocalModel({ name: 'down', failureRate: 1, latencyMs: 2 })],
    ['fast', new LocalModel({ name: 'fast', latencyMs: 2, perDeltaMs: 1 })],
    ['backup', new LocalModel({ name: 'backup', latencyMs: 2, perDeltaMs: 1 })],
    // Long enough for output moderation's hold-back window (the longest blocked phrase, 6 words) to release its start before it breaks.
    ['broken', new BreakingModel('broken', 'The answer starts like this and goes on for a few more words'.split(' '))],
    ['slow', new LocalModel({ name: 'slow', latencyMs: 150, perDeltaMs: 1 })],
    ['quick', new LocalModel({ name: 'quick', latencyMs: 2, perDeltaMs: 1 })],
    ['tiny', new LocalModel({ name: 'tiny', contextWindow: 10, latencyMs: 2 })],
  ]);
  await startRuntime(vhost.url, [{ instance: new ModelWorkerActor(registry), options: { keys: [...registry.keys()] } }]);
  sys = await startSystem('warren', vhost.url, {
    WARREN__RUNTIME__ENTITY_BACKOFF_MS: '[20]',
    WARREN__ROUTING__DEFAULT: 'topic',
    WARREN__ROUTING__CLASSIFIER: JSON.stringify({
      fallback: ['^fallback'],
      midstream: ['^midstream'],
      exhausted: ['^exhausted'],
      ab: ['^ab'],
      vote: ['^vote'],
      long: ['^long'],
    }),
    WARREN__ROUTING__CONTEXT_WINDOWS: JSON.stringify({ tiny: 10, backup: 8192 }),
    WARREN__ROUTING__ROUTES: JSON.stringify({ voice: 'perf' }),
    WARREN__ROUTING__AFFINITY: 'true',
    WARREN__ROUTING__STRATEGIES: JSON.stringify(STRATEGIES),
  });
  tap = sys.tap;
});

async function get(path: string, auth = TENANT) {
  const res = await fetch(`${sys.app.url}${path}`, { headers: { authorization: auth } });
  // biome-ignore lint/suspicious/noExplicitAny: test bodies
  return { status: res.status, body: (await res.json()) as any };
}

describe('routing', () => {
  it('falls back to the next endpoint when the chosen one fails, and journals why on the task', async () => {
    const taskId = await tap.say('fb', 'fallback please, hello');
    const reply = await tap.waitFor(taskId, 'reply');
    expect(reply.event.data).toMatchObject({ model: 'fast' });
    expect(tap.ofTask(taskId).some((e) => e.kind === 'switched')).toBe(false); // nothing had been sent

    const { status, body } = await get(`/v1/tasks/${tap.task(taskId)}`);
    expect(status).toBe(200);
    expect(body.status).toBe('completed');
    expect(body.routing).toMatchObject({
      model: 'fast',
      strategy: 'topic',
      source: 'default',
      class: 'fallback',
      chain: ['down', 'fast'],
      endpoint: 'fast',
      path: [
        { strategy: 'topic', kind: 'content', decided: 's-fallback', why: 'class fallback' },
        { strategy: 's-fallback', kind: 'static', decided: 'down', why: 'static' },
      ],
    });
    expect(body.routing.attempts).toEqual([
      expect.objectContaining({ endpoint: 'down', outcome: 'failed', code: 'WARREN_MODEL_UNAVAILABLE', sentChars: 0, why: 'chosen' }),
      expect.objectContaining({ endpoint: 'fast', outcome: 'ok', why: 'fallback' }),
    ]);
  });

  it('continues a stream that broke mid-way with the next endpoint, announced by a switched event, without truncation', async () => {
    const contract = await loadWireContract();
    const taskId = await tap.say('mid', 'midstream: tell me something');
    const reply = await tap.waitFor(taskId, 'reply');
    const events = tap.ofTask(taskId);
    const switched = events.find((e) => e.kind === 'switched');
    expect(switched?.event.data).toEqual({
      taskId,
      from: 'broken',
      to: 'backup',
      reason: 'WARREN_MODEL_UNAVAILABLE',
      sentChars: expect.any(Number),
    });
    const deltas = events.filter((e) => e.kind === 'delta');
    const before = deltas.filter((d) => events.indexOf(d) < events.indexOf(switched as never));
    const sentBefore = before.map((d) => d.event.data.text).join('');
    expect(sentBefore.length).toBe(switched?.event.data.sentChars);
    expect(sentBefore.startsWith('The answer starts')).toBe(true);
    // Every delta, before and after the switch, in order, makes up the reply: nothing lost, nothing repeated.
    expect(deltas.map((d) => d.event.data.seq)).toEqual(deltas.map((_, i) => i));
    expect(deltas.map((d) => d.event.data.text).join('')).toBe(reply.event.data.text);
    expect((reply.event.data.text as string).length).toBeGreaterThan(sentBefore.length);
    expect(reply.event.data.model).toBe('backup');
    for (const e of events) expect([e.kind, contract.check(e.kind, e.event, e.headers)]).toEqual([e.kind, []]);

    const { body } = await get(`/v1/tasks/${tap.task(taskId)}`);
    const { taskId: _t, ...sw } = (switched?.event.data ?? {}) as Record<string, unknown>;
    expect(body.routing.switches).toEqual([sw]);
    expect(body.routing.attempts.map((a: { endpoint: string; why: string }) => [a.endpoint, a.why])).toEqual([
      ['broken', 'chosen'],
      ['backup', 'continuation'],
    ]);
  });

  it('ends with an explicit failed event when the chain is exhausted after deltas were sent', async () => {
    const taskId = await tap.say('ex', 'exhausted: go on');
    const failed = await tap.waitFor(taskId, 'failed');
    expect(failed.event.data).toMatchObject({ taskId, code: 'WARREN_FALLBACKS_EXHAUSTED' });
    const events = tap.ofTask(taskId);
    expect(events.some((e) => e.kind === 'reply')).toBe(false);
    expect(events.find((e) => e.kind === 'switched')?.event.data).toMatchObject({ from: 'broken', to: 'down' });
    const { body } = await get(`/v1/tasks/${tap.task(taskId)}`);
    expect(body).toMatchObject({ status: 'failed', error: { code: 'WARREN_FALLBACKS_EXHAUSTED' } });
    expect(body.routing.attempts).toEqual([
      expect.objectContaining({ endpoint: 'broken', outcome: 'failed', sentChars: expect.any(Number) }),
      expect.objectContaining({ endpoint: 'down', outcome: 'failed', code: 'WARREN_MODEL_UNAVAILABLE', why: 'continuation' }),
    ]);
    // Failed once, not retried in place (the deltas would have been sent again).
    expect(events.filter((e) => e.kind === 'failed')).toHaveLength(1);
  });

  it('keeps a session on its A/B arm, records the arm, and splits sessions between the arms', async () => {
    const arms = new Map<string, string>();
    for (let s = 0; s < 12; s++) {
      const models = new Set<string>();
      for (let turn = 0; turn < 3; turn++) {
        const taskId = await tap.say(`ab-${s}`, `ab test turn ${turn}`);
        const reply = await tap.waitFor(taskId, 'reply');
        models.add(reply.event.data.model as string);
        const { body } = await get(`/v1/tasks/${tap.task(taskId)}`);
        expect(body.routing.arm).toEqual({ strategy: 's-ab', name: reply.event.data.model === 'fast' ? 'A' : 'B' });
      }
      expect(models.size).toBe(1);
      arms.set(`ab-${s}`, [...models][0] as string);
    }
    expect(new Set(arms.values())).toEqual(new Set(['fast', 'backup']));
  });

  it('shows each endpoint’s health on GET /v1/admin/endpoints (admin key only)', async () => {
    expect((await get('/v1/admin/endpoints', TENANT)).status).toBe(403);
    const { status, body } = await get('/v1/admin/endpoints', ADMIN);
    expect(status).toBe(200);
    expect(body.scope).toBe('cluster');
    expect(body.nodes.length).toBeGreaterThanOrEqual(1);
    const byName = Object.fromEntries(body.endpoints.map((e: { name: string }) => [e.name, e]));
    expect(byName.local).toMatchObject({ served: true, state: 'healthy', outstanding: 0 });
    expect(byName.fast).toMatchObject({ served: false, state: 'healthy', outstanding: 0, latencyMs: expect.any(Number) });
    expect(byName.fast.samples).toBeGreaterThan(0);
    // down failed twice (fallback turn, exhausted turn); broken twice: their consecutive failures are counted.
    expect(byName.down.consecutiveFailures).toBeGreaterThanOrEqual(2);
    expect(byName.broken.consecutiveFailures).toBeGreaterThanOrEqual(2);
  });

  it('puts an endpoint that keeps failing in cooldown, skips it, and says until when', async () => {
    // One more failure of model/down reaches models.health.failureThreshold (3): cooldown.
    const taskId = await tap.say('cool', 'fallback again please');
    await tap.waitFor(taskId, 'reply');
    const { body } = await get('/v1/admin/endpoints', ADMIN);
    const down = body.endpoints.find((e: { name: string }) => e.name === 'down');
    expect(down).toMatchObject({ state: 'cooldown', cooldownUntil: expect.any(String) });
    expect(Date.parse(down.cooldownUntil)).toBeGreaterThan(Date.now());
    // The next turn goes straight to model/fast: model/down in cooldown is tried last.
    const next = await tap.say('cool', 'fallback once more');
    await tap.waitFor(next, 'reply');
    const task = await get(`/v1/tasks/${tap.task(next)}`);
    expect(task.body.routing.chain).toEqual(['fast', 'down']);
    expect(task.body.routing.attempts).toEqual([expect.objectContaining({ endpoint: 'fast', outcome: 'ok', why: 'chosen' })]);
  });

  it('ensemble: asks the members not in cooldown at once and answers with the majority, in one delta', async () => {
    // model/down is in cooldown since the test before: left out of the ensemble.
    const taskId = await tap.say('vote', 'vote: hello there');
    const reply = await tap.waitFor(taskId, 'reply');
    expect(['fast', 'backup']).toContain(reply.event.data.model);
    const deltas = tap.ofTask(taskId).filter((e) => e.kind === 'delta');
    expect(deltas.map((d) => d.event.data.text).join('')).toBe(reply.event.data.text);
    const { body } = await get(`/v1/tasks/${tap.task(taskId)}`);
    expect(body.routing).toMatchObject({
      ensemble: { strategy: 's-vote', endpoints: ['fast', 'backup'], pick: 'majority', deadlineMs: 5000 },
      picked: { why: 'majority (2 of 2)' },
    });
    expect(body.routing.candidates).toEqual(
      expect.arrayContaining([expect.objectContaining({ endpoint: 'down', reason: 'in cooldown: skipped', health: 'cooldown' })]),
    );
    expect(
      body.routing.attempts.map((a: { endpoint: string; outcome: string; why: string }) => [a.endpoint, a.outcome, a.why]).sort(),
    ).toEqual([
      ['backup', 'ok', 'ensemble'],
      ['fast', 'ok', 'ensemble'],
    ]);
  });

  it('performance by route (voice): the lowest measured latency wins; with affinity a session keeps its endpoint', async () => {
    const voice = { data: { channel: 'voice' } };
    // Nothing measured yet: both look equally fast, the first (slow) is taken and measured.
    const first = await tap.say('perf-a', 'hello', voice);
    expect((await tap.waitFor(first, 'reply')).event.data.model).toBe('slow');
    // Another session: slow now has ~150 ms, quick is unmeasured (0): quick.
    const second = await tap.say('perf-b', 'hello', voice);
    expect((await tap.waitFor(second, 'reply')).event.data.model).toBe('quick');
    const t2 = (await get(`/v1/tasks/${tap.task(second)}`)).body.routing;
    expect(t2).toMatchObject({ source: 'route', strategy: 'perf', chain: ['quick', 'slow'] });
    expect(t2.candidates.find((c: { endpoint: string }) => c.endpoint === 'slow').score).toBeGreaterThan(100);
    // Session perf-a was served by slow: affinity keeps it there (KV-cache reuse) although quick is faster.
    const third = await tap.say('perf-a', 'and again', voice);
    expect((await tap.waitFor(third, 'reply')).event.data.model).toBe('slow');
    const t3 = (await get(`/v1/tasks/${tap.task(third)}`)).body.routing;
    expect(t3.affinity).toEqual({ endpoint: 'slow', used: true, reason: 'served the previous turn' });
    expect(t3.chain).toEqual(['slow', 'quick']);
  });

  it('a prompt too long for the chosen endpoint goes to one with a larger context window', async () => {
    const taskId = await tap.say('long', 'long question: what do rabbits eat in winter when the grass is gone?');
    const reply = await tap.waitFor(taskId, 'reply');
    expect(reply.event.data.model).toBe('backup');
    const { body } = await get(`/v1/tasks/${tap.task(taskId)}`);
    expect(body.routing.chain).toEqual(['tiny']);
    expect(body.routing.attempts).toEqual([
      expect.objectContaining({ endpoint: 'tiny', outcome: 'failed', code: 'WARREN_CONTEXT_TOO_LONG' }),
      expect.objectContaining({ endpoint: 'backup', outcome: 'ok', why: 'larger-context' }),
    ]);
  });
});
