import type { ActorContext } from '@warren/actors';
import { ModelComplete, type ModelCompletionEnd } from '@warren/contracts';
import { EndpointHealth, ModelRouter, PatternClassifier, type RoutingPlan, resolveRoutingOptions } from '@warren/models';
import { type CallSink, routedCall, routingJournalOf, type SwitchedData } from './routed-call';

/** How a fake endpoint behaves: its words, then optionally an error after `failAfter` words. */
interface Behaviour {
  words?: string[];
  failAfter?: number;
  error?: { code: string; retryable: boolean; message?: string };
  delayMs?: number;
}

function fakeCtx(endpoints: Record<string, Behaviour>, asked: { address: string; message: ModelComplete }[] = []): ActorContext {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    askStream: (address: string, message: ModelComplete, opts?: { signal?: AbortSignal }) => {
      asked.push({ address, message });
      const name = address.slice('model/'.length);
      const b = endpoints[name] ?? { error: { code: 'WARREN_NO_ROUTE', retryable: false } };
      return (async function* (): AsyncGenerator<{ text: string }, ModelCompletionEnd> {
        const words = b.words ?? [];
        for (let i = 0; i <= words.length; i++) {
          if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
          if (opts?.signal?.aborted) throw Object.assign(new Error('cancelled'), { code: 'WARREN_CANCELLED' });
          if (b.error && (b.failAfter ?? 0) === i)
            throw Object.assign(new Error(b.error.message ?? b.error.code), { code: b.error.code, retryable: b.error.retryable });
          if (i < words.length) yield { text: i === 0 ? (words[i] as string) : ` ${words[i]}` };
        }
        return { model: name, usage: { promptTokens: 10, completionTokens: words.length }, finishReason: 'stop' };
      })();
    },
  } as unknown as ActorContext;
}

function sink(): CallSink & { text: string; switches: SwitchedData[] } {
  const s = {
    text: '',
    switches: [] as SwitchedData[],
    push(t: string) {
      s.text += t;
      return true;
    },
    sentChars: () => s.text.length,
    async switched(d: SwitchedData) {
      s.switches.push(d);
    },
  };
  return s;
}

function plan(raw: unknown, health = new EndpointHealth()): RoutingPlan {
  const o = resolveRoutingOptions(raw, 'a');
  return new ModelRouter(o, new PatternClassifier(o.classifier), health).route({ tenant: 't', sessionKey: 't~s', text: 'hello' });
}

const request = Object.assign(new ModelComplete(), { messages: [{ role: 'user', content: 'hello' }] });
const opts = (health?: EndpointHealth, contextWindows: Record<string, number> = {}) => ({
  timeoutMs: 1000,
  ...(health ? { health } : {}),
  contextWindows,
  continueStreams: true,
  continueInstruction: 'Continue.',
});
const DOWN = { code: 'WARREN_MODEL_UNAVAILABLE', retryable: true };

describe('routedCall()', () => {
  it('falls back to the next endpoint when the first fails before any delta, and records health', async () => {
    const health = new EndpointHealth();
    const out = sink();
    const ctx = fakeCtx({ a: { error: DOWN }, b: { words: ['hi', 'there'] } });
    const r = await routedCall(ctx, plan({ fallbacks: ['b'] }), request, out, opts(health));
    expect(out.text).toBe('hi there');
    expect(r.endpoint).toBe('b');
    expect(out.switches).toEqual([]);
    expect(r.journal.attempts).toEqual([
      expect.objectContaining({ endpoint: 'a', outcome: 'failed', code: 'WARREN_MODEL_UNAVAILABLE', sentChars: 0, why: 'chosen' }),
      expect.objectContaining({ endpoint: 'b', outcome: 'ok', why: 'fallback' }),
    ]);
    expect(health.state('a')).toMatchObject({ consecutiveFailures: 1, outstanding: 0 });
    expect(health.state('b')).toMatchObject({ samples: 1, outstanding: 0 });
  });

  it('continues a stream broken mid-way with the next endpoint: a switch, the partial answer as prefix, no truncation', async () => {
    const asked: { address: string; message: ModelComplete }[] = [];
    const out = sink();
    const ctx = fakeCtx({ a: { words: ['one', 'two', 'three'], failAfter: 2, error: DOWN }, b: { words: ['four', 'five'] } }, asked);
    const r = await routedCall(ctx, plan({ fallbacks: ['b'] }), request, out, opts());
    expect(out.text).toBe('one two four five');
    expect(out.switches).toEqual([{ from: 'a', to: 'b', reason: 'WARREN_MODEL_UNAVAILABLE', sentChars: 7 }]);
    expect(asked[1]?.message.messages.slice(-2)).toEqual([
      { role: 'assistant', content: 'one two' },
      { role: 'user', content: 'Continue.' },
    ]);
    expect(r.journal.switches).toHaveLength(1);
    expect(r.journal.attempts[1]).toMatchObject({ endpoint: 'b', why: 'continuation', outcome: 'ok' });
  });

  it('fails explicitly (WARREN_FALLBACKS_EXHAUSTED, not retryable) when a broken stream cannot be continued', async () => {
    const out = sink();
    const ctx = fakeCtx({ a: { words: ['one', 'two'], failAfter: 1, error: DOWN } });
    const err = await routedCall(ctx, plan({}), request, out, opts()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'WARREN_FALLBACKS_EXHAUSTED', retryable: false });
    expect(routingJournalOf(err)?.attempts).toEqual([expect.objectContaining({ endpoint: 'a', sentChars: 3 })]);
  });

  it('continueStreams false: a broken stream fails the turn instead of switching', async () => {
    const ctx = fakeCtx({ a: { words: ['one', 'two'], failAfter: 1, error: DOWN }, b: { words: ['x'] } });
    const err = await routedCall(ctx, plan({ fallbacks: ['b'] }), request, sink(), { ...opts(), continueStreams: false }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'WARREN_FALLBACKS_EXHAUSTED', retryable: false });
  });

  it('an exhausted chain with nothing sent is retryable when the last error was; one endpoint keeps its own error', async () => {
    const two = await routedCall(
      fakeCtx({ a: { error: DOWN }, b: { error: DOWN } }),
      plan({ fallbacks: ['b'] }),
      request,
      sink(),
      opts(),
    ).catch((e: unknown) => e);
    expect(two).toMatchObject({ code: 'WARREN_FALLBACKS_EXHAUSTED', retryable: true });
    expect((two as Error).message).toContain('tried a, b');
    const one = await routedCall(fakeCtx({ a: { error: DOWN } }), plan({}), request, sink(), opts()).catch((e: unknown) => e);
    expect(one).toMatchObject({ code: 'WARREN_MODEL_UNAVAILABLE', retryable: true });
  });

  it('a refusal is not passed on to the fallbacks', async () => {
    const ctx = fakeCtx({ a: { error: { code: 'WARREN_MODEL_REJECTED', retryable: false } }, b: { words: ['x'] } });
    const err = await routedCall(ctx, plan({ fallbacks: ['b'] }), request, sink(), opts()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'WARREN_MODEL_REJECTED' });
  });

  it('WARREN_CONTEXT_TOO_LONG goes to a larger-context endpoint', async () => {
    const out = sink();
    const ctx = fakeCtx({
      a: { error: { code: 'WARREN_CONTEXT_TOO_LONG', retryable: false } },
      small: { words: ['no'] },
      big: { words: ['yes'] },
    });
    const r = await routedCall(
      ctx,
      plan({ fallbacks: ['small', 'big'] }),
      request,
      out,
      opts(undefined, { a: 4000, small: 2000, big: 128000 }),
    );
    expect(r.endpoint).toBe('big');
    expect(r.journal.attempts[1]).toMatchObject({ endpoint: 'big', why: 'larger-context' });
  });

  describe('ensemble', () => {
    const members = {
      x: { words: ['Paris'], delayMs: 30 },
      y: { words: ['Paris'], delayMs: 5 },
      z: { words: ['It', 'is', 'Lyon'], delayMs: 10 },
    };
    const ens = (pick: string, extra: object = {}) =>
      plan({ default: 'e', strategies: { e: { kind: 'ensemble', endpoints: ['x', 'y', 'z'], pick, deadlineMs: 500, ...extra } } });

    it('majority, longest and first', async () => {
      const maj = sink();
      expect((await routedCall(fakeCtx(members), ens('majority'), request, maj, opts())).journal.picked).toEqual({
        endpoint: 'y',
        why: 'majority (2 of 3)',
      });
      expect(maj.text).toBe('Paris');
      const long = await routedCall(fakeCtx(members), ens('longest'), request, sink(), opts());
      expect(long.endpoint).toBe('z');
      expect(long.end.usage.completionTokens).toBe(5); // every member's usage
      expect((await routedCall(fakeCtx(members), ens('first'), request, sink(), opts())).endpoint).toBe('y');
    });

    it('a judge picks by number', async () => {
      const r = await routedCall(fakeCtx({ ...members, j: { words: ['3'] } }), ens('judge', { judge: 'j' }), request, sink(), opts());
      expect(r.journal.picked?.why).toBe('judged by j');
      expect(r.journal.attempts.at(-1)).toMatchObject({ endpoint: 'j', why: 'judge', outcome: 'ok' });
    });

    it('only answers in by the deadline count; none in time goes to the fallbacks', async () => {
      const slow = { x: { words: ['late'], delayMs: 200 }, y: { words: ['on', 'time'], delayMs: 5 } };
      const p = plan({
        default: 'e',
        strategies: { e: { kind: 'ensemble', endpoints: ['x', 'y'], pick: 'longest', deadlineMs: 60, fallbacks: ['f'] } },
      });
      expect((await routedCall(fakeCtx(slow), p, request, sink(), opts())).endpoint).toBe('y');
      const none = { x: { error: DOWN }, y: { error: DOWN }, f: { words: ['fallback'] } };
      const out = sink();
      expect((await routedCall(fakeCtx(none), p, request, out, opts())).endpoint).toBe('f');
      expect(out.text).toBe('fallback');
    });

    it('no member in time and no fallbacks: WARREN_FALLBACKS_EXHAUSTED, retryable as the members’ errors were', async () => {
      const p = plan({ default: 'e', strategies: { e: { kind: 'ensemble', endpoints: ['x', 'y'], pick: 'first', deadlineMs: 50 } } });
      const err = await routedCall(fakeCtx({ x: { error: DOWN }, y: { error: DOWN } }), p, request, sink(), opts()).catch(
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'WARREN_FALLBACKS_EXHAUSTED', retryable: true });
      expect(
        routingJournalOf(err)
          ?.attempts.map((a) => a.endpoint)
          .sort(),
      ).toEqual(['x', 'y']);
    });
  });
});
