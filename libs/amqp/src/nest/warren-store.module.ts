import { type DynamicModule, Module } from '@nestjs/common';
import { WARREN_STORE, type WarrenStore } from '@warren/store';
import { HealthController } from './health.controller';

/**
 * Provides the process's store under `WARREN_STORE` (global) and the `/health` and `/ready`
 * routes. The app's main creates and closes the store: it outlives the broker connection, so
 * in-flight work drains into it on shutdown.
 */
@Module({})
export class WarrenStoreModule {
  static forRoot(store: WarrenStore): DynamicModule {
    return {
      module: WarrenStoreModule,
      global: true,
      controllers: [HealthController],
      providers: [{ provide: WARREN_STORE, useValue: store }],
      exports: [WARREN_STORE],
    };
  }
}
