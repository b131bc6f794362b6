// History stays a conversation after a replay (issue 18): three turns fail while the model is down
// (their questions are written, their tasks failed, their messages dead-lettered); once the fault is
// fixed an operator replays them, and the history reads u0 a0 u1 a1 u2 a2 — each answer right after its
// question, in the HTTP listing and in what the next prompt is built from — not u0 u1 u2 a0 a1 a2.
import { AppProcess } from './support/app-process';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { startSystem, type TestSystem } from './support/system';

jest.setTimeout(180_000);

const vhost = useVhost('history-order');
let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem('warren', vhost.url, {
    WARREN__MODELS__LOCAL__FAILURE_RATE: '1',
    WARREN__RUNTIME__ENTITY_BACKOFF_MS: '[20,20]',
    WARREN__PROACTIVE__ENABLED: 'false',
  });
});

describe('history after a replay', () => {
  it('reads question, answer, question, answer… in the listing and in the prompt history', async () => {
    const session = 'replayed';
    const questions = ['first question here', 'second question here', 'third question here'];
    const taskIds: string[] = [];
    for (const q of questions) {
      const taskId = await sys.tap.say(session, q);
      await sys.tap.waitFor(taskId, 'failed', 20_000);
      taskIds.push(taskId);
    }
    const dead = await eventually(
      async () => {
        const items = (await sys.store.deadLetters.list({ address: `session/dev~${session}` }, { order: 'asc' })).items;
        return items.length === 3 ? items : undefined;
      },
      'the three dead turns',
      20_000,
    );

    // The fault is fixed: the same installation again, without the failing model.
    await sys.app.stop();
    const fixed = autoTeardown(
      new AppProcess('warren', {
        AMQP_URL: vhost.url,
        WARREN_DATA_DIR: sys.dataDir,
        WARREN__AMQP__SHARD_COUNT: '4',
        WARREN__MODELS__LOCAL__LATENCY_MS: '2',
        WARREN__MODELS__LOCAL__PER_DELTA_MS: '1',
        WARREN__PROACTIVE__ENABLED: 'false',
      }),
    );
    await fixed.whenReady();
    const replay = await fetch(`${fixed.url}/v1/admin/dead-letters/replay`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-admin-key', 'content-type': 'application/json' },
      body: JSON.stringify({ ids: dead.map((d) => d.messageId) }),
    });
    expect(replay.status).toBe(200);
    for (const taskId of taskIds) await sys.tap.waitFor(taskId, 'reply', 20_000);
    await eventually(
      async () => (await Promise.all(taskIds.map((id) => sys.store.tasks.get(sys.tap.task(id))))).every((t) => t?.status === 'completed'),
      'the three tasks completed',
    );

    const res = await fetch(`${fixed.url}/v1/sessions/${session}/messages?order=asc`, { headers: { authorization: 'Bearer dev-key' } });
    const listed = ((await res.json()) as { items: { role: string; content: string; taskId?: string }[] }).items;
    // Parts name the task by Warren's id (the ingress router scopes the CloudEvent id).
    const expected = taskIds.flatMap((id) => [
      ['user', sys.tap.task(id)],
      ['assistant', sys.tap.task(id)],
    ]);
    expect(listed.map((p) => [p.role, p.taskId])).toEqual(expected);
    expect(listed.filter((p) => p.role === 'user').map((p) => p.content)).toEqual(questions);
    // What the next turn's prompt is built from (session.historyTurns parts, oldest first).
    const prompt = await sys.store.history.lastTurns({ tenant: 'dev', sessionId: session }, 10);
    expect(prompt.map((p) => [p.role, p.taskId])).toEqual(expected);
  });
});
