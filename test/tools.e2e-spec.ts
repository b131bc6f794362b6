// Tools as actors on the real broker, with the local model asking for tools from its rules: a session
// turn's round trip through tool/calendar (the example app of examples/calendar-tool, its own process),
// a tool that does not answer in time (the model gets WARREN_ASK_TIMEOUT, the turn still replies), an
// interrupt while a tool runs (the turn ends interrupted and the tool's own signal fires through
// warren.control), and /v1/chat/completions with the caller's tools (tool_calls returned) and hosted ones.
import { Actor, type ActorContext, Handle } from '@warren/actors';
import { ToolCall, type ToolResult } from '@warren/contracts';
import OpenAI from 'openai';
import { userCalendarAddress } from '../examples/calendar-tool/src/user-calendar.actor';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './fixtures/fake-openai-server';
import { AppProcess, exampleMain } from './support/app-process';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { startRuntime } from './support/runtime';
import { startSystem, type TestSystem } from './support/system';

const vhost = useVhost('tools');
let sys: TestSystem;
/** An OpenAI-compatible upstream (model/upstream) that answers with a streamed tool call. */
let upstream: FakeOpenAiServer;

/** What the slow tool saw: calls started, and calls whose signal fired (the turn was interrupted). */
const slow = { started: [] as string[], aborted: [] as string[] };

/** `tool/slow`: answers after `arguments.ms`, or never when its signal fires first. */
@Actor('tool', { kind: 'worker' })
class SlowTool {
  @Handle(ToolCall)
  async call(msg: ToolCall, ctx: ActorContext): Promise<ToolResult> {
    slow.started.push(msg.callId);
    const ms = Number(msg.arguments.ms ?? 0);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        slow.aborted.push(msg.callId);
        reject(new Error('cancelled'));
      });
    });
    return { content: `slept ${ms} ms` };
  }
}

const DECLARATIONS = {
  calendar: {
    description: "Looks up a day of the user's calendar; books a reminder that day when asked.",
    parameters: {
      type: 'object',
      properties: { date: { type: 'string', format: 'date' }, remind: { type: 'string' } },
      required: ['date'],
      additionalProperties: false,
    },
    tenants: ['dev'],
  },
  slow: {
    description: 'Sleeps',
    parameters: { type: 'object', properties: { ms: { type: 'string', pattern: '^[0-9]+$' } }, required: ['ms'] },
    tenants: ['dev'],
    timeoutMs: 1000,
  },
};

const RULES = [
  { when: 'what is on (\\d{4}-\\d{2}-\\d{2})', call: 'calendar', arguments: { date: '$1' }, say: 'Your calendar: {result}' },
  { when: 'remind me on (\\d{4}-\\d{2}-\\d{2}) to (.+)', call: 'calendar', arguments: { date: '$1', remind: '$2' }, say: 'Done: {result}' },
  { when: 'sleep (\\d+)', call: 'slow', arguments: { ms: '$1' }, say: 'The slow tool said: {result}' },
  { when: 'weather in (\\w+)', call: 'weather', arguments: { city: '$1' }, say: 'The weather: {result}' },
];

beforeAll(async () => {
  upstream = await startFakeOpenAiServer();
  autoTeardown({ stop: () => upstream.stop() });
  sys = await startSystem('warren', vhost.url, {
    WARREN__MODELS__ENDPOINTS: JSON.stringify({ upstream: { kind: 'openai', baseUrl: upstream.baseUrl, model: 'tool-calls' } }),
    WARREN__MODELS__LOCAL__TOOLS: JSON.stringify(RULES),
    WARREN__TOOLS__DECLARATIONS: JSON.stringify(DECLARATIONS),
  });
  const calendar = autoTeardown(
    new AppProcess(
      'calendar-tool',
      { AMQP_URL: vhost.url, WARREN_DATA_DIR: sys.dataDir, WARREN__AMQP__SHARD_COUNT: '4', CALENDAR_TOOL_PORT: '0' },
      exampleMain('calendar-tool'),
    ),
  );
  await calendar.whenReady();
  await startRuntime(vhost.url, [{ instance: new SlowTool(), options: { keys: ['slow'] } }], { kinds: { tool: 'worker' } });
}, 90_000);

/** The parts of an OpenAI answer these tests read. */
interface Completion {
  choices: {
    finish_reason: string | null;
    message: { content: string | null; tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[] };
    delta?: { tool_calls?: unknown[] };
  }[];
}

async function taskOf(taskId: string) {
  return eventually(async () => {
    const t = await sys.store.tasks.get(sys.tap.task(taskId));
    return t && ['completed', 'failed', 'interrupted'].includes(t.status) ? t : undefined;
  }, `end of task ${taskId}`);
}

describe('tools as actors in a session turn (local model)', () => {
  it('round trip: the model asks tool/calendar (another app), gets its result and answers from it; the call is a step of the task', async () => {
    const taskId = await sys.tap.say('s-cal', 'what is on 2099-01-05');
    const reply = await sys.tap.waitFor(taskId, 'reply', 30_000);
    expect(reply.event.data.text).toBe('Your calendar: {"date":"2099-01-05","events":["09:30 team stand-up","14:00 dentist"]}');
    const task = await taskOf(taskId);
    expect(task.status).toBe('completed');
    expect(task.steps.map((s) => s.name)).toEqual(expect.arrayContaining(['model', 'tool', 'moderation-out']));
    expect(task.steps.find((s) => s.name === 'tool')).toMatchObject({
      outcome: 'ok',
      tool: { name: 'calendar', arguments: { date: '2099-01-05' }, result: expect.stringContaining('team stand-up') },
    });
    // The turn still ends in one commit: the user's part and the answer, once each.
    const parts = (await sys.store.history.page({ tenant: 'dev', sessionId: 's-cal' }, { order: 'asc' })).items;
    expect(parts.map((p) => p.role)).toEqual(['user', 'assistant']);
  });

  it("the calendar books a reminder through the user's calendar actor (ctx.remind)", async () => {
    const taskId = await sys.tap.say('s-remind', 'remind me on 2099-01-07 to bring the cake');
    const reply = await sys.tap.waitFor(taskId, 'reply', 30_000);
    expect(reply.event.data.text).toContain('"text":"bring the cake"');
    const reminders = await eventually(async () => {
      const list = await sys.store.reminders.listByActor(userCalendarAddress('dev', undefined));
      return list.length > 0 ? list : undefined;
    }, 'the reminder of the user calendar');
    expect(reminders[0]).toMatchObject({ dueAt: new Date('2099-01-07T08:00:00Z') });
  });

  it('a tool that does not answer within its timeout gives the model WARREN_ASK_TIMEOUT; the turn replies', async () => {
    const taskId = await sys.tap.say('s-timeout', 'sleep 5000');
    const reply = await sys.tap.waitFor(taskId, 'reply', 30_000);
    expect(reply.event.data.text).toContain('WARREN_ASK_TIMEOUT');
    const task = await taskOf(taskId);
    expect(task.status).toBe('completed');
    expect(task.steps.find((s) => s.name === 'tool')).toMatchObject({
      outcome: 'error',
      error: { code: 'WARREN_ASK_TIMEOUT' },
      tool: { name: 'slow', arguments: { ms: '5000' } },
    });
  });

  it('an interrupt cancels the tool call in progress: the turn ends interrupted and the tool sees its signal fire', async () => {
    const taskId = await sys.tap.say('s-int', 'sleep 20000');
    const before = slow.started.length;
    await eventually(() => slow.started.length > before, 'the slow tool started');
    const callId = slow.started[slow.started.length - 1] as string;
    await sys.tap.interrupt('s-int');
    const end = await sys.tap.waitForEnd(taskId, 15_000);
    expect(end.kind).toBe('interrupted');
    await eventually(() => slow.aborted.includes(callId), 'the tool call cancelled through warren.control');
    const task = await taskOf(taskId);
    expect(task.status).toBe('interrupted');
  });
});

describe('POST /v1/chat/completions with tools', () => {
  const post = async (body: object) => {
    const res = await fetch(`${sys.app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-key', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Completion };
  };
  const WEATHER = {
    type: 'function',
    function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  };

  it("returns the model's call of the caller's tool with finish_reason tool_calls, then answers from the result sent back", async () => {
    const first = await post({ model: 'local', messages: [{ role: 'user', content: 'weather in Paris' }], tools: [WEATHER] });
    expect(first.status).toBe(200);
    const choice = first.body.choices[0] as Completion['choices'][number];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message).toMatchObject({
      content: null,
      tool_calls: [{ type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
    });
    const call = choice.message.tool_calls?.[0];
    const second = await post({
      model: 'local',
      messages: [
        { role: 'user', content: 'weather in Paris' },
        choice.message,
        { role: 'tool', tool_call_id: call?.id, content: 'sunny, 21 °C' },
      ],
      tools: [WEATHER],
    });
    expect(second.body.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'The weather: sunny, 21 °C' } });
  });

  it('the official openai SDK reads the tool calls, streamed and not (its stream helper rebuilds the call)', async () => {
    const client = new OpenAI({ baseURL: `${sys.app.url}/v1`, apiKey: 'dev-key', maxRetries: 0 });
    const tools = [WEATHER] as OpenAI.Chat.Completions.ChatCompletionTool[];
    const messages = [{ role: 'user' as const, content: 'weather in Lima' }];
    const plain = await client.chat.completions.create({ model: 'local', messages, tools, tool_choice: 'auto' });
    expect(plain.choices[0]?.finish_reason).toBe('tool_calls');
    const call = plain.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function).toEqual({ name: 'weather', arguments: '{"city":"Lima"}' });
    const final = await client.chat.completions.stream({ model: 'local', messages, tools }).finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    const streamed = final.choices[0]?.message.tool_calls?.[0];
    expect(streamed?.type === 'function' && streamed.function).toEqual({ name: 'weather', arguments: '{"city":"Lima"}' });
  });

  it('passes the tools through to an OpenAI-compatible upstream and returns its streamed tool call to the client', async () => {
    const before = upstream.requests.length;
    const calendar = { type: 'function', function: { name: 'calendar', description: 'Mine', parameters: { type: 'object' } } };
    const res = await post({ model: 'upstream', messages: [{ role: 'user', content: 'busy on monday?' }], tools: [calendar] });
    expect(res.body.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: { content: null, tool_calls: [{ id: 'call_fake_1', function: { name: 'calendar', arguments: '{"date":"2026-12-08"}' } }] },
    });
    // The upstream got the caller's calendar (it shadows the hosted one of the same name) and the tenant's hosted slow tool.
    const sent = upstream.requests[before]?.body as { tools?: { function: { name: string; description?: string } }[] };
    expect(sent.tools?.map((t) => t.function.name).sort()).toEqual(['calendar', 'slow']);
    expect(sent.tools?.find((t) => t.function.name === 'calendar')?.function).toEqual({
      name: 'calendar',
      description: 'Mine',
      parameters: { type: 'object' },
    });
    expect(upstream.requests).toHaveLength(before + 1);
  });

  it('streams the call as one delta.tool_calls chunk before the finish chunk', async () => {
    const res = await fetch(`${sys.app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-key', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'local', stream: true, messages: [{ role: 'user', content: 'weather in Oslo' }], tools: [WEATHER] }),
    });
    const frames = (await res.text())
      .split('\n\n')
      .filter((f) => f.startsWith('data: {'))
      .map((f) => JSON.parse(f.slice(6)) as Completion);
    const calls = frames.filter((f) => f.choices[0]?.delta?.tool_calls);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.choices[0]?.delta?.tool_calls).toEqual([
      { index: 0, id: expect.any(String), type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
    ]);
    expect(frames.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it("runs the tenant's Warren-hosted tools itself and records them on the completion's task; tool_choice none turns them off", async () => {
    const res = await fetch(`${sys.app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-key', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'what is on 2099-01-09' }] }),
    });
    const body = (await res.json()) as Completion;
    expect(body.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: expect.stringContaining('17:00 drinks') } });
    const task = await sys.store.tasks.get(res.headers.get('x-warren-task-id') as string);
    expect(task?.steps.find((s) => s.name === 'tool')).toMatchObject({ outcome: 'ok', tool: { name: 'calendar' } });
    const off = await post({ model: 'local', messages: [{ role: 'user', content: 'what is on 2099-01-09' }], tool_choice: 'none' });
    expect(off.body.choices[0]?.message.content).not.toContain('drinks');
  });
});
