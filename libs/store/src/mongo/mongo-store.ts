import { type Db, MongoClient } from 'mongodb';
import { eraseUserData } from '../domain/erase-user';
import type { ResolvedStoreOptions } from '../store-options';
import type { ErasureReport, WarrenStore } from '../warren-store';
import { MongoActorStateStore } from './mongo-actor-state.store';
import { MongoAuditStore } from './mongo-audit.store';
import { majorityWriteConcern, mongoClientOptions } from './mongo-client';
import { MongoDeadLetterStore } from './mongo-dead-letter.store';
import {
  type ActorDocument,
  type AuditDocument,
  COLLECTIONS,
  type DeadLetterDocument,
  type KnowledgeDocumentDocument,
  type KnowledgePassageDocument,
  type MessageDocument,
  type ProfileDocument,
  type ReminderDocument,
  type TaskDocument,
} from './mongo-documents';
import { mongoCall } from './mongo-errors';
import { MongoHistoryStore } from './mongo-history.store';
import { ensureMongoIndexes } from './mongo-indexes';
import { MongoKnowledgeStore } from './mongo-knowledge.store';
import { MongoProfileStore } from './mongo-profile.store';
import { MongoReminderStore } from './mongo-reminder.store';
import { MongoTaskStore } from './mongo-task.store';

/**
 * The MongoDB store on the official driver. The client connects on first use; `init()` connects
 * eagerly (so a wrong URL fails at start), creates the indices and backfills
 * fields older documents lack.
 * @internal use `createStore`.
 */
export class MongoStore implements WarrenStore {
  readonly kind = 'mongo' as const;
  readonly actors: MongoActorStateStore;
  readonly history: MongoHistoryStore;
  readonly tasks: MongoTaskStore;
  readonly deadLetters: MongoDeadLetterStore;
  readonly reminders: MongoReminderStore;
  readonly profiles: MongoProfileStore;
  private readonly client: MongoClient;
  readonly audit: MongoAuditStore;
  readonly knowledge: MongoKnowledgeStore;
  private readonly db: Db;

  constructor(options: ResolvedStoreOptions) {
    if (options.mongoUrl === undefined) throw new TypeError('MongoStore needs options.mongoUrl');
    this.client = new MongoClient(options.mongoUrl, mongoClientOptions(options));
    this.db = this.client.db(options.mongoDatabase);
    const majority = { writeConcern: majorityWriteConcern(options) };
    const max = options.maxDocumentBytes;
    this.history = new MongoHistoryStore(this.db.collection<MessageDocument>(COLLECTIONS.messages), max);
    this.tasks = new MongoTaskStore(this.db.collection<TaskDocument>(COLLECTIONS.tasks, majority), max);
    this.actors = new MongoActorStateStore(
      this.db.collection<ActorDocument>(COLLECTIONS.actors, majority),
      { processedWindow: options.processedWindow, maxDocumentBytes: max },
      { tasks: this.tasks, history: this.history },
    );
    this.deadLetters = new MongoDeadLetterStore(this.db.collection<DeadLetterDocument>(COLLECTIONS.deadLetters), max);
    this.reminders = new MongoReminderStore(this.db.collection<ReminderDocument>(COLLECTIONS.reminders), max);
    this.profiles = new MongoProfileStore(this.db.collection<ProfileDocument>(COLLECTIONS.profiles), max);
    this.audit = new MongoAuditStore(this.db.collection<AuditDocument>(COLLECTIONS.auditLog, majority), max);
    this.knowledge = new MongoKnowledgeStore(
      this.db.collection<KnowledgeDocumentDocument>(COLLECTIONS.knowledgeDocuments, majority),
      this.db.collection<KnowledgePassageDocument>(COLLECTIONS.knowledgePassages),
    );
  }

  async init(): Promise<void> {
    await mongoCall('connect', this.db.databaseName, () => this.client.connect());
    await ensureMongoIndexes(this.db);
    await this.deadLetters.migrate();
    await this.history.migrate();
  }

  async ping(): Promise<void> {
    await mongoCall('ping', this.db.databaseName, () => this.db.command({ ping: 1 }));
  }

  eraseUser(tenant: string, userId: string): Promise<ErasureReport> {
    return eraseUserData(this, tenant, userId);
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** Drops the whole database. For tests only. @internal */
  async dropDatabase(): Promise<void> {
    await mongoCall('dropDatabase', this.db.databaseName, () => this.db.dropDatabase());
  }
}
