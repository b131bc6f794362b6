import { InvalidOptionsError } from '@warren/contracts';
import { ENDPOINT_NAME_PATTERN } from '../providers/provider-options';
import type { EmbeddingEndpoint, EmbeddingEndpointRegistry } from './embedding-endpoint.port';
import { type OpenAiEmbeddingOptions, resolveOpenAiEmbeddingOptions } from './embedding-options';
import { LOCAL_EMBEDDING_DIMENSIONS, LocalEmbedder } from './local-embedder';
import { OpenAiEmbeddingEndpoint } from './openai-embedding.endpoint';

/** The built-in embedder's name: `embedding/local` is always served. */
export const LOCAL_EMBEDDER_NAME = 'local';

/** One entry of `models.embeddings` as config/ has it (checked here). */
export type EmbeddingEndpointEntry =
  | { kind: 'local'; dimensions?: number }
  | ({ kind: 'openai'; apiKeyEnv?: string } & Partial<Omit<OpenAiEmbeddingOptions, 'name' | 'apiKey'>>);

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * The embedding endpoints of this node: `embedding/local` (the deterministic {@link LocalEmbedder},
 * always) plus one per `models.embeddings` entry, named by its key: `kind: openai` (an
 * OpenAI-compatible `/embeddings` API; `apiKeyEnv` read from `env`, which must set it) or
 * `kind: local` (another local embedder, e.g. with other `dimensions`). Each entry is validated
 * (`InvalidOptionsError` naming `models.embeddings.<name>.<key>`).
 */
export function embeddingsFromConfig(
  entries: Readonly<Record<string, unknown>> | undefined,
  env: NodeJS.ProcessEnv = process.env,
): EmbeddingEndpointRegistry {
  const map = new Map<string, EmbeddingEndpoint>([[LOCAL_EMBEDDER_NAME, new LocalEmbedder(LOCAL_EMBEDDER_NAME)]]);
  if (entries === null || typeof entries !== 'object' || Array.isArray(entries))
    throw new InvalidOptionsError('models.embeddings', 'must be a mapping of endpoint name to endpoint');
  for (const [name, raw] of Object.entries(entries ?? {})) {
    const path = `models.embeddings.${name}`;
    if (!ENDPOINT_NAME_PATTERN.test(name)) throw new InvalidOptionsError(path, 'endpoint names must be 1-64 letters, digits, "_" or "-"');
    if (name === LOCAL_EMBEDDER_NAME) throw new InvalidOptionsError(path, `"${LOCAL_EMBEDDER_NAME}" is the built-in local embedder`);
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidOptionsError(path, 'must be an object');
    const entry = raw as EmbeddingEndpointEntry;
    if (entry.kind === 'local') {
      for (const key of Object.keys(entry))
        if (key !== 'kind' && key !== 'dimensions') throw new InvalidOptionsError(`${path}.${key}`, 'is not a local embedder option');
      try {
        map.set(name, new LocalEmbedder(name, entry.dimensions ?? LOCAL_EMBEDDING_DIMENSIONS));
      } catch (error) {
        if (error instanceof InvalidOptionsError)
          throw new InvalidOptionsError(`${path}.dimensions`, error.message.slice('dimensions: '.length));
        throw error;
      }
    } else if (entry.kind === 'openai') {
      const { kind: _kind, apiKeyEnv, ...rest } = entry;
      let apiKey: string | undefined;
      if (apiKeyEnv !== undefined) {
        if (typeof apiKeyEnv !== 'string' || !ENV_NAME.test(apiKeyEnv))
          throw new InvalidOptionsError(`${path}.apiKeyEnv`, `must name an environment variable (got ${JSON.stringify(apiKeyEnv)})`);
        apiKey = env[apiKeyEnv];
        if (!apiKey) throw new InvalidOptionsError(`${path}.apiKeyEnv`, `environment variable ${apiKeyEnv} is not set`);
      }
      const options = resolveOpenAiEmbeddingOptions({ ...rest, name, ...(apiKey === undefined ? {} : { apiKey }) }, path);
      map.set(name, new OpenAiEmbeddingEndpoint(options));
    } else {
      throw new InvalidOptionsError(
        `${path}.kind`,
        `must be "openai" or "local" (got ${JSON.stringify((entry as { kind?: unknown }).kind)})`,
      );
    }
  }
  return map;
}
