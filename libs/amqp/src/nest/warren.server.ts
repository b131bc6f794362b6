import { Inject, Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { ActorRuntime, getActorMetadata, resolveRuntimeOptions } from '@warren/actors';
import { AmqpTransport } from '../amqp-transport';
import { WARREN_MODULE_OPTIONS } from './warren-module-definition';
import type { WarrenModuleOptions } from './warren-module-options';

/**
 * Nest custom transport strategy: `app.connectMicroservice({ strategy: app.get(WarrenServer) })`
 * hosts every `@Actor` provider of the app on RabbitMQ. `close()` drains before it closes.
 */
@Injectable()
export class WarrenServer extends Server implements CustomTransportStrategy {
  private hosted = false;
  // Nest's Server has a `logger` of its own (context "Server"); this one names Warren.
  private readonly log = new Logger('Warren');

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(ActorRuntime) private readonly runtime: ActorRuntime,
    @Inject(AmqpTransport) private readonly transport: AmqpTransport,
    @Inject(WARREN_MODULE_OPTIONS) private readonly options: WarrenModuleOptions,
  ) {
    super();
  }

  /** The actor instances of the app (providers with `@Actor`). */
  discoverActors(): object[] {
    return this.discovery
      .getProviders()
      .filter((w) => w.instance && w.metatype && getActorMetadata(w.metatype as Function))
      .map((w) => w.instance as object);
  }

  async listen(callback: (...optionalParams: unknown[]) => void): Promise<void> {
    try {
      if (!this.hosted) {
        this.hosted = true;
        const actors = this.discoverActors();
        // Every hosted type is routable, and its queues and exchanges declared, before the first
        // consumer starts: messages left in the queues from before a restart, or a turn arriving
        // in the first second, may be sent on at once (ingress → session → limiter, model …).
        for (const actor of actors) {
          const meta = getActorMetadata(actor.constructor);
          if (meta) this.transport.knowActorType(meta.type, meta.kind);
        }
        this.transport.holdConsumers();
        for (const actor of actors) {
          const meta = getActorMetadata(actor.constructor);
          await this.runtime.host(actor, meta ? this.options.hosting?.[meta.type] : undefined);
        }
        await this.transport.startConsumers();
        // Entity shards are opened by the shard coordinator after its join window: the start
        // is not done (nor ready) until the free ones it owns are consumed, or it fails.
        await this.runtime.settled();
      }
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Drains the actors (in-flight handlers finish, bounded by `drainTimeoutMs`) and closes their consumer channels. */
  async close(): Promise<void> {
    const started = Date.now();
    this.log.log(`shutdown: draining actors (limit ${this.drainTimeoutMs} ms)`);
    await this.runtime.stop();
    this.log.log(`shutdown: actors drained and consumers closed in ${Date.now() - started} ms`);
  }

  on(): never {
    throw new Error('WarrenServer has no events; use the runtime logger and metrics');
  }

  private get drainTimeoutMs(): number {
    return resolveRuntimeOptions(this.options.runtime).drainTimeoutMs;
  }

  unwrap<T>(): T {
    return this.transport as T;
  }
}
