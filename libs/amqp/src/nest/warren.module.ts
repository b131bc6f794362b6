import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ActorRuntime, resolveRuntimeOptions } from '@warren/actors';
import { InvalidOptionsError } from '@warren/contracts';
import type { ActorStateStore } from '@warren/store';
import { WarrenMetrics } from '@warren/telemetry';
import { resolveAmqpOptions } from '../amqp-options';
import { AmqpTransport } from '../amqp-transport';
import { nestRuntimeLogger } from './nest-runtime-logger';
import { WarrenServer } from './warren.server';
import { WarrenClient } from './warren-client';
import { WARREN_MODULE_OPTIONS, WarrenConfigurableModule } from './warren-module-definition';
import type { WarrenModuleOptions } from './warren-module-options';

/**
 * Warren in a Nest app: the RabbitMQ transport, the actor runtime, `WarrenClient` for
 * sending, and `WarrenServer` (a transport strategy) for hosting `@Actor` providers.
 * Connects at bootstrap (a broker that cannot be reached fails start-up in one line).
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: AmqpTransport,
      inject: [WARREN_MODULE_OPTIONS],
      useFactory: (o: WarrenModuleOptions) =>
        new AmqpTransport(resolveAmqpOptions(o.amqp), o.types ?? { kinds: {} }, o.logger ?? nestRuntimeLogger('Broker')),
    },
    {
      provide: ActorRuntime,
      inject: [AmqpTransport, WARREN_MODULE_OPTIONS],
      useFactory: (transport: AmqpTransport, o: WarrenModuleOptions) =>
        new ActorRuntime(transport, o.store ?? missingStore(), resolveRuntimeOptions(o.runtime), o.logger ?? nestRuntimeLogger(), {
          reminders: o.reminders,
        }),
    },
    WarrenClient,
    WarrenServer,
  ],
  exports: [AmqpTransport, ActorRuntime, WarrenClient, WarrenServer],
})
export class WarrenModule extends WarrenConfigurableModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(AmqpTransport) private readonly transport: AmqpTransport,
    @Optional() @Inject(WarrenMetrics) private readonly metrics?: WarrenMetrics,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    // `warren_broker_connected` follows this connection (read at each scrape).
    this.metrics?.observeBroker(() => this.transport.connected);
    await this.transport.start();
  }

  /** Last in Nest's shutdown (after the actors drained): closes the broker connection, each wait bounded. */
  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}

/** A store that refuses: apps that only send need none, hosting entity actors needs one. */
function missingStore(): ActorStateStore {
  const fail = (): never => {
    throw new InvalidOptionsError('store', 'hosting entity actors needs a state store (WarrenModule.forRoot({ store }))');
  };
  return { load: fail, save: fail, hasProcessed: fail, markSent: fail, delete: fail };
}
