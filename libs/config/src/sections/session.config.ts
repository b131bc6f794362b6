import { IsBoolean, IsInt, IsNotEmpty, IsObject, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** The session actor's turn pipeline (`session:`). */
export class SessionConfig {
  /**
   * History parts (user and assistant turns) put into the prompt.
   * @default 10
   */
  @IsInt()
  @Min(0)
  @Max(200)
  historyTurns = 10;

  /**
   * Model endpoint a turn is sent to: the worker pool `model/<name>`.
   * @default 'local'
   */
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  model = 'local';

  /**
   * Most tokens a reply may have (also what the limiter reserves for the output).
   * @default 512
   */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  maxOutputTokens = 512;

  /**
   * The system prompt that opens every prompt (the user's profile tags and language follow it).
   * @default 'You are a helpful assistant.'
   */
  @IsString()
  @IsNotEmpty()
  @MaxLength(20_000)
  systemPrompt = 'You are a helpful assistant.';

  /**
   * How long a model call may take as a whole before the turn fails with WARREN_ASK_TIMEOUT.
   * @default 60000
   */
  @IsInt()
  @Min(100)
  modelTimeoutMs = 60_000;

  /**
   * Ask the tenant's limiter (`limiter/<tenant>`) before each model call.
   * @default true
   */
  @IsBoolean()
  rateLimit = true;

  /**
   * Language of a turn (ISO 639-1, e.g. `en`) when the request has no `locale`, the user's profile
   * none, the session has not had a confident one yet and the text is too short or unclear to
   * detect; '' leaves it unknown (the model is not told a language).
   * @default ''
   */
  @Matches(/^(?:[a-z]{2,3})?$/)
  defaultLanguage = '';

  /**
   * The same per tenant, over `defaultLanguage`, e.g. `{ acme: fr }` (checked when the runtime starts).
   * @default {}
   */
  @IsObject()
  tenantLanguages: Record<string, string> = {};
}
