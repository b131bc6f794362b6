import { Test } from '@nestjs/testing';
import { type ActorContext, defineActor, getActorMetadata } from '@warren/actors';
import { InvalidOptionsError, ModelComplete, type ModelCompletionEnd, type ModelDelta } from '@warren/contracts';
import { ContextTooLongError, ModelUnavailableError } from './errors/model.errors';
import { LocalModel } from './local/local-model.endpoint';
import type { Completion, CompletionRequest, ModelEndpoint } from './model-endpoint.port';
import { createModelEndpointRegistry, MODEL_ENDPOINTS } from './model-endpoint-registry';
import { ModelWorkerActor } from './model-worker.actor';

const message = (text: string, extra: Partial<ModelComplete> = {}): ModelComplete =>
  Object.assign(new ModelComplete(), { messages: [{ role: 'user', content: text }], ...extra });
const fakeCtx = (key: string, signal: AbortSignal = new AbortController().signal): ActorContext =>
  ({ key, signal, self: `model/${key}` }) as unknown as ActorContext;

/** Runs the handler like the runtime does: collects the chunks and the generator's return value (the end marker). */
async function run(
  actor: ModelWorkerActor,
  msg: ModelComplete,
  ctx: ActorContext,
): Promise<{ chunks: ModelDelta[]; end: ModelCompletionEnd }> {
  const gen = actor.complete(msg, ctx);
  const chunks: ModelDelta[] = [];
  for (;;) {
    const next = await gen.next();
    if (next.done) return { chunks, end: next.value };
    chunks.push(next.value);
  }
}

/** An endpoint that records the request it got. */
class RecordingEndpoint implements ModelEndpoint {
  readonly contextWindow = 100;
  requests: CompletionRequest[] = [];
  constructor(readonly name: string) {}
  complete(request: CompletionRequest): Completion {
    this.requests.push(request);
    return new LocalModel({ name: this.name, latencyMs: 0, perDeltaMs: 0 }).complete(request, new AbortController().signal);
  }
}

describe('ModelWorkerActor', () => {
  const local = new LocalModel({ latencyMs: 0, perDeltaMs: 0 });
  const actor = new ModelWorkerActor(
    createModelEndpointRegistry([local, new LocalModel({ name: 'tiny', contextWindow: 2, latencyMs: 0 })]),
  );

  it('ModelWorkerActor is @Actor("model", { kind: "worker" }) handling warren.model.complete', () => {
    expect(getActorMetadata(ModelWorkerActor)).toEqual({ type: 'model', kind: 'worker', stateless: false });
    const def = defineActor(actor);
    expect([...def.handlers.keys()]).toEqual(['warren.model.complete']);
  });

  it('ModelWorkerActor#complete() streams { text } deltas of endpoint ctx.key and returns the ModelCompletionEnd', async () => {
    const paced = new ModelWorkerActor(createModelEndpointRegistry([new LocalModel({ latencyMs: 0, perDeltaMs: 2 })]));
    const { chunks, end } = await run(paced, message('what is 2+3'), fakeCtx('local'));
    expect(chunks).toEqual([{ text: '2' }, { text: ' +' }, { text: ' 3' }, { text: ' =' }, { text: ' 5.' }]);
    expect(end).toEqual({ model: 'local', usage: { promptTokens: 4, completionTokens: 7 }, finishReason: 'stop' });
  });

  it('ModelWorkerActor#complete() sends deltas the endpoint has ready together as one chunk', async () => {
    const { chunks, end } = await run(actor, message('what is 2+3'), fakeCtx('local'));
    expect(chunks).toEqual([{ text: '2 + 3 = 5.' }]);
    expect(end).toEqual({ model: 'local', usage: { promptTokens: 4, completionTokens: 7 }, finishReason: 'stop' });
  });

  it('ModelWorkerActor#complete() passes messages, maxTokens, temperature and a locale to the endpoint', async () => {
    const endpoint = new RecordingEndpoint('rec');
    const withRecorder = new ModelWorkerActor(createModelEndpointRegistry([endpoint]));
    const msg = Object.assign(message('hello', { maxTokens: 50, temperature: 0.2 }), { locale: 'fr-FR' });
    const { chunks } = await run(withRecorder, msg, fakeCtx('rec'));
    expect(endpoint.requests).toEqual([
      { messages: [{ role: 'user', content: 'hello' }], maxTokens: 50, temperature: 0.2, locale: 'fr-FR' },
    ]);
    expect(chunks.map((c) => c.text).join('')).toBe('Bonjour ! Comment puis-je vous aider ?');
    await run(withRecorder, message('hello'), fakeCtx('rec'));
    expect(endpoint.requests[1]).toEqual({ messages: [{ role: 'user', content: 'hello' }] });
  });

  it('ModelWorkerActor#complete() for an unknown endpoint throws a non-retryable WARREN_MODEL_UNAVAILABLE', async () => {
    const err = await run(actor, message('hi'), fakeCtx('gpt-9')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err).toMatchObject({ code: 'WARREN_MODEL_UNAVAILABLE', retryable: false, endpoint: 'gpt-9' });
    expect((err as Error).message).toContain('no endpoint named "gpt-9"');
  });

  it('ModelWorkerActor#complete() lets the endpoint error through with its code', async () => {
    await expect(run(actor, message('one two three'), fakeCtx('tiny'))).rejects.toBeInstanceOf(ContextTooLongError);
  });

  it('ModelWorkerActor#complete() ends with finishReason cancelled when ctx.signal aborts', async () => {
    const controller = new AbortController();
    const slow = new ModelWorkerActor(createModelEndpointRegistry([new LocalModel({ latencyMs: 0, perDeltaMs: 1000 })]));
    const gen = slow.complete(message('I need help with my order'), fakeCtx('local', controller.signal));
    expect(await gen.next()).toEqual({ done: false, value: { text: 'You' } });
    const started = Date.now();
    const pending = gen.next();
    controller.abort();
    const last = await pending;
    expect(Date.now() - started).toBeLessThan(500);
    expect(last).toMatchObject({ done: true, value: { finishReason: 'cancelled', usage: { completionTokens: 1 } } });
  });

  it('ModelWorkerActor is built by Nest with the registry injected as MODEL_ENDPOINTS', async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [ModelWorkerActor, { provide: MODEL_ENDPOINTS, useFactory: () => createModelEndpointRegistry([local]) }],
    }).compile();
    const fromNest = moduleRef.get(ModelWorkerActor);
    const { end } = await run(fromNest, message('hello'), fakeCtx('local'));
    expect(end.finishReason).toBe('stop');
    await moduleRef.close();
  });
});

describe('createModelEndpointRegistry()', () => {
  it('createModelEndpointRegistry() maps endpoints by name and refuses two with the same name', () => {
    const a = new LocalModel({ name: 'a' });
    expect(createModelEndpointRegistry([a]).get('a')).toBe(a);
    expect(() => createModelEndpointRegistry([a, new LocalModel({ name: 'a' })])).toThrow(InvalidOptionsError);
  });
});
