import type { TurnEvent } from '@warren/contracts';
import type { IntentMatcher } from './proactive.options';
import { parseReminderRequest } from './reminder-request';

/** An intent found in a turn. */
export interface DetectedIntent {
  /** A name of `proactive.intents` (and so of `proactive.rules`). */
  intent: string;
  /** Placeholders of the rule's template or prompt (`subject`, `what`, `text`, `reply`). */
  vars: Record<string, string>;
  /** When the user asked for it ("at 8"); absent: the rule's delay after the turn. */
  dueAt?: Date;
}

/** What a classifier knows besides the turn. */
export interface ClassifyContext {
  /** The user's time zone (their profile's, or `proactive.defaultTimeZone`). */
  timeZone: string;
  /** The turn's end: relative times ("in 2 seconds") count from it, so a redelivery reads the same time. */
  now: Date;
}

/**
 * Finds intents in a turn. The default is {@link RuleIntentClassifier} (keywords and patterns of
 * `proactive.intents`); a model-backed classifier implements the same interface and is provided
 * under `INTENT_CLASSIFIER`. It must return only intents that have a rule.
 */
export interface IntentClassifier {
  classify(turn: TurnEvent, context: ClassifyContext): Promise<DetectedIntent[]>;
}

/** Nest injection token of the {@link IntentClassifier} the intent actor uses. */
export const INTENT_CLASSIFIER = Symbol('warren:intent-classifier');

/** Keywords and regular expressions from `proactive.intents`, in config order. */
export class RuleIntentClassifier implements IntentClassifier {
  constructor(private readonly intents: readonly IntentMatcher[]) {}

  async classify(turn: TurnEvent, context: ClassifyContext): Promise<DetectedIntent[]> {
    const found: DetectedIntent[] = [];
    for (const intent of this.intents) {
      if (!intent.outcomes.includes(turn.outcome)) continue;
      const text = intent.in === 'user' ? turn.text : (turn.reply ?? '');
      if (intent.patterns.length > 0 && !intent.patterns.some((p) => p.test(text))) continue;
      const vars: Record<string, string> = { text: turn.text, reply: turn.reply ?? '', subject: 'that', what: 'about that' };
      let dueAt: Date | undefined;
      if (intent.extractTime) {
        const request = parseReminderRequest(turn.text, context.now, context.timeZone);
        if (request.subject) vars.subject = request.subject;
        if (request.what) vars.what = request.what;
        dueAt = request.dueAt;
      }
      found.push({ intent: intent.name, vars, ...(dueAt ? { dueAt } : {}) });
    }
    return found;
  }
}
