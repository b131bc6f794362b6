import {
  fillProactiveTemplate,
  intentAddress,
  isProactiveReminderPayload,
  NotFoundError,
  PROACTIVE_REMINDER_PREFIX,
  ProactiveForget,
  type ProactiveReminderPayload,
} from '@warren/contracts';
import type { ReminderRecord, WarrenStore } from '@warren/store';
import type { SessionTarget } from './session-messages.service';

/** History parts read to find a session's users (their intent actors hold its proactive messages). */
const USERS_SCAN = 200;

/** A pending proactive message as `GET /v1/sessions/:sessionId/reminders` shows it. */
export interface PendingReminderView {
  reminderId: string;
  intent: string;
  /** When it is due (a deferral moves it). */
  dueAt: string;
  /** Dropped if it cannot be sent by then. */
  expiresAt: string;
  /** The template filled in (template rules). */
  text?: string;
  template?: string;
  /** The prompt for the model (prompt rules). */
  prompt?: string;
  /** The turn that caused it. */
  taskId: string;
  priority: number;
  deferrals: number;
}

/**
 * A session's pending proactive messages: the reminders of the intent actors that can hold them
 * (the session's own, `intent/<tenant>~s:<sessionId>`, and those of the users seen in its last
 * {@link USERS_SCAN} history parts, `intent/<tenant>~u:<userId>`), kept to this session. The
 * tenant is part of every address, so a tenant never reaches another's reminders.
 */
export class SessionReminders {
  /** `tell` sends to an actor (persistent, confirmed): the intent actor is told what was cancelled. */
  constructor(
    private readonly store: WarrenStore,
    private readonly tell: (address: string, message: object, options: { messageId: string }) => Promise<void>,
  ) {}

  /** The pending messages, by due time; `NotFoundError` when the tenant has no such session. */
  async list(target: SessionTarget): Promise<PendingReminderView[]> {
    const found = await this.find(target);
    if (!found.known) throw new NotFoundError('session', target.sessionId);
    return found.items.map(({ record, payload }) => view(record, payload)).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }

  /**
   * Cancels one: tells its intent actor to forget the pending entry (persistent, confirmed; the
   * actor's shard keeps it when no runtime is up), then deletes the reminder. In this order a failure
   * halfway leaves nothing that could still speak: a reminder whose entry is forgotten fires into a
   * `not-pending` suppression, and a retried DELETE repeats both steps (the tell under the same id).
   * `NotFoundError` when the session has no such pending message.
   */
  async cancel(target: SessionTarget, reminderId: string): Promise<void> {
    const { items } = await this.find(target);
    const item = items.find((i) => i.record.name === reminderId);
    if (!item) throw new NotFoundError('reminder', reminderId);
    await this.tell(item.record.actor, Object.assign(new ProactiveForget(), { reminderId }), { messageId: `forget:${reminderId}` });
    // So GET shows it gone at once, runtime up or not; the actor may have deleted it already.
    await this.store.reminders.delete(item.record.actor, item.record.name);
  }

  private async find(
    target: SessionTarget,
  ): Promise<{ known: boolean; items: { record: ReminderRecord; payload: ProactiveReminderPayload }[] }> {
    const parts = await this.store.history.page(target, { limit: USERS_SCAN, order: 'desc' });
    const users = new Set(parts.items.map((p) => p.userId).filter((u): u is string => u !== undefined && u !== ''));
    const addresses = new Set([intentAddress(target.tenant, { sessionId: target.sessionId })]);
    for (const userId of users) addresses.add(intentAddress(target.tenant, { userId, sessionId: target.sessionId }));
    const items: { record: ReminderRecord; payload: ProactiveReminderPayload }[] = [];
    for (const address of addresses) {
      for (const record of await this.store.reminders.listByActor(address)) {
        const payload = record.payload;
        if (!record.name.startsWith(PROACTIVE_REMINDER_PREFIX) || !isProactiveReminderPayload(payload)) continue;
        if (payload.tenant !== target.tenant || payload.sessionId !== target.sessionId) continue;
        items.push({ record, payload });
      }
    }
    return { known: parts.items.length > 0 || items.length > 0, items };
  }
}

function view(record: ReminderRecord, p: ProactiveReminderPayload): PendingReminderView {
  return {
    reminderId: record.name,
    intent: p.intent,
    dueAt: record.dueAt.toISOString(),
    expiresAt: p.expiresAt,
    ...(p.template !== undefined ? { template: p.template, text: fillProactiveTemplate(p.template, p.vars ?? {}) } : {}),
    ...(p.prompt !== undefined ? { prompt: p.prompt } : {}),
    taskId: p.taskId,
    priority: p.priority,
    deferrals: p.deferrals,
  };
}
