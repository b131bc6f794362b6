/**
 * The knowledge base's storage port (`knowledge_documents`, `knowledge_passages`): documents per
 * tenant, split into passages, with a version that orders their changes, and the two candidate
 * searches a retrieval step fuses (lexical and, where the adapter has an index, vector).
 * Splitting, embedding and the fusion live above it (`KnowledgeBase`), the same for every adapter.
 */

/** The collection a document belongs to when its writer names none. */
export const DEFAULT_KNOWLEDGE_COLLECTION = 'default';

/** A passage to store: its text and, when an embedder is configured, its vector. */
export interface KnowledgePassageInput {
  text: string;
  /** The passage's embedding (all passages of a write have one, or none has). */
  vector?: number[];
}

/** A document as written: already split into passages. */
export interface KnowledgeDocumentWrite {
  tenant: string;
  /** The document's id, unique per tenant (1 to 512 characters). */
  id: string;
  /** @default 'default' */
  collection?: string;
  title?: string;
  text: string;
  metadata?: Record<string, unknown>;
  /** Orders the changes of one document: a write applies only when it is newer than what is stored. A non-negative safe integer. */
  version: number;
  passages: KnowledgePassageInput[];
  /** The embedder that made the vectors (a vector is only compared with vectors of the same model). */
  embeddingModel?: string;
}

/** What a write did: `applied`, or nothing because the stored version is newer (`stale`) or the same (`duplicate`). */
export type KnowledgeWriteOutcome = 'applied' | 'stale' | 'duplicate';

/** The result of an upsert or a delete. */
export interface KnowledgeWriteResult {
  outcome: KnowledgeWriteOutcome;
  /** The version stored after the write (undefined when the document never existed). */
  version?: number;
}

/** A stored document (without its passages). */
export interface KnowledgeDocument {
  tenant: string;
  id: string;
  collection: string;
  title?: string;
  text: string;
  metadata?: Record<string, unknown>;
  version: number;
  /** How many passages it was split into. */
  passages: number;
  updatedAt: Date;
}

/** A passage found by a search, with the score of that search (higher is better). */
export interface KnowledgeCandidate {
  /** `<documentId>#<n>`: the document's id and the passage's position in it. */
  passageId: string;
  documentId: string;
  collection: string;
  title?: string;
  text: string;
  version: number;
  /** Lexical: BM25 (embedded) or the text score (MongoDB); vector: cosine similarity. */
  score: number;
}

/** What a candidate search is asked. */
export interface KnowledgeQuery {
  tenant: string;
  /** How many candidates at most. */
  limit: number;
  /** Only these collections; absent or empty: all. */
  collections?: readonly string[];
}

/** The knowledge base's storage, one per store. Every method is scoped to one tenant. */
export interface KnowledgeStore {
  /** Whether `vectorSearch` ranks anything (the embedded store with sqlite-vec: yes; MongoDB without Atlas: no). */
  readonly hasVectorIndex: boolean;
  /**
   * Creates or replaces a document and its passages, atomically for readers of the embedded store,
   * when `version` is newer than the stored one (a deleted document keeps its version, so an older
   * write arriving late does not bring it back). Rejects with `InvalidMessageError` for bad input.
   */
  upsert(doc: KnowledgeDocumentWrite): Promise<KnowledgeWriteResult>;
  /**
   * Deletes a document and its passages. With a `version`, only when it is not older than the
   * stored one; without, unconditionally. `stale` also when there is nothing to delete.
   */
  delete(tenant: string, id: string, version?: number): Promise<KnowledgeWriteResult>;
  /** The live document, or undefined (never existed or deleted). */
  get(tenant: string, id: string): Promise<KnowledgeDocument | undefined>;
  /** A tenant's live documents, by id. */
  list(tenant: string, options?: { collection?: string; limit?: number; after?: string }): Promise<KnowledgeDocument[]>;
  /** Passages matching the words of `text`, best first (none when no word matches). */
  lexicalSearch(query: KnowledgeQuery & { text: string }): Promise<KnowledgeCandidate[]>;
  /** Passages nearest to `vector` among those embedded by `model`, best first ([] when `hasVectorIndex` is false). */
  vectorSearch(query: KnowledgeQuery & { vector: number[]; model: string }): Promise<KnowledgeCandidate[]>;
}
