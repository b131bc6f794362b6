import { type DynamicModule, Module } from '@nestjs/common';
import { warrenAppImports } from '@warren/amqp';
import type { WarrenConfig } from '@warren/config';
import type { WarrenStore } from '@warren/store';
import { GatewayModule } from './gateway.module';
import type { GatewayOptions } from './gateway.options';

/**
 * The gateway's options from the configuration: `gateway.tenants`, `gateway.admins`,
 * `gateway.deadLetterRetentionDays` and `gateway.sseHeartbeatMs`;
 * the text limit is the ingress router's (`ingress.maxTextLength`), so HTTP and AMQP accept the same.
 */
export function gatewayOptionsFromConfig(config: WarrenConfig): Partial<GatewayOptions> {
  return {
    tenants: Object.fromEntries(Object.entries(config.gateway.tenants).map(([t, v]) => [t, { apiKeys: [...v.apiKeys] }])),
    admins: Object.fromEntries(Object.entries(config.gateway.admins).map(([a, v]) => [a, { apiKeys: [...v.apiKeys] }])),
    deadLetterRetentionDays: config.gateway.deadLetterRetentionDays,
    sseHeartbeatMs: config.gateway.sseHeartbeatMs,
    maxTextLength: config.ingress.maxTextLength,
  };
}

/**
 * Root module of the standalone gateway process: configuration, the store under `WARREN_STORE`
 * (with `/health` and `/ready`), metrics (`/metrics`), the broker (it sends to session actors,
 * hosts none) and the gateway's routes.
 */
@Module({})
export class GatewayAppModule {
  static register(config: WarrenConfig, store: WarrenStore): DynamicModule {
    return {
      module: GatewayAppModule,
      imports: [
        // It sends to session actors (and to intent actors, when a pending proactive message is
        // deleted) and hosts none. Declaring them declares their shards, so a tell waits there for a runtime.
        ...warrenAppImports(config, store, { types: { kinds: { session: 'entity', intent: 'entity' } } }),
        GatewayModule.register(gatewayOptionsFromConfig(config)),
      ],
    };
  }
}
