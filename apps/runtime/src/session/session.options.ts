import { InvalidOptionsError } from '@warren/contracts';

/** Nest injection token of the session actor's options. */
export const SESSION_OPTIONS = Symbol('warren:session-options');

/** How the session actor runs a turn; each field documented with its default. */
export interface SessionOptions {
  /** History parts put into the prompt. @default 10 */
  historyTurns: number;
  /** Model endpoint of a turn (`model/<name>`). @default 'local' */
  model: string;
  /** Most tokens of a reply; reserved at the limiter with the prompt's estimate. @default 512 */
  maxOutputTokens: number;
  /** Opens every prompt. @default 'You are a helpful assistant.' */
  systemPrompt: string;
  /** Longest wait for the model's next part before the turn fails with `WARREN_ASK_TIMEOUT`. @default 60000 */
  modelTimeoutMs: number;
  /** Ask `limiter/<tenant>` before each model call. @default true */
  rateLimit: boolean;
  /**
   * Attempts of a turn whose failure may pass (a model that failed, a timeout) before it is
   * given up: a `failed` event, then the dead letter. The runtime's in-place retries plus one.
   * @default 4
   */
  maxAttempts: number;
  /** Tell the intent actor about each ended turn (`proactive.enabled`). @default true */
  proactive: boolean;
  /** A turn's language when nothing better is known (see `languageOf`): ISO 639-1, '' none. @default '' */
  defaultLanguage: string;
  /** `defaultLanguage` per tenant. @default {} */
  tenantLanguages: Readonly<Record<string, string>>;
}

export const SESSION_DEFAULTS: Readonly<SessionOptions> = Object.freeze({
  historyTurns: 10,
  model: 'local',
  maxOutputTokens: 512,
  systemPrompt: 'You are a helpful assistant.',
  modelTimeoutMs: 60_000,
  rateLimit: true,
  maxAttempts: 4,
  proactive: true,
  defaultLanguage: '',
  tenantLanguages: Object.freeze({}),
});

const LANGUAGE = /^[a-z]{2,3}$/;

/** The default language of a tenant's turns: its own, else the installation's; undefined when neither is set. */
export function tenantLanguage(options: Pick<SessionOptions, 'defaultLanguage' | 'tenantLanguages'>, tenant: string): string | undefined {
  return options.tenantLanguages[tenant] ?? (options.defaultLanguage || undefined);
}

/** Fills defaults, refuses unknown keys and bad values. */
export function resolveSessionOptions(raw: Partial<SessionOptions> = {}): SessionOptions {
  for (const key of Object.keys(raw))
    if (!(key in SESSION_DEFAULTS)) throw new InvalidOptionsError(`session.${key}`, 'is not a session option');
  const o: SessionOptions = { ...SESSION_DEFAULTS };
  for (const [key, value] of Object.entries(raw)) if (value !== undefined) (o as unknown as Record<string, unknown>)[key] = value;
  for (const key of ['historyTurns', 'maxOutputTokens', 'modelTimeoutMs', 'maxAttempts'] as const) {
    const min = key === 'historyTurns' ? 0 : 1;
    if (!Number.isInteger(o[key]) || o[key] < min)
      throw new InvalidOptionsError(`session.${key}`, `must be an integer ≥ ${min} (got ${o[key]})`);
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(o.model)) throw new InvalidOptionsError('session.model', 'must match [A-Za-z0-9_-]{1,64}');
  if (typeof o.systemPrompt !== 'string' || o.systemPrompt.trim() === '')
    throw new InvalidOptionsError('session.systemPrompt', 'must be a non-empty string');
  if (typeof o.rateLimit !== 'boolean') throw new InvalidOptionsError('session.rateLimit', 'must be true or false');
  if (typeof o.proactive !== 'boolean') throw new InvalidOptionsError('proactive.enabled', 'must be true or false');
  if (o.defaultLanguage !== '' && !LANGUAGE.test(o.defaultLanguage))
    throw new InvalidOptionsError(
      'session.defaultLanguage',
      `must be an ISO 639-1 code such as "en", or "" (got ${JSON.stringify(o.defaultLanguage)})`,
    );
  if (o.tenantLanguages === null || typeof o.tenantLanguages !== 'object' || Array.isArray(o.tenantLanguages))
    throw new InvalidOptionsError('session.tenantLanguages', 'must be a mapping of tenant to language');
  for (const [tenant, lang] of Object.entries(o.tenantLanguages))
    if (typeof lang !== 'string' || !LANGUAGE.test(lang))
      throw new InvalidOptionsError(
        `session.tenantLanguages.${tenant}`,
        `must be an ISO 639-1 code such as "fr" (got ${JSON.stringify(lang)})`,
      );
  o.tenantLanguages = Object.freeze({ ...o.tenantLanguages });
  return o;
}
