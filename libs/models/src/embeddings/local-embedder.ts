import { CancelledError, InvalidOptionsError } from '@warren/contracts';
import { fnv1a } from '../router/sticky-hash';
import { countTokens } from '../tokens/token-counter';
import type { EmbeddingEndpoint, EmbeddingRequest, Embeddings } from './embedding-endpoint.port';

/** Vector length of the local embedder when neither its options nor the request say. */
export const LOCAL_EMBEDDING_DIMENSIONS = 256;

/** Weight of a character trigram against a whole word: words matter most, trigrams catch inflections and typos. */
const TRIGRAM_WEIGHT = 0.5;

/**
 * A deterministic embedder without a network (`embedding/local`): the "hashing trick" over the
 * text's lower-cased words and their character trigrams, each hashed (FNV-1a) to a position and a
 * sign, the vector then L2-normalised. Texts that share words have a high cosine similarity, the
 * same text always gets the same vector, and any length from 1 to 65,536 can be asked for. Not a
 * language model: good for tests, demos and a knowledge base that needs no upstream.
 */
export class LocalEmbedder implements EmbeddingEndpoint {
  readonly dimensions: number;

  constructor(
    readonly name = 'local',
    dimensions: number = LOCAL_EMBEDDING_DIMENSIONS,
  ) {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 65_536)
      throw new InvalidOptionsError('dimensions', `must be an integer from 1 to 65536 (got ${JSON.stringify(dimensions)})`);
    this.dimensions = dimensions;
  }

  async embed(request: EmbeddingRequest, signal: AbortSignal): Promise<Embeddings> {
    if (signal.aborted) throw new CancelledError('embedding cancelled');
    const size = request.dimensions ?? this.dimensions;
    let promptTokens = 0;
    const vectors = request.input.map((text) => {
      promptTokens += countTokens(text);
      return embedText(text, size);
    });
    return { vectors, promptTokens };
  }
}

/** The hashed, normalised vector of one text. */
export function embedText(text: string, size: number): number[] {
  const vector = new Array<number>(size).fill(0);
  const add = (feature: string, weight: number) => {
    const h = fnv1a(feature);
    vector[h % size] = (vector[h % size] ?? 0) + (h & 0x8000_0000 ? -weight : weight);
  };
  for (const word of text
    .normalize('NFKC')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu) ?? []) {
    add(`w:${word}`, 1);
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, TRIGRAM_WEIGHT);
  }
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
  return norm === 0 ? vector : vector.map((v) => v / norm);
}
