// Task ids are scoped to the tenant and session: two sessions reusing a CloudEvent id are two
// turns; a message whose task has ended, sent again after its id left the session's processed
// window, gets the turn's outcome again instead of silence.
import { randomUUID } from 'node:crypto';
import { scopedTaskId } from '@warren/contracts';
import { eventually, useVhost } from './support/broker';
import type { TappedEvent } from './support/event-tap';
import { startSystem } from './support/system';

const vhost = useVhost('task-ids');

test('two sessions reusing one CloudEvent id each get their own turn, task and history; a late repeat is answered; HTTP finds each by the id its producer used', async () => {
  // A processed window of 2: two more turns push the first id out of it.
  const { tap, store, app } = await startSystem('warren', vhost.url, { WARREN__RUNTIME__PROCESSED_WINDOW: '2' });
  const id = randomUUID();
  const replyOf = (sessionId: string, not: TappedEvent[] = []) =>
    eventually(
      () =>
        tap.events.find(
          (e) => e.kind === 'reply' && e.sessionId === sessionId && (e.event.data as { taskId: string }).taskId === id && !not.includes(e),
        ),
      `a reply of ${sessionId} for ${id}`,
    );
  await tap.say('reuse-a', 'hello from a', { id });
  await tap.say('reuse-b', 'what is 2+3?', { id });
  const [a, b] = await Promise.all([replyOf('reuse-a'), replyOf('reuse-b')]);
  expect(b.event.data).toMatchObject({ text: expect.stringContaining('5') });
  const [taskA, taskB] = await Promise.all(['reuse-a', 'reuse-b'].map((s) => store.tasks.get(scopedTaskId('dev', s, id))));
  expect(taskA).toMatchObject({ status: 'completed', sessionId: 'reuse-a', clientTaskId: id });
  expect(taskB).toMatchObject({ status: 'completed', sessionId: 'reuse-b', clientTaskId: id });
  for (const s of ['reuse-a', 'reuse-b']) expect((await store.history.page({ tenant: 'dev', sessionId: s })).items).toHaveLength(2);

  // Two more turns of reuse-a push `id` out of its processed window; then the producer sends it again.
  for (const text of ['one', 'two']) await tap.waitFor(await tap.say('reuse-a', text), 'reply');
  await tap.say('reuse-a', 'hello from a', { id });
  const again = await replyOf('reuse-a', [a]);
  expect(again.event.data).toMatchObject({ taskId: id, text: (a.event.data as { text: string }).text });
  expect(again.event.id).not.toBe(a.event.id);
  // Nothing ran again: three turns, six parts.
  expect((await store.history.page({ tenant: 'dev', sessionId: 'reuse-a' })).items).toHaveLength(6);

  // Over HTTP the producer names the turn by its own id, within its session.
  const auth = { authorization: 'Bearer dev-key' };
  const byClientId = await fetch(`${app.url}/v1/sessions/reuse-b/tasks/${id}`, { headers: auth });
  expect(byClientId.status).toBe(200);
  expect(await byClientId.json()).toMatchObject({ id: scopedTaskId('dev', 'reuse-b', id), sessionId: 'reuse-b', status: 'completed' });
  // The stored id works too; another session's or tenant's task is not found.
  const byStoredId = await fetch(`${app.url}/v1/sessions/reuse-a/tasks/${scopedTaskId('dev', 'reuse-a', id)}`, { headers: auth });
  expect(byStoredId.status).toBe(200);
  expect((await fetch(`${app.url}/v1/sessions/other/tasks/${id}`, { headers: auth })).status).toBe(404);
});
