import { type DynamicModule, Module } from '@nestjs/common';
import { warrenAppImports } from '@warren/amqp';
import type { WarrenConfig } from '@warren/config';
import type { WarrenStore } from '@warren/store';
import { SchedulerModule, schedulerTypes } from './scheduler.module';

/** The standalone scheduler process: broker (sending only), store, metrics, health, and the scheduler. */
@Module({})
export class SchedulerAppModule {
  static register(config: WarrenConfig, store: WarrenStore): DynamicModule {
    return {
      module: SchedulerAppModule,
      imports: [...warrenAppImports(config, store, { types: schedulerTypes(config) }), SchedulerModule.register(config)],
    };
  }
}
