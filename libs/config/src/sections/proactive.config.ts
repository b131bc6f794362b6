import { IsArray, IsBoolean, IsInt, IsObject, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** How an intent is detected in a turn (`proactive.intents.<name>`); checked in full when the runtime starts. */
export interface ProactiveIntentConfig {
  /** Words or phrases (case-insensitive, whole words); any one matches. */
  keywords?: string[];
  /** Regular expressions (case-insensitive); any one matches. No keywords and no patterns: every turn of `outcomes` matches. */
  patterns?: string[];
  /** Which text is matched: the user's (`user`) or the assistant's reply (`reply`). @default user */
  in?: 'user' | 'reply';
  /** Turn outcomes the intent is looked for in (completed, failed, interrupted, blocked). @default [completed] */
  outcomes?: string[];
  /** Read a time ("in 2 seconds", "at 8", "tomorrow at 9:30 pm") and a subject ("to stretch") from the user's text. @default false */
  extractTime?: boolean;
}

/** What Warren does about an intent (`proactive.rules.<name>`); checked in full when the runtime starts. */
export interface ProactiveRuleConfig {
  /** Delay after the turn (when no time was read from the text), in ms. */
  delayMs: number;
  /** The message, `{{subject}}`, `{{what}}`, `{{text}}`, `{{reply}}` filled in. One of template and prompt. */
  template?: string;
  /** A prompt for the session's model (same placeholders). One of template and prompt. */
  prompt?: string;
  /** 0..100, higher first; beyond `maxPending` the lowest is dropped. @default 50 */
  priority?: number;
  /** The message is dropped when it cannot be sent within this many ms of its time (deferrals included). */
  ttlMs: number;
  /** Which later turn of the session cancels a pending message: any, one with the same intent, none. @default any-turn */
  cancelOn?: 'any-turn' | 'same-intent' | 'never';
}

/** Default intents: a reminder the user asked for, an unfinished task, a question left unanswered, idle after a question. */
export const DEFAULT_PROACTIVE_INTENTS: Record<string, ProactiveIntentConfig> = {
  reminder: { patterns: ['\\bremind me\\b', "\\bdon'?t let me forget\\b"], extractTime: true },
  unfinishedTask: {
    keywords: ['later', 'not now', 'brb', 'let me think', 'come back to this', 'finish this later', 'continue later'],
  },
  unansweredQuestion: { outcomes: ['failed'] },
  idleAfterQuestion: { in: 'reply', patterns: ['\\?\\s*$'] },
};

/** Default rules, one per default intent. */
export const DEFAULT_PROACTIVE_RULES: Record<string, ProactiveRuleConfig> = {
  reminder: {
    delayMs: 3_600_000,
    template: 'You asked me to remind you {{what}}.',
    priority: 90,
    ttlMs: 3_600_000,
    cancelOn: 'never',
  },
  unfinishedTask: {
    delayMs: 3_600_000,
    template: 'Shall we pick up where we left off?',
    priority: 40,
    ttlMs: 86_400_000,
    cancelOn: 'any-turn',
  },
  unansweredQuestion: {
    delayMs: 120_000,
    template: 'Sorry I could not answer earlier. Shall I try again: "{{text}}"?',
    priority: 60,
    ttlMs: 3_600_000,
    cancelOn: 'any-turn',
  },
  idleAfterQuestion: {
    delayMs: 600_000,
    template: 'Still there? Just let me know when you want to go on.',
    priority: 20,
    ttlMs: 3_600_000,
    cancelOn: 'any-turn',
  },
};

/** What a tenant changes of the proactive defaults (`proactive.tenants.<tenant>`); checked in full when the runtime starts. */
export interface ProactiveTenantConfig {
  /** The rules (intent names) on for this tenant, instead of `enabledRules`. */
  rules?: string[];
  /** Instead of `maxSessionIdleMs`. */
  maxSessionIdleMs?: number;
}

/**
 * Proactive messages (`proactive:`): how intents are detected in turns, what Warren says about
 * each and when, and the policy every message passes before it is sent (opt-outs, quiet hours,
 * a daily cap per user, never during a turn, expiry). See apps/runtime/src/intents.
 */
export class ProactiveConfig {
  /**
   * Sessions tell the intent actor about their turns; false turns proactive messages off.
   * @default true
   */
  @IsBoolean()
  enabled = true;

  /**
   * Proactive messages a user (or, without a user id, a session) gets per day, counted in the user's time zone.
   * @default 10
   */
  @IsInt()
  @Min(1)
  @Max(10_000)
  maxPerUserPerDay = 10;

  /**
   * How long a message due while a turn is in progress waits before it is tried again, in ms.
   * @default 5000
   */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  busyDeferMs = 5000;

  /**
   * Pending proactive messages one intent actor keeps; beyond it the lowest priority (then the oldest) is dropped.
   * @default 20
   */
  @IsInt()
  @Min(1)
  @Max(1000)
  maxPending = 20;

  /**
   * Time zone of users whose profile has none (IANA name).
   * @default 'UTC'
   */
  @IsString()
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9_+\-/]+$/)
  defaultTimeZone = 'UTC';

  /**
   * Intent name → how it is detected: `{ keywords?, patterns?, in?: user|reply, outcomes?, extractTime? }`.
   * Names are camelCase (so `WARREN__PROACTIVE__RULES__<NAME>__…` reaches them); each needs a rule.
   */
  @IsObject()
  intents: Record<string, ProactiveIntentConfig> = structuredClone(DEFAULT_PROACTIVE_INTENTS);

  /**
   * Intent name → its proactive rule: `{ delayMs, template | prompt, priority?, ttlMs, cancelOn? }`.
   */
  @IsObject()
  rules: Record<string, ProactiveRuleConfig> = structuredClone(DEFAULT_PROACTIVE_RULES);

  /**
   * The rules (intent names) on for every tenant: a reminder the user asked for is wanted; the
   * others speak unasked ("Still there?", "Sorry I could not answer earlier", "Shall we pick up…")
   * and are off unless a tenant turns them on (`tenants`). Every name must be a rule.
   * @default ['reminder']
   */
  @IsArray()
  @IsString({ each: true })
  enabledRules: string[] = ['reminder'];

  /**
   * Per tenant: `{ rules?: [...], maxSessionIdleMs? }`, replacing `enabledRules` and `maxSessionIdleMs`
   * for that tenant, e.g. `{ acme: { rules: [reminder, idleAfterQuestion] } }`.
   * @default {}
   */
  @IsObject()
  tenants: Record<string, ProactiveTenantConfig> = {};

  /**
   * No proactive message goes to a session whose user has not written for this long (ms; for a
   * reminder at a time the user gave, counted from that time); 0: no limit. Nor to a session
   * whose history was deleted.
   * @default 86400000
   */
  @IsInt()
  @Min(0)
  maxSessionIdleMs = 86_400_000;
}
