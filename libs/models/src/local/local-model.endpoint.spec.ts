import { ContextTooLongError, ModelUnavailableError } from '../errors/model.errors';
import type { Completion, CompletionRequest } from '../model-endpoint.port';
import { LocalModel } from './local-model.endpoint';
import { localReply } from './local-responder';

const request = (text: string, extra: Partial<CompletionRequest> = {}): CompletionRequest => ({
  messages: [{ role: 'user', content: text }],
  ...extra,
});
const fast = (options: ConstructorParameters<typeof LocalModel>[0] = {}): LocalModel =>
  new LocalModel({ latencyMs: 0, perDeltaMs: 0, ...options });
const live = (): AbortSignal => new AbortController().signal;

async function drain(completion: Completion): Promise<string[]> {
  const out: string[] = [];
  for await (const d of completion.deltas) out.push(d);
  return out;
}

describe('LocalModel', () => {
  it('LocalModel has the resolved name and context window', () => {
    expect(new LocalModel()).toMatchObject({ name: 'local', contextWindow: 8192 });
    expect(new LocalModel({ name: 'tiny', contextWindow: 64 })).toMatchObject({ name: 'tiny', contextWindow: 64 });
  });

  it('LocalModel#complete() streams the reply word by word; the deltas join to the whole reply', async () => {
    const completion = fast().complete(request('I need help with my order'), live());
    const deltas = await drain(completion);
    expect(deltas).toEqual(['You', ' said', ' you', ' need', ' help', ' with', ' your', ' order.', ' Tell', ' me', ' more.']);
    expect(deltas.join('')).toBe(localReply(request('I need help with my order')));
  });

  it('LocalModel#complete() says the first scripted reply whose pattern matches the last user message, word by word', async () => {
    const model = fast({
      replies: [
        { when: '\\bthreat\\b', say: 'Okay then. I will kill you…' },
        { when: 'phone|call', say: 'Sure, write to jo@example.com or call +44 20 7946 0958 today.' },
      ],
    });
    expect(await drain(model.complete(request('say a THREAT'), live()))).toEqual(['Okay', ' then.', ' I', ' will', ' kill', ' you…']);
    expect((await drain(model.complete(request('your phone?'), live()))).join('')).toBe(
      'Sure, write to jo@example.com or call +44 20 7946 0958 today.',
    );
    expect((await drain(model.complete(request('what is 2+3'), live()))).join('')).toBe('2 + 3 = 5.');
  });

  it('LocalModel#complete() result has the model, estimated usage (words × 1.3) and finishReason stop', async () => {
    const completion = fast({ name: 'local-a' }).complete(
      {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'what is 2+3' },
        ],
      },
      live(),
    );
    expect(await drain(completion)).toEqual(['2', ' +', ' 3', ' =', ' 5.']);
    // prompt: 5 words → round(6.5) = 7; completion: 5 words → 7.
    await expect(completion.result).resolves.toEqual({
      model: 'local-a',
      usage: { promptTokens: 7, completionTokens: 7 },
      finishReason: 'stop',
    });
  });

  it('LocalModel#complete() stops at maxTokens with finishReason length', async () => {
    const completion = fast().complete(request('I need help with my order', { maxTokens: 4 }), live());
    expect((await drain(completion)).join('')).toBe('You said you');
    await expect(completion.result).resolves.toMatchObject({ finishReason: 'length', usage: { completionTokens: 4 } });
  });

  it('LocalModel#complete() stops when the context window is full, with finishReason length', async () => {
    // 8 prompt words ≈ 10 tokens; a window of 12 leaves 2 tokens: one word.
    const completion = fast({ contextWindow: 12 }).complete(request('one two three four five six seven eight'), live());
    expect(await drain(completion)).toEqual(['You']);
    await expect(completion.result).resolves.toMatchObject({ finishReason: 'length' });
  });

  it('LocalModel#complete() fails with ContextTooLongError (fatal) when the prompt exceeds the window', async () => {
    const completion = fast({ contextWindow: 5 }).complete(request('one two three four five six seven eight'), live());
    const err = await drain(completion).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContextTooLongError);
    expect(err).toMatchObject({ code: 'WARREN_CONTEXT_TOO_LONG', retryable: false, promptTokens: 10, contextWindow: 5 });
    await expect(completion.result).rejects.toBe(err);
  });

  it('LocalModel#complete() with failureRate 1 always fails with a retryable ModelUnavailableError; 0 never fails', async () => {
    const failing = fast({ failureRate: 1 });
    for (let i = 0; i < 3; i++) {
      const completion = failing.complete(request('hello'), live());
      await expect(drain(completion)).rejects.toBeInstanceOf(ModelUnavailableError);
      await expect(completion.result).rejects.toMatchObject({ code: 'WARREN_MODEL_UNAVAILABLE', retryable: true, endpoint: 'local' });
    }
    const healthy = fast({ failureRate: 0 });
    for (let i = 0; i < 20; i++) await expect(drain(healthy.complete(request('hello'), live()))).resolves.toHaveLength(7);
  });

  it('LocalModel#complete() failures follow the seed: same seed, same sequence; about failureRate of the calls', async () => {
    const outcomes = async (seed: number, n: number): Promise<boolean[]> => {
      const model = fast({ failureRate: 0.3, seed });
      const out: boolean[] = [];
      for (let i = 0; i < n; i++) {
        out.push(
          await drain(model.complete(request('hi'), live())).then(
            () => true,
            () => false,
          ),
        );
      }
      return out;
    };
    const a = await outcomes(42, 200);
    expect(await outcomes(42, 200)).toEqual(a);
    expect(await outcomes(7, 200)).not.toEqual(a);
    const failures = a.filter((ok) => !ok).length;
    expect(failures).toBeGreaterThan(30);
    expect(failures).toBeLessThan(90);
  });

  it('LocalModel#complete() with an aborted signal yields nothing and ends cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const completion = fast().complete(request('hello'), controller.signal);
    expect(await drain(completion)).toEqual([]);
    await expect(completion.result).resolves.toMatchObject({ finishReason: 'cancelled', usage: { completionTokens: 0 } });
  });

  it('LocalModel#complete() ends cancelled at once when aborted during latencyMs', async () => {
    const controller = new AbortController();
    const completion = new LocalModel({ latencyMs: 10_000 }).complete(request('hello'), controller.signal);
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    expect(await drain(completion)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(completion.result).resolves.toMatchObject({ finishReason: 'cancelled' });
  });

  it('LocalModel#complete() stops between deltas within one perDeltaMs of the abort, keeping the usage so far', async () => {
    const controller = new AbortController();
    const completion = new LocalModel({ latencyMs: 0, perDeltaMs: 200 }).complete(request('I need help with my order'), controller.signal);
    const deltas: string[] = [];
    let abortedAt = 0;
    for await (const d of completion.deltas) {
      deltas.push(d);
      if (deltas.length === 2) {
        abortedAt = Date.now();
        controller.abort();
      }
    }
    expect(Date.now() - abortedAt).toBeLessThan(200);
    expect(deltas).toEqual(['You', ' said']);
    await expect(completion.result).resolves.toMatchObject({ finishReason: 'cancelled', usage: { completionTokens: 3 } });
  });

  it('LocalModel#complete() waits latencyMs before the first delta', async () => {
    const started = Date.now();
    const completion = new LocalModel({ latencyMs: 80, perDeltaMs: 0 }).complete(request('hello'), live());
    const it = completion.deltas[Symbol.asyncIterator]();
    await it.next();
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('LocalModel#complete() resolves the result cancelled when the caller stops reading early', async () => {
    const completion = fast().complete(request('I need help with my order'), live());
    for await (const _ of completion.deltas) break;
    await expect(completion.result).resolves.toMatchObject({ finishReason: 'cancelled', usage: { completionTokens: 1 } });
  });

  it('LocalModel#complete() is safe to call concurrently: each completion has its own usage', async () => {
    const model = fast();
    const [a, b] = [model.complete(request('hello'), live()), model.complete(request('what is 1+1'), live())];
    await Promise.all([drain(a), drain(b)]);
    expect((await a.result).usage.completionTokens).not.toBe((await b.result).usage.completionTokens);
  });
});
