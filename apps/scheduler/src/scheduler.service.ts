import { type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { type Clock, type RuntimeLogger, reminderMessageId } from '@warren/actors';
import { ReminderDue } from '@warren/contracts';
import type { ReminderRecord, ReminderStore } from '@warren/store';
import type { WarrenMetrics } from '@warren/telemetry';
import { planFires } from './fire-plan';
import type { SchedulerOptions } from './scheduler.options';

/** Publishes one reminder delivery to `actor` with `messageId`, resolving when the broker confirmed it. */
export type ReminderPublisher = (actor: string, message: ReminderDue, messageId: string) => Promise<void>;

/** What a scheduler works with. */
export interface SchedulerDeps {
  reminders: ReminderStore;
  publish: ReminderPublisher;
  clock: Clock;
  log: RuntimeLogger;
  metrics?: WarrenMetrics;
}

/** What one claim did (tests and the benchmark read it). */
export interface ClaimResult {
  claimed: number;
  delivered: number;
  failed: number;
}

/**
 * The reminder scheduler: claims due reminders with a lease, publishes each fire to the
 * reminder's actor as a `ReminderDue` (id `rem:<actor>:<name>:<scheduledAt>`, confirmed), then
 * advances the reminder to its next time or deletes it. A failed publish leaves the lease to
 * expire, so the reminder is tried again after `leaseMs` (by any scheduler); a crash between
 * publish and advance re-publishes the same id, which the actor does not apply twice.
 * Several schedulers may run at once: a claim leases each reminder to one of them.
 */
export class SchedulerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly deps: SchedulerDeps,
    readonly options: SchedulerOptions,
  ) {}

  /** True while the loop runs. */
  get running(): boolean {
    return this.abort !== undefined && !this.abort.signal.aborted;
  }

  onApplicationBootstrap(): void {
    if (this.options.enabled) this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Starts the claim loop (no-op when running). */
  start(): void {
    if (this.running) return;
    const abort = new AbortController();
    this.abort = abort;
    this.loop = this.run(abort.signal);
    this.deps.log.info({ instanceId: this.options.instanceId }, 'scheduler started');
  }

  /** Stops claiming; the batch in flight is delivered and advanced first. */
  async stop(): Promise<void> {
    if (!this.abort) return;
    this.abort.abort();
    await this.loop;
    this.abort = undefined;
    this.loop = undefined;
    this.deps.log.info({ instanceId: this.options.instanceId }, 'scheduler stopped');
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { clock, log } = this.deps;
    while (!signal.aborted) {
      // The next poll counts from this claim's time: a clock that moved meanwhile wakes it at once.
      const claimedAt = clock.now();
      let full = false;
      try {
        const result = await this.claimOnce();
        full = result.claimed === this.options.batchSize;
      } catch (err) {
        log.error({ err }, 'reminder claim failed; trying again after the poll interval');
      }
      if (!full && !signal.aborted) await clock.sleepUntil(claimedAt + this.options.pollIntervalMs, signal);
    }
  }

  /** One claim: leases due reminders, delivers their fires and advances or completes them. */
  async claimOnce(): Promise<ClaimResult> {
    const { reminders, clock } = this.deps;
    const { instanceId: owner, leaseMs, batchSize: limit } = this.options;
    const batch = await reminders.claimDue({ owner, leaseMs, limit, now: new Date(clock.now()) });
    const result: ClaimResult = { claimed: batch.length, delivered: 0, failed: 0 };
    await Promise.all(batch.map((reminder) => this.process(reminder, result)));
    return result;
  }

  private async process(reminder: ReminderRecord, result: ClaimResult): Promise<void> {
    const { reminders, clock, metrics, log, publish } = this.deps;
    const owner = this.options.instanceId;
    const { actor, name } = reminder;
    try {
      const plan = planFires(reminder, clock.now(), {
        graceMs: this.options.missedFireGraceMs,
        maxFires: this.options.maxFiresPerClaim,
      });
      metrics?.reminderSkipped('missed', plan.skipped);
      metrics?.reminderSkipped('expired', plan.expired);
      for (const fire of plan.fires) {
        const message = Object.assign(new ReminderDue(), {
          name,
          scheduledAt: fire.scheduledAt.toISOString(),
          timing: fire.timing,
          ...(reminder.payload === undefined ? {} : { payload: reminder.payload }),
        });
        await publish(actor, message, reminderMessageId(actor, name, fire.scheduledAt));
        result.delivered++;
        metrics?.reminderDelivered(clock.now() - fire.scheduledAt.getTime(), fire.timing);
      }
      const kept = plan.nextDueAt
        ? await reminders.advance(actor, name, owner, plan.nextDueAt)
        : await reminders.complete(actor, name, owner);
      // Rescheduled or cancelled meanwhile (the new schedule wins), or a lease that expired mid-delivery.
      if (!kept) metrics?.reminderLeaseLost();
    } catch (err) {
      // The lease stays: the reminder is tried again when it expires (a re-published fire has the same id).
      result.failed++;
      metrics?.reminderDeliveryFailed();
      log.warn({ err, actor, name, retryInMs: this.options.leaseMs }, 'reminder delivery failed; retried when its lease expires');
    }
  }
}
