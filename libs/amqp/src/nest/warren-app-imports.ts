import type { DynamicModule } from '@nestjs/common';
import { type WarrenConfig, WarrenConfigModule } from '@warren/config';
import type { WarrenStore } from '@warren/store';
import { MetricsModule, TracingModule } from '@warren/telemetry';
import { amqpOptionsFromConfig, runtimeOptionsFromConfig } from './options-from-config';
import { WarrenModule } from './warren.module';
import type { WarrenModuleOptions } from './warren-module-options';
import { WarrenStoreModule } from './warren-store.module';

/**
 * The global modules every Warren app's root imports: the configuration, the store (with
 * `/health` and `/ready`), metrics (`/metrics`), the tracing SDK's flush at shutdown and the broker (`WarrenModule`) configured from
 * config/. `warren` adds what differs per app: the types it hosts or only sends to.
 */
export function warrenAppImports(
  config: WarrenConfig,
  store: WarrenStore,
  warren: Pick<WarrenModuleOptions, 'hosting' | 'types'> & { hostsEntities?: boolean },
): DynamicModule[] {
  return [
    WarrenConfigModule.forRoot(config),
    // Before WarrenModule: Nest's shutdown then closes the broker connection first, the store after.
    WarrenStoreModule.forRoot(store),
    MetricsModule.forRoot(),
    { module: TracingModule },
    WarrenModule.forRoot({
      amqp: amqpOptionsFromConfig(config),
      runtime: runtimeOptionsFromConfig(config),
      ...(warren.hostsEntities ? { store: store.actors, reminders: store.reminders } : {}),
      ...(warren.hosting ? { hosting: warren.hosting } : {}),
      ...(warren.types ? { types: warren.types } : {}),
    }),
  ];
}
