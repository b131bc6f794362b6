import { Inject, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { ActorRuntime, getActorMetadata } from '@warren/actors';
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
        // Every hosted type is routable before the first consumer starts: messages left in the
        // queues from before a restart may be sent on at once (ingress → session → intent …).
        for (const actor of actors) {
          const meta = getActorMetadata(actor.constructor);
          if (meta) this.transport.knowActorType(meta.type, meta.kind);
        }
        for (const actor of actors) {
          const meta = getActorMetadata(actor.constructor);
          await this.runtime.host(actor, meta ? this.options.hosting?.[meta.type] : undefined);
        }
      }
      callback();
    } catch (err) {
      callback(err);
    }
  }

  async close(): Promise<void> {
    await this.runtime.stop();
  }

  on(): never {
    throw new Error('WarrenServer has no events; use the runtime logger and metrics');
  }

  unwrap<T>(): T {
    return this.transport as T;
  }
}
