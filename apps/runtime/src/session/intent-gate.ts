import { TurnEvent } from '@warren/contracts';
import type { IntentClassifier } from '../intents/intent-classifier';
import { type ProactiveOptions, rulesFor } from '../intents/proactive.options';
import type { SessionState } from './session-state';
import type { TurnEnd } from './turn-event';

/** What the session needs to decide whether a turn concerns its intent actor. */
export interface SessionIntents {
  options: Pick<ProactiveOptions, 'rules' | 'defaultTimeZone' | 'enabledRules' | 'tenants'>;
  classifier: IntentClassifier;
}

/**
 * Whether the intent actor must hear of this turn: a rule of `proactive.intents` that is on for
 * the tenant (`rulesFor`) fires on it (the same classifier the intent actor runs), or a proactive message this session caused may
 * still be pending, which a later turn of the session may cancel (`cancelOn`). Most turns are
 * neither, and then no `TurnEvent`, no intent actor activation and no save happen for them.
 * The session remembers until when its pending messages can live (`proactiveUntil`: the latest
 * due time plus the rule's ttl); past that nothing of this session is pending.
 */
export async function intentNeeded(
  intents: SessionIntents | undefined,
  state: SessionState,
  end: TurnEnd,
  now = Date.now(),
): Promise<boolean> {
  if (intents === undefined) return true;
  const pending = (state.proactiveUntil ?? 0) > now;
  const turn = Object.assign(new TurnEvent(), { ...end, at: new Date(now).toISOString() });
  const on = rulesFor(intents.options, end.tenant);
  const detected =
    on.size === 0
      ? []
      : (await intents.classifier.classify(turn, { timeZone: intents.options.defaultTimeZone, now: new Date(now) })).filter(
          (d) => intents.options.rules[d.intent] !== undefined && on.has(d.intent),
        );
  let until = pending ? (state.proactiveUntil ?? 0) : 0;
  for (const d of detected) {
    const rule = intents.options.rules[d.intent];
    if (rule.cancelOn === 'never') continue;
    until = Math.max(until, (d.dueAt?.getTime() ?? now + rule.delayMs) + rule.ttlMs);
  }
  if (until > now) state.proactiveUntil = until;
  else delete state.proactiveUntil;
  return detected.length > 0 || pending;
}
