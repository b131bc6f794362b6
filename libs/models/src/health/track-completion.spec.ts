import { ManualClock } from '@warren/actors';
import { toCompletion } from '../completion-stream';
import { ModelUnavailableError } from '../errors/model.errors';
import type { CompletionResult } from '../model-endpoint.port';
import { EndpointHealth } from './endpoint-health';
import { trackCompletion } from './track-completion';

const end = (finishReason: CompletionResult['finishReason']): CompletionResult => ({
  model: 'a',
  usage: { promptTokens: 1, completionTokens: 1 },
  finishReason,
});

describe('trackCompletion', () => {
  it('records the start, then a success with the time to the first delta', async () => {
    const clock = new ManualClock(0);
    const health = new EndpointHealth({}, clock);
    async function* source(): AsyncGenerator<string, CompletionResult, undefined> {
      clock.advance(40);
      yield 'a';
      clock.advance(500);
      yield 'b';
      return end('stop');
    }
    const c = trackCompletion(
      health,
      'a',
      toCompletion(source(), () => end('cancelled')),
      clock,
    );
    expect(health.state('a').outstanding).toBe(1);
    const seen: string[] = [];
    for await (const d of c.deltas) seen.push(d);
    expect(seen).toEqual(['a', 'b']);
    expect(await c.result).toEqual(end('stop'));
    expect(health.state('a')).toMatchObject({ outstanding: 0, ewmaLatencyMs: 40, samples: 1 });
  });

  it('records a retryable failure, and a cancel (leaving early) as neither', async () => {
    const health = new EndpointHealth();
    async function* failing(): AsyncGenerator<string, CompletionResult, undefined> {
      yield* [];
      throw new ModelUnavailableError('a', 'HTTP 500');
    }
    const c = trackCompletion(
      health,
      'a',
      toCompletion(failing(), () => end('cancelled')),
    );
    await expect(
      (async () => {
        for await (const _ of c.deltas);
      })(),
    ).rejects.toThrow('HTTP 500');
    await expect(c.result).rejects.toThrow('HTTP 500');
    expect(health.state('a')).toMatchObject({ outstanding: 0, consecutiveFailures: 1 });

    async function* long(): AsyncGenerator<string, CompletionResult, undefined> {
      yield 'x';
      yield 'y';
      return end('stop');
    }
    const d = trackCompletion(
      health,
      'a',
      toCompletion(long(), () => end('cancelled')),
    );
    for await (const _ of d.deltas) break;
    expect((await d.result).finishReason).toBe('cancelled');
    expect(health.state('a')).toMatchObject({ outstanding: 0, consecutiveFailures: 1, samples: 0 });
  });
});
