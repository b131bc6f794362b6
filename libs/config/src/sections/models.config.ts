import { Type } from 'class-transformer';
import { IsArray, IsInt, IsNumber, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';

/** The built-in deterministic local model (`models.local`). */
export class LocalModelConfig {
  /**
   * Delay before the first delta, in ms (time to first token).
   * @default 50
   */
  @IsInt()
  @Min(0)
  @Max(600_000)
  latencyMs = 50;

  /**
   * Delay before each following delta, in ms.
   * @default 10
   */
  @IsInt()
  @Min(0)
  @Max(60_000)
  perDeltaMs = 10;

  /**
   * Share of calls that fail with a retryable WARREN_MODEL_UNAVAILABLE, 0..1 (tests, benchmarks).
   * @default 0
   */
  @IsNumber()
  @Min(0)
  @Max(1)
  failureRate = 0;

  /**
   * Prompt plus completion tokens accepted.
   * @default 8192
   */
  @IsInt()
  @Min(1)
  contextWindow = 8192;

  /**
   * Scripted answers (tests, demos): `[{ when: <regex>, say: <text> }]`; the first whose `when`
   * matches the last user message (any case) is said instead of the built-in responder's answer.
   * Checked in full when the runtime starts (`resolveLocalModelOptions` in @warren/models).
   * @default []
   */
  @IsOptional()
  @IsArray()
  replies?: { when: string; say: string }[] = [];

  /**
   * Tool rules (tests, demos): `[{ when: <regex>, call: <tool>, arguments?: {…}, say?: <text> }]`; the
   * first whose `when` matches the last user message asks for tool `call` when the turn offers it,
   * and answers `say` (`{result}`: the tool's result) once the result is in. Checked in full when the
   * runtime starts (`resolveLocalModelOptions` in @warren/models).
   * @default []
   */
  @IsOptional()
  @IsArray()
  tools?: { when: string; call: string; arguments?: Record<string, unknown>; say?: string }[] = [];
}

/**
 * One endpoint of `models.endpoints` (checked when the runtime starts, by `endpointsFromConfig` in
 * @warren/models, which names the bad key): an OpenAI-compatible HTTP endpoint or another local model.
 */
export type ModelEndpointConfig = OpenAiModelEndpointConfig | AnthropicModelEndpointConfig | LocalModelEndpointConfig;

/**
 * Another instance of the built-in local model under its own name (`kind: local`), with its own
 * latency, failure rate and script: routing can be shown and tested without an upstream. Left out:
 * the value of `models.local`, except `failureRate` and `replies` (0 and none).
 */
export interface LocalModelEndpointConfig {
  kind: 'local';
  latencyMs?: number;
  perDeltaMs?: number;
  failureRate?: number;
  contextWindow?: number;
  /** Seed of the failure PRNG. @default 1 */
  seed?: number;
  replies?: { when: string; say: string }[];
  tools?: { when: string; call: string; arguments?: Record<string, unknown>; say?: string }[];
}

/**
 * One OpenAI-compatible HTTP endpoint of `models.endpoints`, called through the official `openai`
 * SDK: OpenAI (`https://api.openai.com/v1`), Azure OpenAI's v1 API
 * (`https://<resource>.openai.azure.com/openai/v1`), vLLM, Ollama (`http://localhost:11434/v1`),
 * LM Studio (`http://localhost:1234/v1`), LiteLLM.
 */
export interface OpenAiModelEndpointConfig {
  /** Adapter: `openai` (chat completions with streaming SSE). */
  kind: 'openai';
  /** Base URL up to `/chat/completions`, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  /** The provider's model name, e.g. `gpt-4o-mini`. */
  model: string;
  /** Environment variable holding the bearer key (never the key itself), e.g. `OPENAI_API_KEY`. */
  apiKeyEnv?: string;
  /** Ms to the response and its first chunk. @default 30000 */
  timeoutMs?: number;
  /** Ms allowed between two chunks. @default 30000 */
  idleTimeoutMs?: number;
  /** Concurrent calls per node; more wait up to `timeoutMs`. @default 16 */
  maxConcurrency?: number;
  /** Prompt plus completion tokens the model accepts. @default 8192 */
  contextWindow?: number;
  /** Upper bound of `max_tokens` sent. @default 1024 */
  maxOutputTokens?: number;
}

/**
 * One Anthropic endpoint of `models.endpoints` (the Messages API through the official
 * `@anthropic-ai/sdk`); the same keys as `kind: openai`, `baseUrl` optional.
 */
export interface AnthropicModelEndpointConfig extends Omit<OpenAiModelEndpointConfig, 'kind' | 'baseUrl'> {
  /** Adapter: `anthropic` (`/v1/messages` with streaming SSE). */
  kind: 'anthropic';
  /** Base URL without `/v1`. @default https://api.anthropic.com */
  baseUrl?: string;
}

/** One entry of `models.embeddings`: an OpenAI-compatible `/embeddings` API or another local embedder. */
export type EmbeddingEndpointConfig =
  | { kind: 'local' /** Vector length. @default 256 */; dimensions?: number }
  | {
      kind: 'openai';
      /** Base URL up to `/embeddings`, e.g. `https://api.openai.com/v1`. */
      baseUrl: string;
      /** The provider's model, e.g. `text-embedding-3-small`. */
      model: string;
      /** Environment variable holding the key. */
      apiKeyEnv?: string;
      /** Vector length asked when the request names none. */
      dimensions?: number;
      /** Ms for the whole call. @default 30000 */
      timeoutMs?: number;
      /** Calls per node at once. @default 16 */
      maxConcurrency?: number;
    };

/** Health of model endpoints as seen by a node (`models.health`): cooldown after repeated failures. */
export class EndpointHealthConfig {
  /**
   * Consecutive retryable failures (timeouts, 429, 5xx, connection errors) that put an endpoint in cooldown.
   * @default 3
   */
  @IsInt()
  @Min(1)
  @Max(1000)
  failureThreshold = 3;

  /**
   * How long an endpoint stays in cooldown, in ms; it comes back on its own afterwards.
   * @default 30000
   */
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  cooldownMs = 30_000;

  /**
   * An endpoint the latency strategy has not measured for this long is probed by one turn (per node,
   * per period), and its average restarts from that sample: one that was slow and recovered wins
   * again. 0 turns probes off.
   * @default 15000
   */
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  latencyProbeMs = 15_000;
}

/** Model endpoints served by this installation (`models:`). */
export class ModelsConfig {
  /** The built-in local model, `model/local`: no network, deterministic replies. */
  @IsObject()
  @ValidateNested()
  @Type(() => LocalModelConfig)
  local = new LocalModelConfig();

  /**
   * More endpoints by name (`[A-Za-z0-9_-]{1,64}`, not `local`): OpenAI-compatible (`kind: openai`),
   * Anthropic (`kind: anthropic`) or local (`kind: local`); each is served as the worker pool `model/<name>` (checked when the runtime starts).
   * @default {}
   */
  @IsObject()
  endpoints: Record<string, ModelEndpointConfig> = {};

  /**
   * Embedding endpoints by name (`[A-Za-z0-9_-]{1,64}`, not `local`), each served as the worker pool
   * `embedding/<name>` and offered by `POST /v1/embeddings`: `kind: openai` (an OpenAI-compatible
   * `/embeddings` API: `baseUrl`, `model`, `apiKeyEnv`, `dimensions`, `timeoutMs`, `maxConcurrency`)
   * or `kind: local` (`dimensions`). `embedding/local`, a deterministic embedder without a network
   * (256 dimensions), is always there. Checked when the runtime starts (`embeddingsFromConfig`).
   * @default {}
   */
  @IsObject()
  embeddings: Record<string, EmbeddingEndpointConfig> = {};

  /** Cooldown of failing endpoints. */
  @IsObject()
  @ValidateNested()
  @Type(() => EndpointHealthConfig)
  health = new EndpointHealthConfig();
}
