import { type DynamicModule, Module } from '@nestjs/common';
import { amqpOptionsFromConfig, runtimeOptionsFromConfig, WarrenModule, WarrenStoreModule } from '@warren/amqp';
import { type WarrenConfig, WarrenConfigModule } from '@warren/config';
import type { WarrenStore } from '@warren/store';
import { MetricsModule } from '@warren/telemetry';
import { RuntimeModule, runtimeHosting } from './runtime.module';

/** The standalone runtime process: broker, store, metrics, health, and the runtime's actors. */
@Module({})
export class RuntimeAppModule {
  static register(config: WarrenConfig, store: WarrenStore): DynamicModule {
    return {
      module: RuntimeAppModule,
      imports: [
        WarrenConfigModule.forRoot(config),
        WarrenStoreModule.forRoot(store),
        MetricsModule.forRoot(),
        WarrenModule.forRoot({
          amqp: amqpOptionsFromConfig(config),
          runtime: runtimeOptionsFromConfig(config),
          store: store.actors,
          hosting: runtimeHosting(),
        }),
        RuntimeModule.register(config),
      ],
    };
  }
}
