// Moderation of a turn's input (before the model) and output (before the user), with rules from config/.
import type { WarrenStore } from '@warren/store';
import { autoTeardown, useVhost } from './support/broker';
import type { EventTap } from './support/event-tap';
import { startSystem } from './support/system';

const vhost = useVhost('moderation');
let tap: EventTap;
let store: WarrenStore;

const categories = {
  threats: { action: 'block', directions: ['in'], words: ['i will hurt you'], safeReply: 'Let us keep this friendly.' },
  // The local model says "help" in its greeting: blocked on the way out only.
  'no-help': { action: 'block', directions: ['out'], words: ['help'] },
};

beforeAll(async () => {
  ({ tap, store } = await startSystem('runtime', vhost.url, {
    WARREN__MODERATION__CATEGORIES: JSON.stringify(categories),
    WARREN__MODERATION__SAFE_REPLY: 'Sorry, I cannot say that.',
  }));
});

const history = (sessionId: string) => store.history.page({ tenant: 'dev', sessionId }, { order: 'asc' }).then((p) => p.items);

describe('moderation of a turn', () => {
  it('blocks input before any model call: the category’s safe reply, no deltas, the decision on the task', async () => {
    const taskId = await tap.say('m-in', 'I will hurt you tomorrow');
    const reply = await tap.waitFor(taskId, 'reply');
    expect(reply.event.data).toMatchObject({ text: 'Let us keep this friendly.', model: 'moderation', moderated: true });
    expect(tap.ofTask(taskId).filter((e) => e.kind === 'delta')).toEqual([]);
    const task = await store.tasks.get(tap.task(taskId));
    expect(task?.status).toBe('completed');
    expect(task?.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['preprocess', 'ok'],
      ['moderation-in', 'ok'],
      ['limiter', 'skipped'],
      ['model', 'skipped'],
    ]);
    expect(task?.routing).toMatchObject({ model: 'moderation', moderation: { blocked: ['threats'] } });
  });

  it('replaces a blocked output with the safe reply, streamed last and marked, and never streams the blocked word', async () => {
    const taskId = await tap.say('m-out', 'hello');
    const reply = await tap.waitFor(taskId, 'reply');
    expect(reply.event.data).toMatchObject({ text: 'Sorry, I cannot say that.', moderated: true });
    const streamed = tap
      .ofTask(taskId)
      .filter((e) => e.kind === 'delta')
      .map((e) => e.event.data.text)
      .join('');
    expect(streamed).not.toContain('help');
    // The clean start was streamed ("Hello! How can I "), then the safe reply, marked: it replaces what came before.
    const deltas = tap.ofTask(taskId).filter((e) => e.kind === 'delta');
    expect(deltas.at(-1)?.event.data).toMatchObject({ text: 'Sorry, I cannot say that.', moderated: true });
    expect((await history('m-out')).map((p) => p.content)).toEqual(['hello', 'Sorry, I cannot say that.']);
  });

  it('masks personal data before the model and the history see it', async () => {
    const taskId = await tap.say('m-pii', 'my mail is jane.doe@example.com and my card 4111 1111 1111 1111');
    const reply = await tap.waitFor(taskId, 'reply');
    expect(reply.event.data.text).not.toContain('jane.doe@example.com');
    expect(reply.event.data.moderated).toBe(true);
    const [user] = await history('m-pii');
    expect(user.content).toBe('my mail is [email] and my card [card]');
  });
});
