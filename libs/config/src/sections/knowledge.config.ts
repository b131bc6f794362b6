import { IsInt, IsObject, IsString, Matches, Max, Min } from 'class-validator';

/** Retrieval options of one tenant (`knowledge.retrieval`, overridden per tenant in `knowledge.tenants`). */
export interface KnowledgeRetrievalInput {
  enabled?: boolean;
  topK?: number;
  minScore?: number;
  collections?: string[];
}

/**
 * The knowledge base and the `retrieve` step of session turns (`knowledge:` in the config file).
 * Documents arrive on the `warren.knowledge` exchange and through the admin API; a turn of a
 * tenant with retrieval on gets the best passages in its prompt and cites them. Off by default.
 */
export class KnowledgeConfig {
  /**
   * Embedding endpoint whose vectors rank passages besides BM25 (hybrid search): `local` (the
   * built-in deterministic embedder) or a `models.embeddings` name; empty: lexical search only.
   * Changing it needs the documents written again (vectors of another model are not compared).
   * @default ''
   */
  @IsString()
  @Matches(/^([A-Za-z0-9_-]{1,64})?$/)
  embedder = '';

  /**
   * Longest passage a document is split into, in characters.
   * @default 800
   */
  @IsInt()
  @Min(100)
  @Max(20_000)
  maxPassageChars = 800;

  /**
   * Retrieval of every tenant: `enabled` (the `retrieve` step runs), `topK` (passages put into
   * the prompt, 1 to 20), `minScore` (0 to 1, on the fused score: 1 = first in every search),
   * `collections` (only these; empty: all).
   * @default { enabled: false, topK: 4, minScore: 0, collections: [] }
   */
  @IsObject()
  retrieval: Required<KnowledgeRetrievalInput> = { enabled: false, topK: 4, minScore: 0, collections: [] };

  /**
   * Per-tenant overrides of `retrieval`: `{ acme: { enabled: true, topK: 3, collections: [faq] } }`.
   * @default {}
   */
  @IsObject()
  tenants: Record<string, KnowledgeRetrievalInput> = {};

  /**
   * Longest time the `retrieve` step may take before the turn goes on without passages (ms).
   * @default 2000
   */
  @IsInt()
  @Min(1)
  @Max(60_000)
  timeoutMs = 2_000;
}
