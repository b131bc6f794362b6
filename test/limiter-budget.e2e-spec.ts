// Budgets through real sessions: each turn reserves its counted prompt plus session.maxOutputTokens
// (512) and settles to the model's usage after the reply, so a daily budget of 1000 tokens lets
// more than one turn through (without the settle the second reservation would not fit); when
// the budget is used up a turn ends with a failed event WARREN_BUDGET_EXCEEDED, no dead letter.
import type { WarrenStore } from '@warren/store';
import { useVhost } from './support/broker';
import type { EventTap } from './support/event-tap';
import { startSystem } from './support/system';

const vhost = useVhost('limiter-budget');
let tap: EventTap;
let store: WarrenStore;

beforeAll(async () => {
  ({ tap, store } = await startSystem('runtime', vhost.url, {
    WARREN__LIMITER__TENANTS: JSON.stringify({ dev: { dailyTokens: 1000 } }),
    WARREN__PROACTIVE__ENABLED: 'false',
  }));
});

test('settled turns fit a daily budget that reservations alone would not, then WARREN_BUDGET_EXCEEDED', async () => {
  const outcomes: { kind: string; code?: string; taskId: string; message?: string }[] = [];
  for (let i = 0; i < 40; i++) {
    const taskId = await tap.say('budget-1', `tell me something short, number ${i}`);
    const end = await tap.waitForEnd(taskId);
    const data = end.event.data as { code?: string; message?: string };
    outcomes.push({ kind: end.kind, code: data.code, message: data.message, taskId });
    if (end.kind === 'failed') break;
  }
  const completed = outcomes.filter((o) => o.kind === 'reply').length;
  expect(completed).toBeGreaterThanOrEqual(2);
  const last = outcomes[outcomes.length - 1];
  expect(last).toMatchObject({ kind: 'failed', code: 'WARREN_BUDGET_EXCEEDED', message: 'The usage budget is used up for now.' });
  const taskId = last.taskId;
  expect(await store.tasks.get(tap.task(taskId))).toMatchObject({ status: 'failed', error: { code: 'WARREN_BUDGET_EXCEEDED' } });
  await new Promise((r) => setTimeout(r, 300));
  expect(await store.deadLetters.get(taskId)).toBeUndefined();
}, 90_000);
