// The production layout: the gateway and the runtime as two processes (compiled mains, `npm run
// build` first) on one vhost and one data dir. The OpenAI-compatible endpoint of the standalone
// gateway asks the runtime's chat worker pool (streamed and not), a session turn goes through, and
// the admin view of endpoint health shows what the runtime measured (announced on warren.control).
import { rmSync } from 'node:fs';
import OpenAI from 'openai';
import { AppProcess } from './support/app-process';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { tempDir } from './support/runtime';

const vhost = useVhost('gateway-standalone');
let gateway: AppProcess;
let client: OpenAI;

const DEV = { authorization: 'Bearer dev-key' };

beforeAll(async () => {
  const dataDir = tempDir('gateway-standalone');
  autoTeardown({ close: () => rmSync(dataDir, { recursive: true, force: true }) });
  const env = {
    AMQP_URL: vhost.url,
    WARREN_DATA_DIR: dataDir,
    WARREN__AMQP__SHARD_COUNT: '4',
    WARREN__MODELS__LOCAL__LATENCY_MS: '2',
    WARREN__MODELS__LOCAL__PER_DELTA_MS: '1',
    WARREN__PROACTIVE__ENABLED: 'false',
  };
  // The runtime first: it declares the limiter and model queues the chat pool asks.
  await autoTeardown(new AppProcess('runtime', env)).whenReady();
  gateway = await autoTeardown(new AppProcess('gateway', env)).whenReady();
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'dev-key', maxRetries: 0 });
});

const hello = [{ role: 'user' as const, content: 'Hello there, how are you?' }];

/** The task as the gateway reads it from the shared store. */
async function task(id: string): Promise<{ status: string; kind?: string }> {
  const res = await fetch(`${gateway.url}/v1/tasks/${id}`, { headers: DEV });
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string };
}

describe('a standalone gateway next to a standalone runtime', () => {
  it('POST /v1/chat/completions answers a chat.completion from the runtime’s chat pool, its task completed', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'auto', messages: hello }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
    const taskId = response.headers.get('x-warren-task-id') as string;
    expect(taskId).toMatch(/^[0-9a-f-]{36}$/);
    await eventually(async () => (await task(taskId)).status === 'completed', `task ${taskId} completed`);
  });

  it('streams chat.completion.chunk frames, the usage chunk and the end', async () => {
    const stream = await client.chat.completions.create({
      model: 'local',
      messages: [{ role: 'user', content: 'what is 2+3' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toContain('5');
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('POST /v1/sessions/:id/messages: the runtime runs the turn, the gateway reads the completed task', async () => {
    const res = await fetch(`${gateway.url}/v1/sessions/standalone-1/messages`, {
      method: 'POST',
      headers: { ...DEV, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello from the production layout' }),
    });
    expect(res.status).toBe(202);
    const { taskId } = (await res.json()) as { taskId: string };
    await eventually(async () => (await task(taskId)).status === 'completed', `turn ${taskId} completed`);
  });

  it("GET /v1/admin/endpoints shows the cluster's view: what the runtime measured, announced on warren.control", async () => {
    interface View {
      scope: string;
      nodes: { node: string }[];
      endpoints: { name: string; samples: number; state: string; served: boolean }[];
    }
    // The turns above called model/local on the runtime; it announces its view every 2 s.
    const view = await eventually(
      async () => {
        const res = await fetch(`${gateway.url}/v1/admin/endpoints`, { headers: { authorization: 'Bearer dev-admin-key' } });
        expect(res.status).toBe(200);
        const v = (await res.json()) as View;
        return v.scope === 'cluster' && (v.endpoints.find((e) => e.name === 'local')?.samples ?? 0) > 0 ? v : undefined;
      },
      'the runtime’s health announced to the gateway',
      15_000,
    );
    expect(view.nodes).toHaveLength(1); // the runtime (the gateway measures nothing)
    expect(view.endpoints.find((e) => e.name === 'local')).toMatchObject({ state: 'healthy', served: false });
  });
});
