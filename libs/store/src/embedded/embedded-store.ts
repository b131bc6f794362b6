import { eraseUserData } from '../domain/erase-user';
import type { ResolvedStoreOptions } from '../store-options';
import type { ErasureReport, WarrenStore } from '../warren-store';
import { EmbeddedActorStateStore } from './embedded-actor-state.store';
import { EmbeddedAuditStore } from './embedded-audit.store';
import { EmbeddedDeadLetterStore } from './embedded-dead-letter.store';
import { EmbeddedHistoryStore } from './embedded-history.store';
import { EmbeddedKnowledgeStore } from './embedded-knowledge.store';
import { EmbeddedProfileStore } from './embedded-profile.store';
import { EmbeddedReminderStore } from './embedded-reminder.store';
import { migrateSchema } from './embedded-schema';
import { EmbeddedTaskStore } from './embedded-task.store';
import { GroupCommit } from './group-commit';
import { guard, openSqlite, type SqliteDatabase } from './sqlite-database';

/**
 * The embedded store: one SQLite file in WAL mode under `dataDir`, shareable by several processes.
 * The schema is migrated when the store is opened (statements are prepared against it), so
 * `init()` has nothing left to do but check the connection.
 * @internal use `createStore`.
 */
export class EmbeddedStore implements WarrenStore {
  readonly kind = 'embedded' as const;
  readonly actors: EmbeddedActorStateStore;
  readonly history: EmbeddedHistoryStore;
  readonly tasks: EmbeddedTaskStore;
  readonly deadLetters: EmbeddedDeadLetterStore;
  readonly reminders: EmbeddedReminderStore;
  readonly profiles: EmbeddedProfileStore;
  readonly audit: EmbeddedAuditStore;
  readonly knowledge: EmbeddedKnowledgeStore;
  private readonly db: SqliteDatabase;
  private readonly commit: GroupCommit;

  constructor(options: ResolvedStoreOptions) {
    this.db = openSqlite(options.dataDir, options.busyTimeoutMs);
    try {
      guard('migrate', () => migrateSchema(this.db));
    } catch (error) {
      this.db.close();
      throw error;
    }
    const max = options.maxDocumentBytes;
    this.commit = new GroupCommit(this.db);
    this.history = new EmbeddedHistoryStore(this.db, max, this.commit);
    this.tasks = new EmbeddedTaskStore(this.db, max, this.commit);
    this.actors = new EmbeddedActorStateStore(this.db, { processedWindow: options.processedWindow, maxDocumentBytes: max }, this.commit, {
      tasks: this.tasks,
      history: this.history,
    });
    this.deadLetters = new EmbeddedDeadLetterStore(this.db, max);
    this.reminders = new EmbeddedReminderStore(this.db, max, this.commit);
    this.profiles = new EmbeddedProfileStore(this.db, max);
    this.audit = new EmbeddedAuditStore(this.db, max);
    this.knowledge = new EmbeddedKnowledgeStore(this.db);
  }

  async init(): Promise<void> {
    await this.ping();
  }

  async ping(): Promise<void> {
    guard('ping', () => this.db.prepare('SELECT 1').get());
  }

  eraseUser(tenant: string, userId: string): Promise<ErasureReport> {
    return eraseUserData(this, tenant, userId);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.commit.flush();
    // Fold the WAL back into the main file when we are the last connection (cheap, best effort).
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // another process holds the database busy: its own close will checkpoint
    }
    this.db.close();
  }
}
