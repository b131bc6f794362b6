import { join } from 'node:path';
import { loadConfig } from '@warren/config';
import { fillProactiveTemplate, TurnEvent } from '@warren/contracts';
import { RuleIntentClassifier } from './intent-classifier';
import { resolveProactiveOptions } from './proactive.options';

/** The `proactive:` section of config/default.yaml. */
const config = loadConfig({ env: {}, cwd: join(__dirname, '../../../..') }).proactive;
const DEFAULT_PROACTIVE_INTENTS = config.intents as Record<string, unknown>;
const DEFAULT_PROACTIVE_RULES = config.rules;

const classifier = new RuleIntentClassifier(
  resolveProactiveOptions({ intents: DEFAULT_PROACTIVE_INTENTS, rules: DEFAULT_PROACTIVE_RULES }).intents,
);
const now = new Date('2025-05-01T15:00:00Z');
const turn = (t: Partial<TurnEvent>): TurnEvent =>
  Object.assign(new TurnEvent(), {
    taskId: 't',
    tenant: 'dev',
    sessionId: 's',
    text: '',
    outcome: 'completed',
    at: now.toISOString(),
    ...t,
  });
const names = async (t: Partial<TurnEvent>) => (await classifier.classify(turn(t), { timeZone: 'UTC', now })).map((d) => d.intent);

describe('RuleIntentClassifier', () => {
  it('finds a reminder request with its time and subject', async () => {
    const [found] = await classifier.classify(turn({ text: 'Remind me in 2 seconds to stretch', reply: 'Sure.' }), {
      timeZone: 'UTC',
      now,
    });
    expect(found).toMatchObject({
      intent: 'reminder',
      dueAt: new Date('2025-05-01T15:00:02Z'),
      vars: { subject: 'stretch', what: 'to stretch' },
    });
    expect(fillProactiveTemplate(DEFAULT_PROACTIVE_RULES.reminder.template as string, found.vars)).toBe(
      'You asked me to remind you to stretch.',
    );
  });

  it('finds an unfinished task by keyword (whole words only)', async () => {
    expect(await names({ text: "Let me think, I'll finish this later", reply: 'OK.' })).toEqual(['unfinishedTask']);
    expect(await names({ text: 'Tell me about the collateral', reply: 'It is security.' })).toEqual([]);
  });

  it('finds a question left unanswered after a failure and an idle open question', async () => {
    expect(await names({ text: 'what is the weather', outcome: 'failed', errorCode: 'WARREN_MODEL_UNAVAILABLE' })).toEqual([
      'unansweredQuestion',
    ]);
    expect(await names({ text: 'book a table', reply: 'For how many people?' })).toEqual(['idleAfterQuestion']);
  });
});
