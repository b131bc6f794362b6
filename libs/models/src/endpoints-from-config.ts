import type { ModelEndpointConfig } from '@warren/config';
import { InvalidOptionsError } from '@warren/contracts';
import { LocalModel } from './local/local-model.endpoint';
import type { LocalModelOptions } from './local/local-model-options';
import type { ModelEndpoint } from './model-endpoint.port';
import { createModelEndpointRegistry, type ModelEndpointRegistry } from './model-endpoint-registry';
import { OpenAiCompatibleEndpoint } from './openai/openai-compatible.endpoint';
import { ENDPOINT_NAME_PATTERN, type OpenAiEndpointOptions } from './openai/openai-endpoint-options';

/** One entry of `models.endpoints` in config/ (defined and documented with the config section). */
export type OpenAiEndpointConfig = ModelEndpointConfig;

/** The part of `WarrenConfig` this reads (structural; libs/models imports only types from libs/config). */
export interface ModelsConfigInput {
  readonly models: {
    readonly local: Readonly<Partial<Omit<LocalModelOptions, 'name' | 'seed'>>>;
    readonly endpoints?: Readonly<Record<string, Readonly<OpenAiEndpointConfig>>>;
  };
}

/** The local model's name: `model/local` is always served. */
export const LOCAL_ENDPOINT_NAME = 'local';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
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
 * `OpenAiCompatibleEndpoint` per `models.endpoints` entry, named by its key. Each entry is
 * validated here (`InvalidOptionsError` naming `models.endpoints.<name>.<key>`); `apiKeyEnv` is read
 * from `env` and must be set and non-empty when given. The registry's names are the worker pools
 * to host (`model/<name>`).
 */
export function endpointsFromConfig(config: ModelsConfigInput, env: NodeJS.ProcessEnv = process.env): ModelEndpointRegistry {
  const endpoints: ModelEndpoint[] = [new LocalModel({ ...config.models.local, name: LOCAL_ENDPOINT_NAME })];
  const entries = config.models.endpoints ?? {};
  if (entries === null || typeof entries !== 'object' || Array.isArray(entries))
    throw new InvalidOptionsError('models.endpoints', 'must be a mapping of endpoint name to endpoint');
  for (const [name, entry] of Object.entries(entries)) endpoints.push(openAiEndpoint(name, entry, env));
  return createModelEndpointRegistry(endpoints);
}

/** The resolved options of each `models.endpoints` entry (key read from `env`), by name; what `endpointsFromConfig` builds from. */
export function openAiOptionsFromConfig(
  name: string,
  entry: Readonly<OpenAiEndpointConfig>,
  env: NodeJS.ProcessEnv,
): OpenAiEndpointOptions {
  const path = `models.endpoints.${name}`;
  if (!ENDPOINT_NAME_PATTERN.test(name)) throw new InvalidOptionsError(path, 'endpoint names must be 1-64 letters, digits, "_" or "-"');
  if (name === LOCAL_ENDPOINT_NAME)
    throw new InvalidOptionsError(path, `"${LOCAL_ENDPOINT_NAME}" is the built-in local model (models.local)`);
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new InvalidOptionsError(path, 'must be an object');
  for (const key of Object.keys(entry))
    if (!ENTRY_KEYS.has(key)) throw new InvalidOptionsError(`${path}.${key}`, 'is not an endpoint option');
  if (entry.kind !== 'openai') throw new InvalidOptionsError(`${path}.kind`, `must be "openai" (got ${JSON.stringify(entry.kind)})`);
  const { kind: _kind, apiKeyEnv, ...rest } = entry;
  let apiKey: string | undefined;
  if (apiKeyEnv !== undefined) {
    if (typeof apiKeyEnv !== 'string' || !ENV_NAME.test(apiKeyEnv))
      throw new InvalidOptionsError(`${path}.apiKeyEnv`, `must name an environment variable (got ${JSON.stringify(apiKeyEnv)})`);
    apiKey = env[apiKeyEnv];
    if (!apiKey) throw new InvalidOptionsError(`${path}.apiKeyEnv`, `environment variable ${apiKeyEnv} is not set`);
  }
  return { ...rest, name, ...(apiKey === undefined ? {} : { apiKey }) } as OpenAiEndpointOptions;
}

function openAiEndpoint(name: string, entry: Readonly<OpenAiEndpointConfig>, env: NodeJS.ProcessEnv): OpenAiCompatibleEndpoint {
  return new OpenAiCompatibleEndpoint(openAiOptionsFromConfig(name, entry, env), `models.endpoints.${name}`);
}
