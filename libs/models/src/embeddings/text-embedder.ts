import { InvalidOptionsError } from '@warren/contracts';
import type { EmbeddingEndpoint, EmbeddingEndpointRegistry } from './embedding-endpoint.port';

/** An embedding endpoint as the knowledge base uses it (structurally the store's `TextEmbedder`). */
export interface EndpointTextEmbedder {
  /** `<endpoint name>:<dimensions>`: names the vector space. */
  readonly model: string;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
}

/** Embeds through `endpoint` in batches of `batch` texts (providers limit the inputs of one request). */
export function textEmbedderOf(endpoint: EmbeddingEndpoint, batch = 64): EndpointTextEmbedder {
  return {
    model: `${endpoint.name}:${endpoint.dimensions ?? 'default'}`,
    async embed(texts, signal = new AbortController().signal) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += batch) {
        const { vectors } = await endpoint.embed({ input: texts.slice(i, i + batch) }, signal);
        out.push(...vectors);
      }
      return out;
    },
  };
}

/**
 * The knowledge base's embedder named by `knowledge.embedder` among `registry` (`embedding/local`
 * and the `models.embeddings` entries); undefined for '' (lexical search only).
 */
export function knowledgeEmbedderOf(registry: EmbeddingEndpointRegistry, name: string): EndpointTextEmbedder | undefined {
  if (name === '') return undefined;
  const endpoint = registry.get(name);
  if (!endpoint) throw new InvalidOptionsError('knowledge.embedder', `"${name}" is neither "local" nor a models.embeddings endpoint`);
  return textEmbedderOf(endpoint);
}
