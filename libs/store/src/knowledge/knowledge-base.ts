import { invalid, requireId } from '../domain/input-checks';
import { MAX_KNOWLEDGE_CANDIDATES } from '../domain/knowledge-records';
import type { KnowledgeCandidate, KnowledgeDocument, KnowledgeStore, KnowledgeWriteResult } from '../ports/knowledge.port';
import { PASSAGE_SPLIT_DEFAULTS, splitPassages } from './passage-splitter';

/**
 * Turns texts into vectors for the knowledge base (the runtime adapts an embedding endpoint of
 * libs/models to it: the deterministic local embedder, an OpenAI-compatible `/v1/embeddings`).
 */
export interface TextEmbedder {
  /** Names the vector space: vectors of another model are never compared with these. */
  readonly model: string;
  /** One vector per text, in order, all of one length. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
}

/** A document as its writer sends it (the knowledge base splits and embeds it). */
export interface KnowledgeDocumentInput {
  tenant: string;
  id: string;
  /** @default 'default' */
  collection?: string;
  title?: string;
  text: string;
  metadata?: Record<string, unknown>;
  version: number;
}

/** What a retrieval asks. */
export interface KnowledgeSearch {
  tenant: string;
  text: string;
  /** How many passages at most. */
  topK: number;
  /** Passages whose fused score is below this are left out (0 to 1). @default 0 */
  minScore?: number;
  /** Only these collections; absent or empty: all. */
  collections?: readonly string[];
  signal?: AbortSignal;
}

/** A passage a retrieval returns, with the fused score and the rank in each search that found it. */
export interface KnowledgeHit extends Omit<KnowledgeCandidate, 'score'> {
  /** Reciprocal-rank fusion of the searches that ran, scaled to 0..1 (1: first in every search). */
  score: number;
  lexical?: { rank: number; score: number };
  vector?: { rank: number; score: number };
}

/** Options of a {@link KnowledgeBase}. */
export interface KnowledgeBaseOptions {
  /** Absent: lexical search only. */
  embedder?: TextEmbedder;
  /** Longest passage in characters. @default 800 */
  maxPassageChars?: number;
  /** The constant k of reciprocal-rank fusion (larger flattens the ranks). @default 60 */
  rrfK?: number;
  /** Candidates each search returns, as a multiple of topK (at least 20). @default 4 */
  candidateFactor?: number;
}

/**
 * The knowledge base over a {@link KnowledgeStore}: splits documents into passages, embeds them
 * when an embedder is configured, and answers a retrieval by fusing the lexical and vector
 * candidate lists with reciprocal-rank fusion (Cormack et al., 2009: score = Σ 1/(k + rank)),
 * which needs no calibration between BM25 and cosine scores. The same for every adapter.
 */
export class KnowledgeBase {
  private readonly maxPassageChars: number;
  private readonly rrfK: number;
  private readonly candidateFactor: number;

  constructor(
    readonly store: KnowledgeStore,
    private readonly options: KnowledgeBaseOptions = {},
  ) {
    this.maxPassageChars = options.maxPassageChars ?? PASSAGE_SPLIT_DEFAULTS.maxChars;
    this.rrfK = options.rrfK ?? 60;
    this.candidateFactor = options.candidateFactor ?? 4;
  }

  /** Whether retrievals use vectors too (an embedder and an adapter with a vector index). */
  get hybrid(): boolean {
    return this.options.embedder !== undefined && this.store.hasVectorIndex;
  }

  /** Splits, embeds (when hybrid) and writes a document, if its version is newer than the stored one. */
  async upsert(doc: KnowledgeDocumentInput, signal?: AbortSignal): Promise<KnowledgeWriteResult> {
    if (typeof doc?.text !== 'string') invalid('text', 'must be a string');
    const texts = splitPassages(doc.text, { maxChars: this.maxPassageChars });
    const embedder = this.hybrid ? this.options.embedder : undefined;
    const vectors =
      embedder && texts.length > 0
        ? await embedder.embed(
            texts.map((t) => (doc.title ? `${doc.title}\n${t}` : t)),
            signal,
          )
        : undefined;
    return this.store.upsert({
      ...doc,
      passages: texts.map((text, i) => ({ text, ...(vectors ? { vector: vectors[i] } : {}) })),
      ...(embedder ? { embeddingModel: embedder.model } : {}),
    });
  }

  delete(tenant: string, id: string, version?: number): Promise<KnowledgeWriteResult> {
    return this.store.delete(tenant, id, version);
  }

  get(tenant: string, id: string): Promise<KnowledgeDocument | undefined> {
    return this.store.get(tenant, id);
  }

  list(tenant: string, options?: { collection?: string; limit?: number; after?: string }): Promise<KnowledgeDocument[]> {
    return this.store.list(tenant, options);
  }

  /** The best passages of the tenant for `text`, best first. */
  async search(search: KnowledgeSearch): Promise<KnowledgeHit[]> {
    requireId('tenant', search?.tenant, 128);
    if (!Number.isInteger(search.topK) || search.topK < 1 || search.topK > 100) invalid('topK', 'must be an integer from 1 to 100');
    const minScore = search.minScore ?? 0;
    if (typeof minScore !== 'number' || minScore < 0 || minScore > 1) invalid('minScore', 'must be a number from 0 to 1');
    const limit = Math.min(MAX_KNOWLEDGE_CANDIDATES, Math.max(20, search.topK * this.candidateFactor));
    const base = { tenant: search.tenant, limit, ...(search.collections?.length ? { collections: search.collections } : {}) };
    const embedder = this.hybrid ? this.options.embedder : undefined;
    const [lexical, vector] = await Promise.all([
      this.store.lexicalSearch({ ...base, text: search.text }),
      embedder
        ? embedder.embed([search.text], search.signal).then(([v]) => this.store.vectorSearch({ ...base, vector: v, model: embedder.model }))
        : Promise.resolve(undefined),
    ]);
    // A vector list always has k nearest neighbours: one pointing away from the query is not relevant.
    const lists: [KnowledgeCandidate[], 'lexical' | 'vector'][] = [[lexical, 'lexical']];
    if (vector) lists.push([vector.filter((c) => c.score > 0), 'vector']);
    const best = lists.length / (this.rrfK + 1);
    const fused = new Map<string, KnowledgeHit>();
    for (const [list, kind] of lists) {
      list.forEach((c, i) => {
        const rank = i + 1;
        const hit = fused.get(c.passageId) ?? { ...c, score: 0 };
        hit.score += 1 / (this.rrfK + rank) / best;
        hit[kind] = { rank, score: c.score };
        fused.set(c.passageId, hit);
      });
    }
    return [...fused.values()]
      .filter((h) => h.score >= minScore)
      .sort((a, b) => b.score - a.score || a.passageId.localeCompare(b.passageId))
      .slice(0, search.topK);
  }
}
