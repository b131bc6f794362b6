import type { Statement } from 'better-sqlite3';
import { assertActorAddress } from '../domain/address';
import { assertDocumentSize, fromJson, jsonBytes, toJson } from '../domain/document-size';
import { requireDate, requireId } from '../domain/input-checks';
import { assertReminderKey, normaliseReminder, resolveClaim } from '../domain/reminder-records';
import { stripUndefined } from '../domain/strip-undefined';
import type { ReminderClaim, ReminderInput, ReminderRecord, ReminderStore } from '../ports/reminder.port';
import type { GroupCommit } from './group-commit';
import { guard, type SqliteDatabase } from './sqlite-database';

interface ReminderRow {
  actor: string;
  name: string;
  due_at: number;
  period_ms: number | null;
  cron: string | null;
  time_zone: string | null;
  ttl_ms: number | null;
  missed_fire: string | null;
  payload_json: string | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

type Params = Record<string, unknown>;

/** Reminders in SQLite. A claim is one `UPDATE … WHERE rowid IN (due, unleased) RETURNING *`. */
export class EmbeddedReminderStore implements ReminderStore {
  private readonly upsertStatement: Statement<Params, ReminderRow>;
  private readonly select: Statement<Params, ReminderRow>;
  private readonly selectByActor: Statement<Params, ReminderRow>;
  private readonly deleteStatement: Statement<Params>;
  private readonly claim: Statement<Params, ReminderRow>;
  private readonly advanceStatement: Statement<Params>;
  private readonly completeStatement: Statement<Params>;
  private readonly releaseStatement: Statement<Params>;

  constructor(
    db: SqliteDatabase,
    private readonly maxDocumentBytes: number,
    private readonly commit: GroupCommit,
  ) {
    const key = 'actor = @actor AND name = @name';
    this.upsertStatement = db.prepare(
      `INSERT INTO reminders (actor, name, due_at, period_ms, cron, time_zone, ttl_ms, missed_fire, payload_json, created_at, updated_at)
       VALUES (@actor, @name, @dueAt, @periodMs, @cron, @timeZone, @ttlMs, @missedFire, @payload, @now, @now)
       ON CONFLICT (actor, name) DO UPDATE SET due_at = excluded.due_at, period_ms = excluded.period_ms,
         cron = excluded.cron, time_zone = excluded.time_zone, ttl_ms = excluded.ttl_ms, missed_fire = excluded.missed_fire,
         payload_json = excluded.payload_json, lease_owner = NULL, lease_expires_at = NULL, updated_at = excluded.updated_at
       RETURNING *`,
    );
    this.select = db.prepare(`SELECT * FROM reminders WHERE ${key}`);
    this.selectByActor = db.prepare('SELECT * FROM reminders WHERE actor = @actor ORDER BY due_at, name');
    this.deleteStatement = db.prepare(`DELETE FROM reminders WHERE ${key}`);
    // The subquery and the update run in one statement: nobody can lease a row in between.
    this.claim = db.prepare(
      `UPDATE reminders SET lease_owner = @owner, lease_expires_at = @expiresAt, updated_at = @now
       WHERE rowid IN (
         SELECT rowid FROM reminders
         WHERE due_at <= @now AND (lease_expires_at IS NULL OR lease_expires_at <= @now)
         ORDER BY due_at LIMIT @limit)
       RETURNING *`,
    );
    const held = `${key} AND lease_owner = @owner`;
    this.advanceStatement = db.prepare(
      `UPDATE reminders SET due_at = @dueAt, lease_owner = NULL, lease_expires_at = NULL, updated_at = @now WHERE ${held}`,
    );
    this.completeStatement = db.prepare(`DELETE FROM reminders WHERE ${held}`);
    this.releaseStatement = db.prepare(`UPDATE reminders SET lease_owner = NULL, lease_expires_at = NULL, updated_at = @now WHERE ${held}`);
  }

  async upsert(input: ReminderInput): Promise<ReminderRecord> {
    const reminder = normaliseReminder(input);
    const payload = toJson(reminder.payload);
    assertDocumentSize('reminders', jsonBytes(payload), this.maxDocumentBytes);
    const params = {
      actor: reminder.actor,
      name: reminder.name,
      dueAt: reminder.dueAt.getTime(),
      periodMs: reminder.periodMs ?? null,
      cron: reminder.cron ?? null,
      timeZone: reminder.timeZone ?? null,
      ttlMs: reminder.ttlMs ?? null,
      missedFire: reminder.missedFire ?? null,
      payload,
      now: Date.now(),
    };
    return fromRow(await this.commit.run('upsert reminder', () => this.upsertStatement.get(params) as ReminderRow));
  }

  async get(actor: string, name: string): Promise<ReminderRecord | undefined> {
    assertReminderKey(actor, name);
    const row = guard('get reminder', () => this.select.get({ actor, name }));
    return row === undefined ? undefined : fromRow(row);
  }

  async listByActor(actor: string): Promise<ReminderRecord[]> {
    assertActorAddress(actor);
    return guard('list reminders', () => this.selectByActor.all({ actor }).map(fromRow));
  }

  async delete(actor: string, name: string): Promise<boolean> {
    assertReminderKey(actor, name);
    return this.commit.run('delete reminder', () => this.deleteStatement.run({ actor, name }).changes === 1);
  }

  async claimDue(claim: ReminderClaim): Promise<ReminderRecord[]> {
    const { owner, leaseMs, limit, now } = resolveClaim(claim);
    const at = now.getTime();
    const rows = guard('claim reminders', () => this.claim.all({ owner, expiresAt: at + leaseMs, now: at, limit }));
    // RETURNING does not follow the subquery's ORDER BY.
    return rows.sort((a, b) => a.due_at - b.due_at).map(fromRow);
  }

  async advance(actor: string, name: string, owner: string, nextDueAt: Date): Promise<boolean> {
    assertReminderKey(actor, name);
    requireId('owner', owner, 256);
    const dueAt = requireDate('nextDueAt', nextDueAt).getTime();
    return guard('advance reminder', () => this.advanceStatement.run({ actor, name, owner, dueAt, now: Date.now() }).changes === 1);
  }

  async complete(actor: string, name: string, owner: string): Promise<boolean> {
    assertReminderKey(actor, name);
    requireId('owner', owner, 256);
    return guard('complete reminder', () => this.completeStatement.run({ actor, name, owner }).changes === 1);
  }

  async release(actor: string, name: string, owner: string): Promise<boolean> {
    assertReminderKey(actor, name);
    requireId('owner', owner, 256);
    return guard('release reminder', () => this.releaseStatement.run({ actor, name, owner, now: Date.now() }).changes === 1);
  }
}

function fromRow(row: ReminderRow): ReminderRecord {
  return stripUndefined<ReminderRecord>({
    actor: row.actor,
    name: row.name,
    dueAt: new Date(row.due_at),
    periodMs: row.period_ms ?? undefined,
    cron: row.cron ?? undefined,
    timeZone: row.time_zone ?? undefined,
    ttlMs: row.ttl_ms ?? undefined,
    missedFire: (row.missed_fire ?? undefined) as ReminderRecord['missedFire'],
    payload: fromJson(row.payload_json),
    leaseOwner: row.lease_owner ?? undefined,
    leaseExpiresAt: row.lease_expires_at === null ? undefined : new Date(row.lease_expires_at),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  });
}
