import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { WARREN_STORE, type WarrenStore } from '@warren/store';
import { HealthController } from './health.controller';

/**
 * Provides the process's store under `WARREN_STORE` (global) and the `/health` and `/ready`
 * routes. The app's main creates the store; this module closes it, awaited, at the end of Nest's
 * shutdown: it outlives the broker connection, so in-flight work drains into it. (Nest runs the
 * shutdown hooks of global modules last, later-imported first: `warrenAppImports` puts this module
 * before `WarrenModule`, whose hook closes the broker connection.)
 */
@Module({})
export class WarrenStoreModule implements OnApplicationShutdown {
  constructor(@Inject(WARREN_STORE) private readonly store: WarrenStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }

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
