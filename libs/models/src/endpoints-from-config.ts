import type {
  AnthropicModelEndpointConfig,
  LocalModelEndpointConfig,
  ModelEndpointConfig,
  OpenAiModelEndpointConfig,
} from '@warren/config';
import { InvalidOptionsError } from '@warren/contracts';
import { AnthropicEndpoint } from './anthropic/anthropic.endpoint';
import { LocalModel } from './local/local-model.endpoint';
import type { LocalModelOptions } from './local/local-model-options';
import type { ModelEndpoint } from './model-endpoint.port';
import { createModelEndpointRegistry, type ModelEndpointRegistry } from './model-endpoint-registry';
import { OpenAiCompatibleEndpoint } from './openai/openai-compatible.endpoint';
import { ENDPOINT_NAME_PATTERN, type ProviderEndpointOptions } from './providers/provider-options';

/** An OpenAI-compatible entry of `models.endpoints` in config/ (defined and documented with the config section). */
export type OpenAiEndpointConfig = OpenAiModelEndpointConfig;

/** A provider entry of `models.endpoints` (`kind: openai` or `kind: anthropic`). */
export type ProviderEndpointConfig = OpenAiModelEndpointConfig | AnthropicModelEndpointConfig;

/** The provider adapters by `kind`. */
const PROVIDER_KINDS = ['openai', 'anthropic'] as const;

/** The part of `WarrenConfig` this reads (structural; libs/models imports only types from libs/config). */
export interface ModelsConfigInput {
  readonly models: {
    readonly local: Readonly<Partial<Omit<LocalModelOptions, 'name' | 'seed' | 'replies' | 'tools'>>> & {
      readonly replies?: readonly Readonly<{ when: string; say: string }>[];
      readonly tools?: readonly Readonly<{ when: string; call: string; arguments?: Readonly<Record<string, unknown>>; say?: string }>[];
    };
    readonly endpoints?: Readonly<Record<string, Readonly<ModelEndpointConfig>>>;
  };
}

/** The local model's name: `model/local` is always served. */
export const LOCAL_ENDPOINT_NAME = 'local';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** Keys of a `kind: local` entry. */
const LOCAL_ENTRY_KEYS = new Set(['kind', 'latencyMs', 'perDeltaMs', 'failureRate', 'contextWindow', 'seed', 'replies', 'tools']);
const ENTRY_KEYS = new Set([
  'kind',
  'baseUrl',
  'model',
  'apiKeyEnv',
  'timeoutMs',
  'idleTimeoutMs',
  'maxConcurrency',
  'contextWindow',
  'maxOutputTokens',
]);

/**
 * The `ModelEndpointRegistry` of this node: the local model (`model/local`, always) plus one
 * endpoint per `models.endpoints` entry, named by its key: an `OpenAiCompatibleEndpoint`
 * (`kind: openai`: OpenAI, Azure OpenAI, vLLM, Ollama, LM Studio…), an `AnthropicEndpoint`
 * (`kind: anthropic`) or another `LocalModel` (`kind: local`, its own latency, failure rate and script,
 * the rest from `models.local`). Each entry is validated here (`InvalidOptionsError` naming
 * `models.endpoints.<name>.<key>`); `apiKeyEnv` is read from `env` and must be set and non-empty when
 * given. The registry's names are the worker pools to host (`model/<name>`).
 */
export function endpointsFromConfig(config: ModelsConfigInput, env: NodeJS.ProcessEnv = process.env): ModelEndpointRegistry {
  const endpoints: ModelEndpoint[] = [localModel(LOCAL_ENDPOINT_NAME, { ...config.models.local }, 'models.local')];
  const entries = config.models.endpoints ?? {};
  if (entries === null || typeof entries !== 'object' || Array.isArray(entries))
    throw new InvalidOptionsError('models.endpoints', 'must be a mapping of endpoint name to endpoint');
  for (const [name, entry] of Object.entries(entries)) {
    endpoints.push(
      (entry as { kind?: unknown })?.kind === 'local'
        ? localEndpoint(name, entry as LocalModelEndpointConfig, config)
        : providerEndpoint(name, entry as ProviderEndpointConfig, env),
    );
  }
  return createModelEndpointRegistry(endpoints);
}

/** A `kind: local` entry: a local model named `name`, its latency and context window defaulting to `models.local`'s. */
function localEndpoint(name: string, entry: LocalModelEndpointConfig, config: ModelsConfigInput): LocalModel {
  const path = `models.endpoints.${name}`;
  checkName(name, path);
  for (const key of Object.keys(entry))
    if (!LOCAL_ENTRY_KEYS.has(key)) throw new InvalidOptionsError(`${path}.${key}`, 'is not a local endpoint option');
  const { kind: _kind, ...rest } = entry;
  const { latencyMs, perDeltaMs, contextWindow } = config.models.local;
  return localModel(name, { latencyMs, perDeltaMs, contextWindow, ...rest }, path);
}

function localModel(name: string, options: Record<string, unknown>, path: string): LocalModel {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  try {
    return new LocalModel({ ...defined, name } as Partial<LocalModelOptions>);
  } catch (error) {
    if (error instanceof InvalidOptionsError)
      throw new InvalidOptionsError(`${path}.${error.key}`, error.message.slice(error.key.length + 2));
    throw error;
  }
}

function checkName(name: string, path: string): void {
  if (!ENDPOINT_NAME_PATTERN.test(name)) throw new InvalidOptionsError(path, 'endpoint names must be 1-64 letters, digits, "_" or "-"');
  if (name === LOCAL_ENDPOINT_NAME)
    throw new InvalidOptionsError(path, `"${LOCAL_ENDPOINT_NAME}" is the built-in local model (models.local)`);
}

/** The options of a provider entry of `models.endpoints` (key read from `env`); what `endpointsFromConfig` builds from. */
export function openAiOptionsFromConfig(
  name: string,
  entry: Readonly<ProviderEndpointConfig>,
  env: NodeJS.ProcessEnv,
): Partial<ProviderEndpointOptions> {
  const path = `models.endpoints.${name}`;
  checkName(name, path);
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new InvalidOptionsError(path, 'must be an object');
  for (const key of Object.keys(entry))
    if (!ENTRY_KEYS.has(key)) throw new InvalidOptionsError(`${path}.${key}`, 'is not an endpoint option');
  if (!(PROVIDER_KINDS as readonly unknown[]).includes(entry.kind))
    throw new InvalidOptionsError(`${path}.kind`, `must be "openai", "anthropic" or "local" (got ${JSON.stringify(entry.kind)})`);
  if (entry.kind === 'openai' && entry.baseUrl === undefined)
    throw new InvalidOptionsError(`${path}.baseUrl`, 'is required for kind openai');
  const { kind: _kind, apiKeyEnv, ...rest } = entry;
  let apiKey: string | undefined;
  if (apiKeyEnv !== undefined) {
    if (typeof apiKeyEnv !== 'string' || !ENV_NAME.test(apiKeyEnv))
      throw new InvalidOptionsError(`${path}.apiKeyEnv`, `must name an environment variable (got ${JSON.stringify(apiKeyEnv)})`);
    apiKey = env[apiKeyEnv];
    if (!apiKey) throw new InvalidOptionsError(`${path}.apiKeyEnv`, `environment variable ${apiKeyEnv} is not set`);
  }
  return { ...rest, name, ...(apiKey === undefined ? {} : { apiKey }) } as Partial<ProviderEndpointOptions>;
}

function providerEndpoint(name: string, entry: Readonly<ProviderEndpointConfig>, env: NodeJS.ProcessEnv): ModelEndpoint {
  const options = openAiOptionsFromConfig(name, entry, env);
  const path = `models.endpoints.${name}`;
  return entry.kind === 'anthropic' ? new AnthropicEndpoint(options, path) : new OpenAiCompatibleEndpoint(options, path);
}
