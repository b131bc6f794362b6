import type { ActorContext } from '@warren/actors';
import { AskTimeoutError, ModelComplete, type ModelCompletionEnd, type ModelDelta, ToolFailedError } from '@warren/contracts';
import { LocalModel } from '@warren/models';
import { Moderator } from '@warren/moderation';
import { ModelCall } from '../session/model-call';
import { TurnSteps } from '../session/turn-steps';
import { resolveToolOptions } from './tool-options';

const CALENDAR = {
  description: 'Looks up a day of the calendar',
  parameters: { type: 'object', properties: { date: { type: 'string', format: 'date' } }, required: ['date'], additionalProperties: false },
  tenants: ['acme'],
};

const model = new LocalModel({
  latencyMs: 0,
  perDeltaMs: 0,
  tools: [
    { when: 'what is on (\\S+)', call: 'calendar', arguments: { date: '$1' }, say: 'On your calendar: {result}' },
    { when: 'ghost', call: 'ghost' },
  ],
});

type ToolBehaviour = (message: { name: string; arguments: Record<string, unknown> }, signal: AbortSignal) => Promise<unknown>;

/** A handler context whose model is a real LocalModel with tool rules and whose tools are `tools`. */
function fakeCtx(tools: Record<string, ToolBehaviour>, controller = new AbortController()) {
  const asked: { address: string; message: Record<string, unknown> }[] = [];
  const ctx = {
    self: 'session/acme~s1',
    signal: controller.signal,
    askStream: (_address: string, message: ModelComplete) =>
      (async function* (): AsyncGenerator<ModelDelta, ModelCompletionEnd> {
        const c = model.complete(message, controller.signal);
        for await (const text of c.deltas) yield { text };
        return c.result;
      })(),
    ask: async (address: string, message: Record<string, unknown>, opts: { timeoutMs: number }) => {
      asked.push({ address, message });
      const tool = tools[address.slice('tool/'.length)];
      if (!tool) throw new AskTimeoutError(address, 'warren.tool.call', opts.timeoutMs);
      return { content: await tool(message as never, controller.signal) };
    },
  } as unknown as ActorContext;
  return { ctx, asked, controller };
}

function call(ctx: ActorContext, text: string, options: Record<string, unknown> = {}, steps = new TurnSteps()) {
  const deps = {
    options: { rateLimit: false, model: 'local', modelTimeoutMs: 5000 },
    moderator: new Moderator(),
    tools: resolveToolOptions({
      declarations: { calendar: CALENDAR, ghost: { description: 'not for acme', tenants: ['other'] } },
      ...options,
    }),
  };
  const request = Object.assign(new ModelComplete(), { messages: [{ role: 'user', content: text }], maxTokens: 200 });
  const deltas: string[] = [];
  const answer = new ModelCall(deps, ctx, steps).call(
    request,
    { tenant: 'acme', sessionKey: 'acme~s1', text },
    { onDelta: (t) => deltas.push(t) },
    { scope: { tenant: 'acme', sessionId: 's1' } },
  );
  return { answer, deltas, steps };
}

describe('ModelCall#call() with tools', () => {
  it('asks tool/<name> with the validated arguments, feeds the result back, and records the call as a step', async () => {
    const { ctx, asked } = fakeCtx({ calendar: async (m) => ({ date: m.arguments.date, events: ['dentist at 10'] }) });
    const { answer, steps } = call(ctx, 'what is on 2026-12-08');
    expect((await answer).text).toBe('On your calendar: {"date":"2026-12-08","events":["dentist at 10"]}');
    expect(asked).toEqual([
      {
        address: 'tool/calendar',
        message: expect.objectContaining({ name: 'calendar', arguments: { date: '2026-12-08' }, tenant: 'acme', sessionId: 's1' }),
      },
    ]);
    const recorded = steps.toTaskSteps();
    expect(recorded.map((s) => s.name)).toEqual(['model', 'tool', 'model', 'moderation-out']);
    expect(recorded[1]).toMatchObject({
      outcome: 'ok',
      tool: { name: 'calendar', callId: 'call_local_1', arguments: { date: '2026-12-08' }, result: expect.stringContaining('dentist') },
    });
  });

  it('arguments that do not match the schema never reach the tool: the model gets WARREN_TOOL_INVALID_ARGUMENTS', async () => {
    const { ctx, asked } = fakeCtx({ calendar: async () => 'never' });
    const { answer, steps } = call(ctx, 'what is on tuesday');
    expect((await answer).text).toContain('WARREN_TOOL_INVALID_ARGUMENTS');
    expect(asked).toEqual([]);
    expect(steps.toTaskSteps()[1]).toMatchObject({
      name: 'tool',
      outcome: 'error',
      error: { code: 'WARREN_TOOL_INVALID_ARGUMENTS', message: expect.stringContaining('/date must match format "date"') },
      tool: { arguments: { date: 'tuesday' } },
    });
  });

  it('a failing or timed-out tool gives the model an error result, not a failed turn', async () => {
    const failing = fakeCtx({ calendar: async () => Promise.reject(new ToolFailedError('calendar', 'calendar closed')) });
    expect((await call(failing.ctx, 'what is on 2026-12-08').answer).text).toBe(
      'On your calendar: {"error":{"code":"WARREN_TOOL_FAILED","message":"calendar closed"}}',
    );
    const missing = fakeCtx({});
    expect((await call(missing.ctx, 'what is on 2026-12-08').answer).text).toContain('WARREN_ASK_TIMEOUT');
  });

  it("with failOnError the turn fails with the tool's error", async () => {
    const { ctx } = fakeCtx({ calendar: async () => Promise.reject(new ToolFailedError('calendar', 'calendar closed')) });
    await expect(call(ctx, 'what is on 2026-12-08', { failOnError: true }).answer).rejects.toMatchObject({ code: 'WARREN_TOOL_FAILED' });
  });

  it('a tool not declared for the tenant is refused without a call (WARREN_TOOL_NOT_ALLOWED), and is not offered', async () => {
    const { ctx, asked } = fakeCtx({ ghost: async () => 'boo' });
    const { answer } = call(ctx, 'ghost please');
    // Not offered to acme: the local model does not even ask for it.
    expect((await answer).text).not.toContain('boo');
    expect(asked).toEqual([]);
  });

  it('an interrupt during a tool call ends the call: the ask is abandoned and the error thrown', async () => {
    const controller = new AbortController();
    let started: () => void = () => undefined;
    const inTool = new Promise<void>((r) => {
      started = r;
    });
    const { ctx } = fakeCtx(
      {
        calendar: (_m, signal) =>
          new Promise((_, reject) => {
            started();
            signal.addEventListener('abort', () => reject(new Error('cancelled')));
          }),
      },
      controller,
    );
    const { answer, steps } = call(ctx, 'what is on 2026-12-08');
    await inTool;
    controller.abort('interrupted');
    await expect(answer).rejects.toThrow('cancelled');
    expect(steps.toTaskSteps().find((s) => s.name === 'tool')).toMatchObject({ outcome: 'error' });
  });

  it('maxRounds 0 offers no tools: the model answers in text', async () => {
    const { ctx, asked } = fakeCtx({ calendar: async () => 'x' });
    const answer = await call(ctx, 'what is on 2026-12-08', { maxRounds: 0 }).answer;
    expect(asked).toEqual([]);
    expect(answer.finishReason).toBe('stop');
  });
});

describe("ModelCall#call() rounds and the caller's tools", () => {
  /** A model that asks for `calendar` whenever it is offered, and says what it was offered otherwise. */
  function greedyCtx(asked: ModelComplete[]) {
    return {
      self: 'chat/default',
      signal: new AbortController().signal,
      askStream: (_address: string, message: ModelComplete) =>
        (async function* (): AsyncGenerator<ModelDelta, ModelCompletionEnd> {
          asked.push(message);
          const offered = message.tools?.map((t) => t.name) ?? [];
          const wanted = offered.includes('weather') ? 'weather' : offered.includes('calendar') ? 'calendar' : undefined;
          if (wanted) {
            yield { text: 'Let me check.' };
            const args = wanted === 'calendar' ? '{"date":"2026-12-08"}' : '{"city":"Oslo"}';
            return {
              model: 'greedy',
              usage: { promptTokens: 10, completionTokens: 2 },
              finishReason: 'tool_calls',
              toolCalls: [{ id: `c${asked.length}`, name: wanted, arguments: args }],
            };
          }
          yield { text: 'Here is what I found.' };
          return { model: 'greedy', usage: { promptTokens: 10, completionTokens: 4 }, finishReason: 'stop' };
        })(),
      ask: async () => ({ content: { events: [] } }),
    } as unknown as ActorContext;
  }

  const deps = (maxRounds: number) => ({
    options: { rateLimit: false, model: 'local', modelTimeoutMs: 5000 },
    moderator: new Moderator(),
    tools: resolveToolOptions({ maxRounds, declarations: { calendar: CALENDAR } }),
  });
  const request = Object.assign(new ModelComplete(), { messages: [{ role: 'user', content: 'busy?' }] });
  const route = { tenant: 'acme', sessionKey: 'acme~c', text: 'busy?' };

  it('stops offering tools after maxRounds: the last call has none and the answer is text; usage is summed', async () => {
    const asked: ModelComplete[] = [];
    const steps = new TurnSteps();
    const answer = await new ModelCall(deps(2), greedyCtx(asked), steps).call(
      request,
      route,
      { onDelta: () => undefined },
      {
        scope: { tenant: 'acme' },
      },
    );
    expect(asked.map((m) => m.tools?.map((t) => t.name) ?? [])).toEqual([['calendar'], ['calendar'], []]);
    expect(steps.toTaskSteps().map((s) => s.name)).toEqual(['model', 'tool', 'model', 'tool', 'model', 'moderation-out']);
    // The later rounds see the assistant's calls and the tool results.
    expect(asked[2]?.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'tool']);
    expect(answer).toMatchObject({
      text: 'Let me check. Let me check. Here is what I found.',
      finishReason: 'stop',
      usage: { promptTokens: 30, completionTokens: 8 },
    });
    expect(answer.toolCalls).toBeUndefined();
  });

  it("a call of the caller's own tool ends the call with it (finishReason tool_calls), nothing is run", async () => {
    const asked: ModelComplete[] = [];
    const steps = new TurnSteps();
    const weather = { name: 'weather', parameters: { type: 'object' } };
    const answer = await new ModelCall(deps(4), greedyCtx(asked), steps).call(
      request,
      route,
      { onDelta: () => undefined },
      {
        scope: { tenant: 'acme' },
        client: [weather],
        choice: 'required',
      },
    );
    expect(asked).toHaveLength(1);
    expect(asked[0]?.tools?.map((t) => t.name).sort()).toEqual(['calendar', 'weather']);
    expect(asked[0]?.toolChoice).toBe('required');
    expect(answer).toMatchObject({ finishReason: 'tool_calls', toolCalls: [{ name: 'weather', arguments: '{"city":"Oslo"}' }] });
    expect(steps.toTaskSteps().some((s) => s.name === 'tool')).toBe(false);
  });
});
