import { join } from 'node:path';
import { loadConfig } from '@warren/config';
import { InvalidOptionsError } from '@warren/contracts';
import { idleLimitFor, resolveProactiveOptions, rulesFor } from './proactive.options';

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
    expect(o).toMatchObject({ enabled: true, maxPerUserPerDay: 10, defaultTimeZone: 'UTC', maxSessionIdleMs: 86_400_000, rateLimit: true });
  });

  it('turns on only the user’s own reminders by default; a tenant opts in to the others', () => {
    const o = resolveProactiveOptions({
      ...defaults,
      enabledRules: config.enabledRules,
      tenants: { acme: { rules: ['reminder', 'idleAfterQuestion'], maxSessionIdleMs: 0 } },
    });
    expect([...rulesFor(o, 'dev')]).toEqual(['reminder']);
    expect([...rulesFor(o, 'acme')]).toEqual(['reminder', 'idleAfterQuestion']);
    expect(idleLimitFor(o, 'acme')).toBe(0);
    expect(idleLimitFor(o, 'dev')).toBe(86_400_000);
    expect([...resolveProactiveOptions(defaults).enabledRules]).toEqual(['reminder']);
    expect([
      ...resolveProactiveOptions({ intents: { x: {} }, rules: { x: { delayMs: 1, ttlMs: 1, template: 't' } } }).enabledRules,
    ]).toEqual([]);
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
    expect(keyOf(() => resolveProactiveOptions({ ...defaults, enabledRules: ['reminder', 'stillThere'] }))).toBe(
      'proactive.enabledRules[1]',
    );
    expect(keyOf(() => resolveProactiveOptions({ ...defaults, tenants: { acme: { rules: ['nope'] } } }))).toBe(
      'proactive.tenants.acme.rules[0]',
    );
    expect(keyOf(() => resolveProactiveOptions({ ...defaults, tenants: { acme: { rule: [] } } }))).toBe('proactive.tenants.acme.rule');
    expect(keyOf(() => resolveProactiveOptions({ ...defaults, maxSessionIdleMs: -1 }))).toBe('proactive.maxSessionIdleMs');
    const badCancel = { ...defaults.rules, reminder: { ...defaults.rules.reminder, cancelOn: 'sometimes' } };
    expect(keyOf(() => resolveProactiveOptions({ ...defaults, rules: badCancel }))).toBe('proactive.rules.reminder.cancelOn');
  });
});
