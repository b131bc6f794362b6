import type { Statement } from 'better-sqlite3';
import { requireId, resolveLimit } from '../domain/input-checks';
import { checkKnowledgeQuery, checkKnowledgeWrite, checkVersion, ftsQueryOf, passageIdOf } from '../domain/knowledge-records';
import type {
  KnowledgeCandidate,
  KnowledgeDocument,
  KnowledgeDocumentWrite,
  KnowledgeQuery,
  KnowledgeStore,
  KnowledgeWriteResult,
} from '../ports/knowledge.port';
import { guard, type SqliteDatabase } from './sqlite-database';
import { loadSqliteVec } from './sqlite-vec';

interface DocumentRow {
  tenant: string;
  id: string;
  collection: string;
  version: number;
  deleted: number;
  title: string | null;
  text: string;
  metadata_json: string | null;
  passages: number;
  updated_at: number;
}

interface PassageRow {
  id: number;
  document_id: string;
  collection: string;
  seq: number;
  version: number;
  title: string | null;
  text: string;
}

/**
 * The knowledge base in the embedded store: documents and passages in SQLite, lexical search by
 * FTS5 with BM25, vector search by sqlite-vec (`vec0` tables, one per vector length, partitioned
 * by tenant, cosine distance) when the extension loads. A write is one IMMEDIATE transaction, so
 * a reader (in this or another process) sees a document's old passages or its new ones, never a mix.
 */
export class EmbeddedKnowledgeStore implements KnowledgeStore {
  readonly hasVectorIndex: boolean;
  private readonly vectorTables = new Map<number, { insert: Statement; remove: Statement }>();
  /** Search statements by their SQL (one per vector length and number of collections). */
  private readonly searches = new Map<string, Statement<unknown[], unknown>>();
  private readonly selectDoc: Statement<{ tenant: string; id: string }, DocumentRow>;
  private readonly selectPassages: Statement<{ tenant: string; id: string }, { id: number; vector_dims: number | null }>;
  private readonly deletePassages: Statement<{ tenant: string; id: string }>;
  private readonly putDoc: Statement;
  private readonly tombstone: Statement;
  private readonly insertPassage: Statement;

  constructor(private readonly db: SqliteDatabase) {
    this.hasVectorIndex = loadSqliteVec(db);
    this.selectDoc = db.prepare('SELECT * FROM knowledge_documents WHERE tenant = @tenant AND id = @id');
    this.selectPassages = db.prepare('SELECT id, vector_dims FROM knowledge_passages WHERE tenant = @tenant AND document_id = @id');
    this.deletePassages = db.prepare('DELETE FROM knowledge_passages WHERE tenant = @tenant AND document_id = @id');
    this.putDoc = db.prepare(
      `INSERT OR REPLACE INTO knowledge_documents (tenant, id, collection, version, deleted, title, text, metadata_json, passages, updated_at)
       VALUES (@tenant, @id, @collection, @version, 0, @title, @text, @metadata, @passages, @at)`,
    );
    this.tombstone = db.prepare(
      `UPDATE knowledge_documents SET deleted = 1, version = @version, text = '', title = NULL, metadata_json = NULL, passages = 0, updated_at = @at
       WHERE tenant = @tenant AND id = @id`,
    );
    this.insertPassage = db.prepare(
      `INSERT INTO knowledge_passages (tenant, document_id, collection, seq, version, title, text, vector_dims)
       VALUES (@tenant, @id, @collection, @seq, @version, @title, @text, @dims)`,
    );
  }

  async upsert(input: KnowledgeDocumentWrite): Promise<KnowledgeWriteResult> {
    const doc = checkKnowledgeWrite(input);
    const write = this.db.transaction((): KnowledgeWriteResult => {
      const stored = this.selectDoc.get({ tenant: doc.tenant, id: doc.id });
      if (stored && stored.version > doc.version) return { outcome: 'stale', version: stored.version };
      if (stored && stored.version === doc.version) return { outcome: 'duplicate', version: stored.version };
      this.removePassages(doc.tenant, doc.id);
      this.putDoc.run({
        tenant: doc.tenant,
        id: doc.id,
        collection: doc.collection,
        version: doc.version,
        title: doc.title ?? null,
        text: doc.text,
        metadata: doc.metadata === undefined ? null : JSON.stringify(doc.metadata),
        passages: doc.passages.length,
        at: Date.now(),
      });
      doc.passages.forEach((p, seq) => {
        const dims = this.hasVectorIndex && p.vector ? p.vector.length : null;
        const { lastInsertRowid } = this.insertPassage.run({
          tenant: doc.tenant,
          id: doc.id,
          collection: doc.collection,
          seq,
          version: doc.version,
          title: doc.title ?? null,
          text: p.text,
          dims,
        });
        if (dims !== null && p.vector) {
          this.vectorTable(dims).insert.run(
            BigInt(lastInsertRowid),
            doc.tenant,
            doc.collection,
            doc.embeddingModel ?? '',
            new Float32Array(p.vector),
          );
        }
      });
      return { outcome: 'applied', version: doc.version };
    });
    return guard('upsert knowledge document', () => write.immediate());
  }

  async delete(tenant: string, id: string, version?: number): Promise<KnowledgeWriteResult> {
    requireId('tenant', tenant, 128);
    requireId('id', id);
    if (version !== undefined) checkVersion(version);
    const write = this.db.transaction((): KnowledgeWriteResult => {
      const stored = this.selectDoc.get({ tenant, id });
      if (!stored) return { outcome: 'stale' };
      if (version !== undefined && stored.version > version) return { outcome: 'stale', version: stored.version };
      if (stored.deleted)
        return { outcome: version === undefined || version === stored.version ? 'duplicate' : 'stale', version: stored.version };
      this.removePassages(tenant, id);
      const next = version ?? stored.version;
      this.tombstone.run({ tenant, id, version: next, at: Date.now() });
      return { outcome: 'applied', version: next };
    });
    return guard('delete knowledge document', () => write.immediate());
  }

  async get(tenant: string, id: string): Promise<KnowledgeDocument | undefined> {
    requireId('tenant', tenant, 128);
    requireId('id', id);
    const row = guard('get knowledge document', () => this.selectDoc.get({ tenant, id }));
    return row && !row.deleted ? documentOf(row) : undefined;
  }

  async list(tenant: string, options: { collection?: string; limit?: number; after?: string } = {}): Promise<KnowledgeDocument[]> {
    requireId('tenant', tenant, 128);
    const limit = resolveLimit(options.limit, 100);
    const where = ['tenant = ?', 'deleted = 0'];
    const args: unknown[] = [tenant];
    if (options.collection !== undefined) {
      where.push('collection = ?');
      args.push(options.collection);
    }
    if (options.after !== undefined) {
      where.push('id > ?');
      args.push(options.after);
    }
    const rows = guard('list knowledge documents', () =>
      this.db
        .prepare<unknown[], DocumentRow>(`SELECT * FROM knowledge_documents WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`)
        .all(...args, limit),
    );
    return rows.map(documentOf);
  }

  async lexicalSearch(query: KnowledgeQuery & { text: string }): Promise<KnowledgeCandidate[]> {
    checkKnowledgeQuery(query);
    const match = ftsQueryOf(query.text);
    if (match === undefined) return [];
    const collections = query.collections ?? [];
    const filter = collections.length > 0 ? `AND p.collection IN (${collections.map(() => '?').join(', ')})` : '';
    // bm25() is lower-is-better (negative); the title column weighs twice the text.
    const sql = `SELECT p.id, p.document_id, p.collection, p.seq, p.version, p.title, p.text, -bm25(knowledge_fts, 2.0, 1.0) AS score
      FROM knowledge_fts JOIN knowledge_passages p ON p.id = knowledge_fts.rowid
      WHERE knowledge_fts MATCH ? AND p.tenant = ? ${filter}
      ORDER BY bm25(knowledge_fts, 2.0, 1.0) LIMIT ?`;
    const rows = guard('search knowledge (lexical)', () =>
      (this.statement(sql) as Statement<unknown[], PassageRow & { score: number }>).all(match, query.tenant, ...collections, query.limit),
    );
    return rows.map((row) => candidateOf(row, row.score));
  }

  async vectorSearch(query: KnowledgeQuery & { vector: number[]; model: string }): Promise<KnowledgeCandidate[]> {
    checkKnowledgeQuery(query);
    if (!this.hasVectorIndex || query.vector.length === 0) return [];
    const dims = query.vector.length;
    if (!this.tableExists(dims)) return [];
    const collections = query.collections ?? [];
    const filter = collections.length > 0 ? `AND v.collection IN (${collections.map(() => '?').join(', ')})` : '';
    const sql = `SELECT p.id, p.document_id, p.collection, p.seq, p.version, p.title, p.text, v.distance
      FROM ${vectorTableName(dims)} v JOIN knowledge_passages p ON p.id = v.rowid
      WHERE v.embedding MATCH ? AND k = ? AND v.tenant = ? AND v.model = ? ${filter}
      ORDER BY v.distance`;
    const rows = guard('search knowledge (vector)', () =>
      (this.statement(sql) as Statement<unknown[], PassageRow & { distance: number }>).all(
        new Float32Array(query.vector),
        query.limit,
        query.tenant,
        query.model,
        ...collections,
      ),
    );
    // cosine distance = 1 - cosine similarity
    return rows.map((row) => candidateOf(row, 1 - row.distance));
  }

  private removePassages(tenant: string, id: string): void {
    for (const p of this.selectPassages.all({ tenant, id })) {
      if (p.vector_dims !== null && this.tableExists(p.vector_dims)) this.vectorTable(p.vector_dims).remove.run(BigInt(p.id));
    }
    this.deletePassages.run({ tenant, id });
  }

  private statement(sql: string): Statement<unknown[], unknown> {
    let stmt = this.searches.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<unknown[], unknown>(sql);
      this.searches.set(sql, stmt);
    }
    return stmt;
  }

  /** Whether the vec0 table of `dims` exists (another process may have created it). */
  private tableExists(dims: number): boolean {
    if (this.vectorTables.has(dims)) return true;
    const row = this.db.prepare('SELECT 1 AS x FROM sqlite_master WHERE name = ?').get(vectorTableName(dims));
    if (row) this.vectorTables.set(dims, this.statementsOf(dims));
    return row !== undefined;
  }

  /** The vec0 table of vectors of length `dims`, created on first use (its length is part of its schema). */
  private vectorTable(dims: number): { insert: Statement; remove: Statement } {
    if (!this.tableExists(dims)) {
      this.db.exec(
        `CREATE VIRTUAL TABLE IF NOT EXISTS ${vectorTableName(dims)} USING vec0(
          tenant TEXT PARTITION KEY, collection TEXT, model TEXT, embedding FLOAT[${dims}] distance_metric=cosine)`,
      );
      this.vectorTables.set(dims, this.statementsOf(dims));
    }
    return this.vectorTables.get(dims) as { insert: Statement; remove: Statement };
  }

  private statementsOf(dims: number): { insert: Statement; remove: Statement } {
    const name = vectorTableName(dims);
    return {
      insert: this.db.prepare(`INSERT INTO ${name} (rowid, tenant, collection, model, embedding) VALUES (?, ?, ?, ?, ?)`),
      remove: this.db.prepare(`DELETE FROM ${name} WHERE rowid = ?`),
    };
  }
}

function vectorTableName(dims: number): string {
  return `knowledge_vec_${Math.trunc(dims)}`;
}

function documentOf(row: DocumentRow): KnowledgeDocument {
  return {
    tenant: row.tenant,
    id: row.id,
    collection: row.collection,
    ...(row.title === null ? {} : { title: row.title }),
    text: row.text,
    ...(row.metadata_json === null ? {} : { metadata: JSON.parse(row.metadata_json) as Record<string, unknown> }),
    version: row.version,
    passages: row.passages,
    updatedAt: new Date(row.updated_at),
  };
}

function candidateOf(row: PassageRow, score: number): KnowledgeCandidate {
  return {
    passageId: passageIdOf(row.document_id, row.seq),
    documentId: row.document_id,
    collection: row.collection,
    ...(row.title === null ? {} : { title: row.title }),
    text: row.text,
    version: row.version,
    score,
  };
}
