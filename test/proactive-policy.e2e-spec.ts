// Proactive messages that meet a turn in progress, and a rule composed by the model: the
// all-in-one app with a slow local model (1.5 s per turn), so a reminder comes due while the
// session is busy and waits (deferred, then sent after the turn's reply); and the idle-after-
// question rule turned into a prompt, so the session composes the message through `model/local`.
import type { WarrenStore } from '@warren/store';
import { eventually, useVhost } from './support/broker';
import type { EventTap, TappedEvent } from './support/event-tap';
import { startSystem } from './support/system';

const vhost = useVhost('proactive-policy');
let tap: EventTap;
let store: WarrenStore;

beforeAll(async () => {
  ({ tap, store } = await startSystem('warren', vhost.url, {
    WARREN__MODELS__LOCAL__LATENCY_MS: '1500',
    WARREN__PROACTIVE__BUSY_DEFER_MS: '300',
    // Opt-in: the question rule is off out of the box.
    WARREN__PROACTIVE__ENABLED_RULES: JSON.stringify(['reminder', 'idleAfterQuestion']),
    WARREN__PROACTIVE__RULES__IDLE_AFTER_QUESTION__DELAY_MS: '500',
    WARREN__PROACTIVE__RULES__IDLE_AFTER_QUESTION__TEMPLATE: 'null',
    WARREN__PROACTIVE__RULES__IDLE_AFTER_QUESTION__PROMPT: 'Hello',
    WARREN__SCHEDULER__POLL_INTERVAL_MS: '100',
  }));
}, 60_000);

const proactiveOf = (sessionId: string): TappedEvent[] => tap.events.filter((e) => e.sessionId === sessionId && e.kind === 'proactive');
type IntentState = { decisions?: { reminderId: string; decision: string; reason?: string }[] };
const decisionsOf = async (address: string) => (await store.actors.load<IntentState>(address)).state?.decisions ?? [];

describe('proactive messages and turns', () => {
  it('a reminder due while a turn is in progress waits for the turn, then goes out', async () => {
    const first = await tap.say('q-busy', 'remind me in 1 second to stretch', { data: { userId: 'u-busy' } });
    await tap.waitFor(first, 'reply');
    const second = await tap.say('q-busy', 'what is 2+3?', { data: { userId: 'u-busy' } });
    const reply = await tap.waitFor(second, 'reply');
    const [event] = await eventually(() => proactiveOf('q-busy'), 'the proactive event', 10_000);
    expect(event.event.data).toMatchObject({
      intent: 'reminder',
      reminderId: `proactive:reminder:${tap.task(first)}`,
      text: 'You asked me to remind you to stretch.',
    });
    expect(event.at).toBeGreaterThanOrEqual(reply.at);
    const decisions = await decisionsOf('intent/dev~u:u-busy');
    expect(decisions).toEqual(expect.arrayContaining([expect.objectContaining({ decision: 'deferred', reason: 'turn-in-progress' })]));
    expect(decisions.at(-1)).toMatchObject({ decision: 'sent' });
  });

  it("a prompt rule is composed by the session's model and written to the history", async () => {
    const taskId = await tap.say('q-model', 'Hello', { data: { userId: 'u-model' } });
    const reply = await tap.waitFor(taskId, 'reply');
    expect(reply.event.data.text).toMatch(/\?$/);
    const [event] = await eventually(() => proactiveOf('q-model'), 'the proactive event', 10_000);
    expect(event.event.data).toMatchObject({
      intent: 'idleAfterQuestion',
      reminderId: `proactive:idleAfterQuestion:${tap.task(taskId)}`,
      taskId,
    });
    expect(event.event.data.text).toBe('Hello! How can I help you today?');
    const parts = (await store.history.page({ tenant: 'dev', sessionId: 'q-model' }, { order: 'asc', limit: 10 })).items;
    expect(parts.map((p) => [p.role, p.model])).toEqual([
      ['user', undefined],
      ['assistant', 'local'],
      ['assistant', 'local'],
    ]);
    expect(parts[2].content).toBe(event.event.data.text);
  });
});
