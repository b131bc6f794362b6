/** What an embedding endpoint is asked: the texts and, optionally, a shorter vector length. */
export interface EmbeddingRequest {
  readonly input: readonly string[];
  /** Length of each vector, when the endpoint can shorten its vectors; else its own length. */
  readonly dimensions?: number;
}

/** One vector per text, in input order, and the tokens the provider counted (when it said). */
export interface Embeddings {
  readonly vectors: number[][];
  readonly promptTokens?: number;
}

/**
 * Port of an embedding endpoint (the deterministic local embedder, an OpenAI-compatible
 * `/embeddings` API). Failures are `ModelEndpointError`s with the same codes as completions
 * (`WARREN_MODEL_UNAVAILABLE` retryable, `WARREN_MODEL_REJECTED`); an aborted `signal` rejects
 * with `CancelledError`. Implementations are safe to call concurrently.
 */
export interface EmbeddingEndpoint {
  /** The endpoint's name: the key of its worker pool, `embedding/<name>`. */
  readonly name: string;
  /** Length of the vectors it returns when the request names none. */
  readonly dimensions: number | undefined;
  embed(request: EmbeddingRequest, signal: AbortSignal): Promise<Embeddings>;
}

/** The embedding endpoints a node serves, by name. */
export type EmbeddingEndpointRegistry = ReadonlyMap<string, EmbeddingEndpoint>;

/** Nest injection token of the `EmbeddingEndpointRegistry`: `@Inject(EMBEDDING_ENDPOINTS)`. */
export const EMBEDDING_ENDPOINTS = Symbol('warren:embedding-endpoints');
