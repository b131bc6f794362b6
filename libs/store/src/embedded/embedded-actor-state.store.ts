import { InvalidOptionsError, StateConflictError } from '@warren/contracts';
import type { Statement, Transaction } from 'better-sqlite3';
import { assertActorAddress } from '../domain/address';
import { type ResolvedCommitWrites, resolveCommitWrites, resolveOutbox } from '../domain/commit-writes';
import { assertDocumentSize, fromJson, jsonBytes, toJson } from '../domain/document-size';
import { requireId } from '../domain/input-checks';
import type { ActorRecord, ActorSave, ActorStateStore, OutboxEntry, ProcessedMessage } from '../ports/actor-state.port';
import type { EmbeddedHistoryStore } from './embedded-history.store';
import type { EmbeddedTaskStore } from './embedded-task.store';
import type { GroupCommit } from './group-commit';
import { guard, type SqliteDatabase } from './sqlite-database';

interface ActorRow {
  id: number;
  version: number;
  state_json: string | null;
  steps_json: string | null;
  processed_seq: number;
  updated_at: number;
}

/** `[message_id, reply_json, at]`: raw rows, a window of them is read on every load. */
type ProcessedRow = [string, string | null, number];

/** Limits the actor store enforces. */
export interface EmbeddedActorStateOptions {
  processedWindow: number;
  maxDocumentBytes: number;
}

/** JSON texts of one save, computed (and size-checked) before the transaction starts. */
interface SaveJson {
  state: string | null;
  steps: string | null;
  reply: string | null;
  /** `[entry id, entry JSON]` of the outbox entries to insert. */
  outbox: [string, string][];
  writes: ResolvedCommitWrites | undefined;
}

/** The stores a commit writes to besides the actor's own rows. */
export interface CommitTargets {
  tasks: Pick<EmbeddedTaskStore, 'writeCommitted'>;
  history: Pick<EmbeddedHistoryStore, 'writeCommitted'>;
}

/**
 * Actor state in SQLite. A save is one savepoint of the store's group commit (`GroupCommit`):
 * the version-guarded row update and, for a processed message, one upsert into its ring slot
 * (`seq % window`), which evicts the id that left the window. Rows whose `seq` is outside the
 * window (after the window was made smaller) are ignored by reads. `hasProcessed` walks the actor's ring: at most `window`
 * rows on one primary-key range; a secondary index on the message id measured twice as slow
 * per save (random UUIDs dirty two more pages per commit) for a lookup saved ~15 µs.
 */
export class EmbeddedActorStateStore implements ActorStateStore {
  private readonly selectActor: Statement<[string], ActorRow>;
  private readonly selectProcessed: Statement<[number, number], ProcessedRow>;
  private readonly selectHasProcessed: Statement<[string, string, number], number>;
  private readonly insertActor: Statement<Record<string, unknown>, number>;
  private readonly updateActor: Statement<Record<string, unknown>, Pick<ActorRow, 'id' | 'processed_seq'>>;
  private readonly upsertProcessed: Statement;
  private readonly deleteActor: Statement<[string], number>;
  private readonly deleteProcessed: Statement<[number]>;
  private readonly selectOutbox: Statement<[number], string>;
  private readonly insertOutbox: Statement;
  private readonly deleteOutboxEntry: Statement<[string, string]>;
  private readonly deleteOutbox: Statement<[number]>;
  private readonly loadTx: Transaction<(address: string) => ActorRecord>;
  private readonly saveTx: Transaction<(save: ActorSave, json: SaveJson) => number>;
  private readonly deleteTx: Transaction<(address: string) => void>;

  constructor(
    db: SqliteDatabase,
    private readonly options: EmbeddedActorStateOptions,
    private readonly commit: GroupCommit,
    private readonly targets: CommitTargets,
  ) {
    this.selectActor = db.prepare('SELECT id, version, state_json, steps_json, processed_seq, updated_at FROM actors WHERE address = ?');
    this.selectProcessed = db
      .prepare<[number, number], ProcessedRow>(
        'SELECT message_id, reply_json, at FROM actor_processed WHERE actor_id = ? AND seq > ? ORDER BY seq',
      )
      .raw();
    this.selectHasProcessed = db
      .prepare<[string, string, number], number>(
        `SELECT 1 FROM actors a JOIN actor_processed p ON p.actor_id = a.id
         WHERE a.address = ? AND p.message_id = ? AND p.seq > a.processed_seq - ? LIMIT 1`,
      )
      .pluck();
    this.insertActor = db
      .prepare<Record<string, unknown>, number>(
        `INSERT INTO actors (address, version, state_json, steps_json, processed_seq, updated_at)
         VALUES (@address, 1, @state, @steps, @inc, @now) ON CONFLICT (address) DO NOTHING RETURNING id`,
      )
      .pluck();
    this.updateActor = db.prepare(
      `UPDATE actors SET version = version + 1, state_json = @state,
         steps_json = CASE WHEN @keepSteps = 1 THEN steps_json ELSE @steps END,
         processed_seq = processed_seq + @inc, updated_at = @now
       WHERE address = @address AND version = @expected RETURNING id, processed_seq`,
    );
    this.upsertProcessed = db.prepare(
      `INSERT INTO actor_processed (actor_id, slot, seq, message_id, reply_json, at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (actor_id, slot) DO UPDATE SET seq = excluded.seq, message_id = excluded.message_id,
         reply_json = excluded.reply_json, at = excluded.at`,
    );
    this.deleteActor = db.prepare<[string], number>('DELETE FROM actors WHERE address = ? RETURNING id').pluck();
    this.deleteProcessed = db.prepare('DELETE FROM actor_processed WHERE actor_id = ?');
    this.selectOutbox = db.prepare<[number], string>('SELECT entry_json FROM actor_outbox WHERE actor_id = ? ORDER BY seq').pluck();
    this.insertOutbox = db.prepare(
      'INSERT INTO actor_outbox (actor_id, entry_id, seq, entry_json) VALUES (?, ?, ?, ?) ON CONFLICT (actor_id, entry_id) DO NOTHING',
    );
    this.deleteOutboxEntry = db.prepare(
      'DELETE FROM actor_outbox WHERE actor_id = (SELECT id FROM actors WHERE address = ?) AND entry_id = ?',
    );
    this.deleteOutbox = db.prepare('DELETE FROM actor_outbox WHERE actor_id = ?');
    // A deferred read transaction gives load one snapshot of the row and its processed ids.
    this.loadTx = db.transaction((address: string) => this.readRecord(address));
    // One save in a savepoint of the group commit (`GroupCommit`): a version conflict rolls back and fails only it.
    this.saveTx = db.transaction((save: ActorSave, json: SaveJson) => this.write(save, json));
    this.deleteTx = db.transaction((address: string) => {
      const id = this.deleteActor.get(address);
      if (id !== undefined) {
        this.deleteProcessed.run(id);
        this.deleteOutbox.run(id);
      }
    });
  }

  async load<S = unknown>(address: string): Promise<ActorRecord<S>> {
    assertActorAddress(address);
    return guard('load', () => this.loadTx(address)) as ActorRecord<S>;
  }

  async save<S = unknown>(save: ActorSave<S>): Promise<number> {
    assertActorAddress(save?.address);
    const expected = save.expectedVersion;
    if (!Number.isSafeInteger(expected) || expected < 0) {
      throw new InvalidOptionsError('expectedVersion', 'must be a non-negative integer');
    }
    if (save.processed !== undefined) requireId('processed.id', save.processed.id);
    const json: SaveJson = {
      state: toJson(save.state),
      steps: save.steps === undefined || save.steps === null ? null : JSON.stringify(save.steps),
      reply: save.processed === undefined ? null : toJson(save.processed.reply),
      outbox: resolveOutbox(save.outbox).map((e) => [e.id, JSON.stringify(e)]),
      writes: resolveCommitWrites(save.writes),
    };
    assertDocumentSize('actors', jsonBytes(json.state, json.steps, json.reply), this.options.maxDocumentBytes);
    return this.commit.run('save', () => this.saveTx(save, json));
  }

  async markSent(address: string, ids: string[]): Promise<void> {
    assertActorAddress(address);
    if (ids.length === 0) return;
    this.commit.defer('mark sent', () => {
      for (const id of ids) this.deleteOutboxEntry.run(address, id);
    });
  }

  async hasProcessed(address: string, messageId: string): Promise<boolean> {
    assertActorAddress(address);
    return guard('hasProcessed', () => this.selectHasProcessed.get(address, messageId, this.options.processedWindow) !== undefined);
  }

  async delete(address: string): Promise<void> {
    assertActorAddress(address);
    guard('delete', () => this.deleteTx(address));
  }

  private readRecord(address: string): ActorRecord {
    const row = this.selectActor.get(address);
    if (row === undefined) {
      return { address, state: undefined, version: 0, processed: [], steps: undefined, outbox: [], updatedAt: undefined };
    }
    return {
      address,
      state: fromJson(row.state_json),
      version: row.version,
      processed: this.selectProcessed.all(row.id, row.processed_seq - this.options.processedWindow).map(toProcessed),
      steps: fromJson<Record<string, unknown>>(row.steps_json),
      outbox: this.selectOutbox.all(row.id).map((j) => JSON.parse(j) as OutboxEntry),
      updatedAt: new Date(row.updated_at),
    };
  }

  private write(save: ActorSave, json: SaveJson): number {
    const { address, expectedVersion: expected, processed } = save;
    const now = Date.now();
    const inc = processed === undefined ? 0 : 1;
    let actorId: number | undefined;
    let seq = inc;
    if (expected === 0) {
      actorId = this.insertActor.get({ address, state: json.state, steps: json.steps, inc, now });
    } else {
      const keepSteps = save.steps === undefined ? 1 : 0;
      const row = this.updateActor.get({ address, expected, state: json.state, steps: json.steps, keepSteps, inc, now });
      actorId = row?.id;
      seq = row?.processed_seq ?? 0;
    }
    if (actorId === undefined) throw new StateConflictError(address, expected);
    if (processed !== undefined) {
      this.upsertProcessed.run(actorId, seq % this.options.processedWindow, seq, processed.id, json.reply, processed.at ?? now);
    }
    // Outbox rows ordered by commit (the new version) then by position in the commit.
    for (const [i, [entryId, entryJson]] of json.outbox.entries())
      this.insertOutbox.run(actorId, entryId, (expected + 1) * 1024 + i, entryJson);
    if (json.writes?.task) this.targets.tasks.writeCommitted(json.writes.task);
    if (json.writes?.history) this.targets.history.writeCommitted(json.writes.history);
    return expected + 1;
  }
}

function toProcessed([id, replyJson, at]: ProcessedRow): ProcessedMessage {
  const processed: ProcessedMessage = { id, at };
  if (replyJson !== null) processed.reply = JSON.parse(replyJson);
  return processed;
}
