import type { Collection, Filter } from 'mongodb';
import { requireId, resolveLimit } from '../domain/input-checks';
import { checkKnowledgeQuery, checkKnowledgeWrite, checkVersion, passageIdOf } from '../domain/knowledge-records';
import type {
  KnowledgeCandidate,
  KnowledgeDocument,
  KnowledgeDocumentWrite,
  KnowledgeQuery,
  KnowledgeStore,
  KnowledgeWriteResult,
} from '../ports/knowledge.port';
import type { KnowledgeDocumentDocument, KnowledgePassageDocument } from './mongo-documents';
import { profileId } from './mongo-documents';
import { isDuplicateKey, mongoCall } from './mongo-errors';

/**
 * The knowledge base in MongoDB: `knowledge_documents` (version-guarded upserts) and
 * `knowledge_passages`, searched with a per-tenant `$text` index (MongoDB's text score). Vector
 * search needs Atlas Vector Search (`$vectorSearch` over a `vectorSearch` index on `vector`), which
 * a self-hosted server does not have: this adapter keeps the vectors but ranks lexically only
 * (`hasVectorIndex` is false). Without multi-document transactions a write is: the document's
 * version (the guard), then its new passages, then the removal of other versions' passages; a
 * search only returns passages of the document's current version, so a reader never sees a mix.
 */
export class MongoKnowledgeStore implements KnowledgeStore {
  readonly hasVectorIndex = false;

  constructor(
    private readonly documents: Collection<KnowledgeDocumentDocument>,
    private readonly passages: Collection<KnowledgePassageDocument>,
  ) {}

  async upsert(input: KnowledgeDocumentWrite): Promise<KnowledgeWriteResult> {
    const doc = checkKnowledgeWrite(input);
    const _id = profileId(doc.tenant, doc.id);
    const set: Omit<KnowledgeDocumentDocument, '_id'> = {
      tenant: doc.tenant,
      id: doc.id,
      collection: doc.collection,
      version: doc.version,
      deleted: false,
      ...(doc.title === undefined ? {} : { title: doc.title }),
      text: doc.text,
      ...(doc.metadata === undefined ? {} : { metadata: doc.metadata }),
      passages: doc.passages.length,
      updatedAt: new Date(),
    };
    try {
      // Matches only an older version; an equal or newer one makes the upsert insert a second _id: E11000.
      await mongoCall('upsert', 'knowledge_documents', () =>
        this.documents.replaceOne({ _id, version: { $lt: doc.version } }, set, { upsert: true }),
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const stored = await this.documents.findOne({ _id }, { projection: { version: 1 } });
      const version = stored?.version ?? doc.version;
      return { outcome: version === doc.version ? 'duplicate' : 'stale', version };
    }
    const rows: KnowledgePassageDocument[] = doc.passages.map((p, seq) => ({
      _id: JSON.stringify([doc.tenant, doc.id, doc.version, seq]),
      tenant: doc.tenant,
      documentId: doc.id,
      collection: doc.collection,
      seq,
      version: doc.version,
      ...(doc.title === undefined ? {} : { title: doc.title }),
      text: p.text,
      ...(p.vector ? { vector: p.vector, embeddingModel: doc.embeddingModel } : {}),
    }));
    if (rows.length > 0) {
      await mongoCall('insert passages', 'knowledge_passages', async () => {
        try {
          await this.passages.insertMany(rows, { ordered: false });
        } catch (error) {
          if (!isDuplicateKey(error)) throw error; // a retried write: the passages are there already
        }
      });
    }
    await this.prune(doc.tenant, doc.id);
    return { outcome: 'applied', version: doc.version };
  }

  async delete(tenant: string, id: string, version?: number): Promise<KnowledgeWriteResult> {
    requireId('tenant', tenant, 128);
    requireId('id', id);
    if (version !== undefined) checkVersion(version);
    const _id = profileId(tenant, id);
    const stored = await mongoCall('get', 'knowledge_documents', () => this.documents.findOne({ _id }));
    if (!stored) return { outcome: 'stale' };
    if (version !== undefined && stored.version > version) return { outcome: 'stale', version: stored.version };
    if (stored.deleted)
      return { outcome: version === undefined || version === stored.version ? 'duplicate' : 'stale', version: stored.version };
    const next = version ?? stored.version;
    const res = await mongoCall('delete', 'knowledge_documents', () =>
      this.documents.updateOne(
        { _id, deleted: false, version: stored.version },
        { $set: { deleted: true, version: next, text: '', passages: 0, updatedAt: new Date() }, $unset: { title: '', metadata: '' } },
      ),
    );
    if (res.matchedCount === 0) return this.delete(tenant, id, version); // changed meanwhile: decide again
    await this.prune(tenant, id);
    return { outcome: 'applied', version: next };
  }

  async get(tenant: string, id: string): Promise<KnowledgeDocument | undefined> {
    requireId('tenant', tenant, 128);
    requireId('id', id);
    const doc = await mongoCall('get', 'knowledge_documents', () => this.documents.findOne({ _id: profileId(tenant, id), deleted: false }));
    return doc ? documentOf(doc) : undefined;
  }

  async list(tenant: string, options: { collection?: string; limit?: number; after?: string } = {}): Promise<KnowledgeDocument[]> {
    requireId('tenant', tenant, 128);
    const limit = resolveLimit(options.limit, 100);
    const filter: Filter<KnowledgeDocumentDocument> = { tenant, deleted: false };
    if (options.collection !== undefined) filter.collection = options.collection;
    if (options.after !== undefined) filter.id = { $gt: options.after };
    const docs = await mongoCall('list', 'knowledge_documents', () => this.documents.find(filter).sort({ id: 1 }).limit(limit).toArray());
    return docs.map(documentOf);
  }

  async lexicalSearch(query: KnowledgeQuery & { text: string }): Promise<KnowledgeCandidate[]> {
    checkKnowledgeQuery(query);
    const words = query.text.match(/[\p{L}\p{N}]+/gu) ?? [];
    if (words.length === 0) return [];
    const filter: Filter<KnowledgePassageDocument> = { tenant: query.tenant, $text: { $search: words.slice(0, 64).join(' ') } };
    if (query.collections?.length) filter.collection = { $in: [...query.collections] };
    // Over-fetch: passages of a replaced version may still be there for a moment (see the class comment).
    const rows = await mongoCall('search', 'knowledge_passages', () =>
      this.passages
        .find(filter, { projection: { vector: 0, score: { $meta: 'textScore' } } })
        .sort({ score: { $meta: 'textScore' } })
        .limit(query.limit * 2)
        .toArray(),
    );
    const current = await this.currentVersions(query.tenant, [...new Set(rows.map((r) => r.documentId))]);
    return rows
      .filter((r) => current.get(r.documentId) === r.version)
      .slice(0, query.limit)
      .map((r) => ({
        passageId: passageIdOf(r.documentId, r.seq),
        documentId: r.documentId,
        collection: r.collection,
        ...(r.title === undefined ? {} : { title: r.title }),
        text: r.text,
        version: r.version,
        score: (r as unknown as { score: number }).score,
      }));
  }

  async vectorSearch(query: KnowledgeQuery & { vector: number[]; model: string }): Promise<KnowledgeCandidate[]> {
    checkKnowledgeQuery(query);
    return [];
  }

  /** Removes the passages of every version but the stored one (all of them for a deleted document). */
  private async prune(tenant: string, id: string): Promise<void> {
    const stored = await this.documents.findOne({ _id: profileId(tenant, id) }, { projection: { version: 1, deleted: 1 } });
    const keep = stored && !stored.deleted ? stored.version : -1;
    await mongoCall('prune passages', 'knowledge_passages', () =>
      this.passages.deleteMany({ tenant, documentId: id, version: { $ne: keep } }),
    );
  }

  private async currentVersions(tenant: string, ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const docs = await this.documents
      .find({ _id: { $in: ids.map((id) => profileId(tenant, id)) }, deleted: false }, { projection: { id: 1, version: 1 } })
      .toArray();
    return new Map(docs.map((d) => [d.id, d.version]));
  }
}

function documentOf(doc: KnowledgeDocumentDocument): KnowledgeDocument {
  return {
    tenant: doc.tenant,
    id: doc.id,
    collection: doc.collection,
    ...(doc.title === undefined ? {} : { title: doc.title }),
    text: doc.text,
    ...(doc.metadata === undefined ? {} : { metadata: doc.metadata }),
    version: doc.version,
    passages: doc.passages,
    updatedAt: doc.updatedAt,
  };
}
