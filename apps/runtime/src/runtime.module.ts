import { type DynamicModule, Module } from '@nestjs/common';
import { amqpOptionsFromConfig, runtimeOptionsFromConfig, WarrenModule } from '@warren/amqp';
import { type WarrenConfig, WarrenConfigModule } from '@warren/config';
import type { WarrenStore } from '@warren/store';
import { HealthController } from './health.controller';

/** The runtime app: hosts the actors of this node. Later issues add the session, model and limiter actors here. */
@Module({})
export class RuntimeModule {
  static register(config: WarrenConfig, store: WarrenStore): DynamicModule {
    return {
      module: RuntimeModule,
      imports: [
        WarrenConfigModule.forRoot(config),
        WarrenModule.forRoot({ amqp: amqpOptionsFromConfig(config), runtime: runtimeOptionsFromConfig(config), store: store.actors }),
      ],
      controllers: [HealthController],
    };
  }
}
