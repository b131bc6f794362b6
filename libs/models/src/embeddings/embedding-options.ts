import { InvalidOptionsError } from '@warren/contracts';
import { checkBaseUrl, ENDPOINT_NAME_PATTERN, intIn } from '../providers/provider-options';

/** Options of an {@link OpenAiEmbeddingEndpoint}; each documented with its default. */
export interface OpenAiEmbeddingOptions {
  /** Endpoint name: its worker pool is `embedding/<name>`; `[A-Za-z0-9_-]{1,64}`. Required. */
  name: string;
  /** Base URL up to and without `/embeddings` (e.g. `https://api.openai.com/v1`). Required. */
  baseUrl: string;
  /** The provider's model name (e.g. `text-embedding-3-small`). Required. */
  model: string;
  /** The key (from the environment variable `apiKeyEnv` names); none: no key header. @default undefined */
  apiKey?: string;
  /** Vector length asked of the model when the request names none (`dimensions`); none: the model's own. @default undefined */
  dimensions?: number;
  /** Ms for the whole call. @default 30000 */
  timeoutMs: number;
  /** Calls this process runs at once; more wait up to `timeoutMs`. @default 16 */
  maxConcurrency: number;
}

/** Defaults of the optional `OpenAiEmbeddingOptions`. */
export const EMBEDDING_ENDPOINT_DEFAULTS = Object.freeze({ timeoutMs: 30_000, maxConcurrency: 16 });

const KNOWN = new Set(['name', 'baseUrl', 'model', 'apiKey', 'dimensions', ...Object.keys(EMBEDDING_ENDPOINT_DEFAULTS)]);

/** Fills defaults, rejects unknown keys and bad values with an `InvalidOptionsError` naming the key under `path`. */
export function resolveOpenAiEmbeddingOptions(raw: Partial<OpenAiEmbeddingOptions>, path = 'embedding endpoint'): OpenAiEmbeddingOptions {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidOptionsError(path, 'must be an object');
  for (const key of Object.keys(raw))
    if (!KNOWN.has(key)) throw new InvalidOptionsError(`${path}.${key}`, 'is not an embedding endpoint option');
  const o: OpenAiEmbeddingOptions = {
    name: raw.name as string,
    baseUrl: raw.baseUrl as string,
    model: raw.model as string,
    ...(raw.apiKey === undefined ? {} : { apiKey: raw.apiKey }),
    ...(raw.dimensions === undefined ? {} : { dimensions: raw.dimensions }),
    timeoutMs: raw.timeoutMs ?? EMBEDDING_ENDPOINT_DEFAULTS.timeoutMs,
    maxConcurrency: raw.maxConcurrency ?? EMBEDDING_ENDPOINT_DEFAULTS.maxConcurrency,
  };
  if (typeof o.name !== 'string' || !ENDPOINT_NAME_PATTERN.test(o.name))
    throw new InvalidOptionsError(`${path}.name`, `must be 1-64 letters, digits, "_" or "-" (got ${JSON.stringify(o.name)})`);
  o.baseUrl = checkBaseUrl(o.baseUrl, `${path}.baseUrl`);
  if (typeof o.model !== 'string' || o.model.trim() === '' || o.model.length > 256)
    throw new InvalidOptionsError(`${path}.model`, `must be a non-empty model name (got ${JSON.stringify(o.model)})`);
  if (o.dimensions !== undefined) intIn(o.dimensions, `${path}.dimensions`, 1, 65_536);
  intIn(o.timeoutMs, `${path}.timeoutMs`, 1, 3_600_000);
  intIn(o.maxConcurrency, `${path}.maxConcurrency`, 1, 10_000);
  return o;
}
