import { type DynamicModule, Module } from '@nestjs/common';
import { warrenAppImports } from '@warren/amqp';
import type { WarrenConfig } from '@warren/config';
import type { WarrenStore } from '@warren/store';
import { GatewayModule } from '../../gateway/src/gateway.module';
import { gatewayKnowledgeFromConfig, gatewayOptionsFromConfig } from '../../gateway/src/gateway-app.module';
import { RuntimeModule, runtimeHosting, runtimeTypes } from '../../runtime/src/runtime.module';
import { SchedulerModule, schedulerTypes } from '../../scheduler/src/scheduler.module';

/**
 * Everything in one process for a single machine: the gateway's routes, the runtime's actors and
 * the reminder scheduler on one broker connection, one store, one `/metrics`. Production runs the
 * apps on their own (`npm run start:gateway`, `npm run start:runtime`, `node dist/apps/scheduler/src/main.js`)
 * and scales them separately.
 */
@Module({})
export class WarrenAppModule {
  static register(config: WarrenConfig, store: WarrenStore): DynamicModule {
    return {
      module: WarrenAppModule,
      imports: [
        ...warrenAppImports(config, store, {
          hostsEntities: true,
          hosting: runtimeHosting(config),
          // The scheduler's entity types and the tools the runtime calls (hosted by other apps).
          types: { ...runtimeTypes(config), kinds: { ...schedulerTypes(config).kinds, ...runtimeTypes(config).kinds } },
        }),
        RuntimeModule.register(config),
        GatewayModule.register(gatewayOptionsFromConfig(config), gatewayKnowledgeFromConfig(config)),
        SchedulerModule.register(config),
      ],
    };
  }
}
