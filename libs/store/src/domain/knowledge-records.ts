import {
  DEFAULT_KNOWLEDGE_COLLECTION,
  type KnowledgeDocumentWrite,
  type KnowledgePassageInput,
  type KnowledgeQuery,
} from '../ports/knowledge.port';
import { invalid, requireId } from './input-checks';

/** Longest document text accepted (characters). */
export const MAX_KNOWLEDGE_TEXT = 1_000_000;

/** Most candidates one search returns. */
export const MAX_KNOWLEDGE_CANDIDATES = 1000;

const COLLECTION = /^[A-Za-z0-9_.-]{1,64}$/;

/** A write checked, with its collection resolved. */
export interface CheckedKnowledgeWrite extends KnowledgeDocumentWrite {
  collection: string;
}

/** Checks a write (`InvalidMessageError` naming the field) and resolves its collection. */
export function checkKnowledgeWrite(doc: KnowledgeDocumentWrite): CheckedKnowledgeWrite {
  requireId('tenant', doc?.tenant, 128);
  requireId('id', doc.id);
  const collection = doc.collection ?? DEFAULT_KNOWLEDGE_COLLECTION;
  checkCollection('collection', collection);
  checkVersion(doc.version);
  if (doc.title !== undefined && (typeof doc.title !== 'string' || doc.title.length > 1024))
    invalid('title', 'must be a string of at most 1024 characters');
  if (typeof doc.text !== 'string' || doc.text.length > MAX_KNOWLEDGE_TEXT)
    invalid('text', `must be a string of at most ${MAX_KNOWLEDGE_TEXT} characters`);
  if (doc.metadata !== undefined && (doc.metadata === null || typeof doc.metadata !== 'object' || Array.isArray(doc.metadata)))
    invalid('metadata', 'must be an object');
  if (!Array.isArray(doc.passages)) invalid('passages', 'must be an array');
  checkVectors(doc.passages, doc.embeddingModel);
  return { ...doc, collection };
}

/** A version: a non-negative safe integer. */
export function checkVersion(version: unknown, field = 'version'): number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) invalid(field, 'must be a non-negative integer');
  return version;
}

/** A collection name: `[A-Za-z0-9_.-]{1,64}`. */
export function checkCollection(field: string, value: unknown): string {
  if (typeof value !== 'string' || !COLLECTION.test(value)) invalid(field, 'must match [A-Za-z0-9_.-]{1,64}');
  return value;
}

/** Checks a search's tenant, limit and collections. */
export function checkKnowledgeQuery(query: KnowledgeQuery): void {
  requireId('tenant', query?.tenant, 128);
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_KNOWLEDGE_CANDIDATES)
    invalid('limit', `must be an integer from 1 to ${MAX_KNOWLEDGE_CANDIDATES}`);
  for (const c of query.collections ?? []) checkCollection('collections', c);
}

function checkVectors(passages: readonly KnowledgePassageInput[], model: string | undefined): void {
  const withVector = passages.filter((p) => p.vector !== undefined);
  if (withVector.length === 0) return;
  if (withVector.length !== passages.length) invalid('passages', 'must all have a vector, or none');
  if (model === undefined) invalid('embeddingModel', 'is required with vectors');
  requireId('embeddingModel', model, 256);
  const dims = withVector[0].vector?.length ?? 0;
  for (const p of withVector) {
    if (typeof p.text !== 'string') invalid('passages.text', 'must be a string');
    const v = p.vector ?? [];
    if (v.length !== dims || dims === 0 || dims > 8192 || v.some((x) => typeof x !== 'number' || !Number.isFinite(x)))
      invalid('passages.vector', 'must be arrays of one length (1 to 8192) of finite numbers');
  }
}

/** The id of a document's n-th passage. */
export function passageIdOf(documentId: string, seq: number): string {
  return `${documentId}#${seq}`;
}

/**
 * The words of a query as an FTS5 expression: each word quoted (so no user text is FTS syntax),
 * joined with OR so BM25 ranks passages by how many and how rare the matched words are.
 */
export function ftsQueryOf(text: string): string | undefined {
  const words =
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const unique = [...new Set(words)].slice(0, 64);
  return unique.length === 0 ? undefined : unique.map((w) => `"${w}"`).join(' OR ');
}
