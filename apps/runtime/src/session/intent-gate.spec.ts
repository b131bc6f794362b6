import { RuleIntentClassifier } from '../intents/intent-classifier';
import { resolveProactiveOptions } from '../intents/proactive.options';
import { intentNeeded } from './intent-gate';
import type { SessionState } from './session-state';
import type { TurnEnd } from './turn-event';

const options = resolveProactiveOptions({
  intents: { followUp: { keywords: ['remind me'] }, askedBack: { patterns: ['\\?$'], in: 'reply' } },
  rules: {
    followUp: { delayMs: 60_000, template: 'ok', ttlMs: 10_000, cancelOn: 'never' },
    askedBack: { delayMs: 60_000, template: 'still there?', ttlMs: 30_000, cancelOn: 'any-turn' },
  },
  enabledRules: ['followUp', 'askedBack'],
  tenants: { quiet: { rules: ['followUp'] }, silent: { rules: [] } },
});
const intents = { options, classifier: new RuleIntentClassifier(options.intents) };
const end = (text: string, reply: string, tenant = 't'): TurnEnd => ({
  tenant,
  sessionId: 's',
  taskId: 'k',
  text,
  reply,
  outcome: 'completed',
});

describe('intentNeeded()', () => {
  it('is false for a turn no rule fires on and nothing of the session is pending', async () => {
    const state: SessionState = {};
    expect(await intentNeeded(intents, state, end('hello', 'hi there.'), 1000)).toBe(false);
    expect(state.proactiveUntil).toBeUndefined();
  });

  it('is true when a rule fires, and stays true for later turns until the pending message can no longer live', async () => {
    const state: SessionState = {};
    expect(await intentNeeded(intents, state, end('hello', 'how are you?'), 1000)).toBe(true);
    expect(state.proactiveUntil).toBe(1000 + 60_000 + 30_000);
    // A later turn that fires nothing still tells: it may cancel the pending "still there?".
    expect(await intentNeeded(intents, state, end('fine', 'good.'), 5000)).toBe(true);
    expect(await intentNeeded(intents, state, end('fine', 'good.'), 1000 + 90_001)).toBe(false);
    expect(state.proactiveUntil).toBeUndefined();
  });

  it('does not keep later turns telling for a rule that no turn cancels (cancelOn: never)', async () => {
    const state: SessionState = {};
    expect(await intentNeeded(intents, state, end('remind me to stretch', 'sure.'), 1000)).toBe(true);
    expect(state.proactiveUntil).toBeUndefined();
    expect(await intentNeeded(intents, state, end('thanks', 'welcome.'), 2000)).toBe(false);
  });

  it('looks only at the rules on for the tenant: a reply ending in "?" tells nothing where the rule is off', async () => {
    const state: SessionState = {};
    expect(await intentNeeded(intents, state, end('hello', 'how are you?', 'quiet'), 1000)).toBe(false);
    expect(await intentNeeded(intents, state, end('remind me to stretch', 'sure?', 'quiet'), 1000)).toBe(true);
    expect(await intentNeeded(intents, {}, end('remind me to stretch', 'how are you?', 'silent'), 1000)).toBe(false);
  });

  it('is always true without the rules (every turn tells, as before)', async () => {
    expect(await intentNeeded(undefined, {}, end('hello', 'hi.'), 1000)).toBe(true);
  });
});
