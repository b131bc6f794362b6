import { join } from 'node:path';
import { loadConfig } from '@warren/config';
import { InvalidOptionsError } from '@warren/contracts';
import { resolveProactiveOptions } from './proactive.options';

/** The `proactive:` section of config/default.yaml. */
const config = loadConfig({ env: {}, cwd: join(__dirname, '../../../..') }).proactive;
const DEFAULT_PROACTIVE_INTENTS = config.intents as Record<string, unknown>;
const DEFAULT_PROACTIVE_RULES = config.rules;

const defaults = { intents: DEFAULT_PROACTIVE_INTENTS, rules: DEFAULT_PROACTIVE_RULES };

function keyOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return (error as InvalidOptionsError).key;
  }
  throw new Error('expected InvalidOptionsError');
}

describe('resolveProactiveOptions()', () => {
  it('compiles the default intents and rules', () => {
    const o = resolveProactiveOptions(defaults);
    expect(o.intents.map((i) => i.name)).toEqual(['reminder', 'unfinishedTask', 'unansweredQuestion', 'idleAfterQuestion']);
    expect(o.rules.reminder).toMatchObject({ cancelOn: 'never', priority: 90 });
    expect(o).toMatchObject({ enabled: true, maxPerUserPerDay: 10, defaultTimeZone: 'UTC' });
  });

  it('names the key of a bad value', () => {
    expect(keyOf(() => resolveProactiveOptions({ ...defaults, rules: { ...defaults.rules, reminder: { delayMs: 1, ttlMs: 1 } } }))).toBe(
      'proactive.rules.reminder.template',
    );
    expect(keyOf(() => resolveProactiveOptions({ ...defaults, intents: { ...defaults.intents, x: { patterns: ['('] } } }))).toBe(
      'proactive.intents.x.patterns[0]',
    );
    expect(keyOf(() => resolveProactiveOptions({ ...defaults, intents: { ...defaults.intents, x: {} } }))).toBe('proactive.rules.x');
    expect(keyOf(() => resolveProactiveOptions({ ...defaults, defaultTimeZone: 'Mars/Olympus' }))).toBe('proactive.defaultTimeZone');
    expect(keyOf(() => resolveProactiveOptions({ ...defaults, maxPerUserPerDay: 0 }))).toBe('proactive.maxPerUserPerDay');
    const badCancel = { ...defaults.rules, reminder: { ...defaults.rules.reminder, cancelOn: 'sometimes' } };
    expect(keyOf(() => resolveProactiveOptions({ ...defaults, rules: badCancel }))).toBe('proactive.rules.reminder.cancelOn');
  });
});
