import { type DynamicModule, Module } from '@nestjs/common';
import { warrenAppImports } from '@warren/amqp';
import type { WarrenConfig } from '@warren/config';
import type { WarrenStore } from '@warren/store';
import { RuntimeModule, runtimeHosting, runtimeTypes } from './runtime.module';

/** The standalone runtime process: broker, store, metrics, health, and the runtime's actors. */
@Module({})
export class RuntimeAppModule {
  static register(config: WarrenConfig, store: WarrenStore): DynamicModule {
    return {
      module: RuntimeAppModule,
      imports: [
        ...warrenAppImports(config, store, { hostsEntities: true, hosting: runtimeHosting(config), types: runtimeTypes(config) }),
        RuntimeModule.register(config),
      ],
    };
  }
}
