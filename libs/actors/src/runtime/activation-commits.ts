import { ActivationLostError, parseAddress } from '@warren/contracts';
import type { ActorStateStore, OutboxEntry } from '@warren/store';
import type { Delivery } from '../ports/delivery.port';
import type { ActorTransport } from '../ports/transport.port';
import type { Activation } from './activation';
import type { RuntimeLogger } from './dispatch-support';
import type { StagedCommit } from './handler-context';

/** Step results are tied to the message that produced them, so a new message starts clean. */
export interface StepRecord {
  messageId: string;
  results: Record<string, unknown>;
}

/**
 * An entity activation's writes: ONE commit per message (state, version, processed id, an ask's
 * reply, the handler's staged writes and outbox), `ctx.commit()` and saved steps, each after the
 * saves queued before it; and the outbox, published in order after its commit and marked sent
 * once confirmed. Fenced: an evicted activation (its shard moved, its connection lost) commits
 * and publishes nothing more, and its publishes never wait for a new connection.
 */
export class ActivationCommits {
  constructor(
    private readonly store: ActorStateStore,
    private readonly transport: ActorTransport,
    private readonly log: RuntimeLogger,
  ) {}

  /** The commit after a handler: the processed id with everything the handler staged. */
  async afterHandler(act: Activation, delivery: Delivery, reply: unknown, interleaved: boolean, staged: StagedCommit): Promise<void> {
    await act.serialSave(async () => {
      act.version = await this.store.save({
        address: act.address,
        expectedVersion: act.version,
        state: act.state,
        processed: { id: delivery.envelope.id, reply, at: Date.now() },
        steps: interleaved ? undefined : null,
        ...(staged.writes ? { writes: staged.writes } : {}),
        ...(staged.outbox.length > 0 ? { outbox: staged.outbox } : {}),
      });
      act.unsent.push(...staged.outbox);
    });
    act.remember(delivery.envelope.id);
  }

  /** `ctx.commit()`: what is staged now, without the processed id, then its outbox published. */
  async now(act: Activation, staged: StagedCommit): Promise<void> {
    if (act.evicted) throw new ActivationLostError(act.address);
    await act.serialSave(async () => {
      if (act.evicted) throw new ActivationLostError(act.address);
      act.version = await this.store.save({
        address: act.address,
        expectedVersion: act.version,
        state: act.state,
        ...(staged.writes ? { writes: staged.writes } : {}),
        ...(staged.outbox.length > 0 ? { outbox: staged.outbox } : {}),
      });
      act.unsent.push(...staged.outbox);
    });
    await this.flush(act);
  }

  /** `ctx.step()`: the state with the step results so far. */
  steps(act: Activation): Promise<void> {
    const steps: StepRecord = { messageId: act.stepsFor ?? '', results: act.steps ?? {} };
    return act.serialSave(async () => {
      act.version = await this.store.save({
        address: act.address,
        expectedVersion: act.version,
        state: act.state,
        steps: steps as unknown as Record<string, unknown>,
      });
    });
  }

  /** Publishes the activation's unsent outbox entries in order and marks the confirmed ones sent. */
  flush(act: Activation): Promise<void> {
    return act.serialFlush(async () => {
      if (act.unsent.length === 0) return;
      if (act.evicted) throw new ActivationLostError(act.address);
      const batch = [...act.unsent];
      const results = await Promise.allSettled(batch.map((e) => this.publish(e)));
      const sent: string[] = [];
      let failure: unknown;
      for (const [i, r] of results.entries()) {
        if (r.status === 'fulfilled') sent.push(batch[i].id);
        else failure ??= r.reason;
      }
      const done = new Set(sent);
      act.unsent = act.unsent.filter((e) => !done.has(e.id));
      act.rememberConfirmed(sent);
      if (sent.length > 0) {
        this.store.markSent(act.address, sent).catch((err: unknown) => {
          this.log.warn({ err, address: act.address }, 'could not mark outbox entries sent; they will be published again');
        });
      }
      if (failure !== undefined) throw failure;
    });
  }

  private publish(entry: OutboxEntry): Promise<void> {
    const message = { envelope: entry.envelope as never, headers: entry.headers };
    if (entry.kind === 'event') return this.transport.publishEvent(entry.to, message.envelope, entry.headers, { immediate: true });
    return this.transport.tell(parseAddress(entry.to), message, { immediate: true });
  }
}
