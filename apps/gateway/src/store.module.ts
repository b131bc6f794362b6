import { type DynamicModule, Module } from '@nestjs/common';
import { WARREN_STORE, type WarrenStore } from '@warren/store';

/**
 * Provides the process's store under `WARREN_STORE` to every module (global): a provider of
 * the root module alone would not be visible inside `GatewayModule`.
 */
@Module({})
export class StoreModule {
  static forRoot(store: WarrenStore): DynamicModule {
    return { module: StoreModule, global: true, providers: [{ provide: WARREN_STORE, useValue: store }], exports: [WARREN_STORE] };
  }
}
