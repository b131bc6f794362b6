import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { ActorRuntime, defineActor } from '@warren/actors';
import { AmqpTransport, nestRuntimeLogger, WarrenServer } from '@warren/amqp';
import { WARREN_STORE, type WarrenStore } from '@warren/store';
import { WarrenMetrics } from '@warren/telemetry';
import { NOTICE_TYPE } from './compensation-notice';
import { DeadLetterKeeper } from './dead-letter-keeper';

/** Sender of the compensation notices (`x-warren-sender`): not an actor, so a dead notice is never answered. */
export const KEEPER_SENDER = 'dead-letter-keeper';

/**
 * Runs this node's dead-letter keeper with the app: every runtime node runs one, competing for
 * `warren.dead`. Notices go only to actor types that handle `DeadLettered` (for the types this
 * app hosts, it knows; types hosted elsewhere are trusted to).
 */
@Injectable()
export class DeadLetterKeeperService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly keeper: DeadLetterKeeper;
  /** Types hosted in this app → whether they handle `DeadLettered`. */
  private readonly hosted = new Map<string, boolean>();

  constructor(
    @Inject(AmqpTransport) transport: AmqpTransport,
    @Inject(ActorRuntime) runtime: ActorRuntime,
    @Inject(WarrenServer) private readonly server: WarrenServer,
    @Inject(WARREN_STORE) store: WarrenStore,
    @Optional() @Inject(WarrenMetrics) metrics?: WarrenMetrics,
  ) {
    const sender = `${KEEPER_SENDER}:${transport.nodeId}`;
    this.keeper = new DeadLetterKeeper(
      // Types of this app are known before they are hosted (the keeper may start first).
      {
        consumeDeadLetters: (h, o) => transport.consumeDeadLetters(h, o),
        knowsActorType: (t) => this.hosted.has(t) || transport.knowsActorType(t),
      },
      store,
      (to, n) => runtime.ref(to, sender).tell(n.notice, { messageId: n.messageId, ...(n.taskId ? { taskId: n.taskId } : {}) }),
      nestRuntimeLogger('DeadLetterKeeper'),
      {
        compensates: (type) => this.hosted.get(type) ?? true,
        ...(metrics ? { onRecorded: (code: string, type: string) => metrics.deadLetterRecorded(code, type) } : {}),
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const actor of this.server.discoverActors()) {
      const def = defineActor(actor);
      this.hosted.set(def.type, def.handlers.has(NOTICE_TYPE));
    }
    await this.keeper.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.keeper.stop();
  }
}
