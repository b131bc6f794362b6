import { type DynamicModule, Module } from '@nestjs/common';
import { amqpOptionsFromConfig, runtimeOptionsFromConfig, WarrenModule } from '@warren/amqp';
import { type WarrenConfig, WarrenConfigModule } from '@warren/config';
import type { WarrenStore } from '@warren/store';
import { HealthController } from './health.controller';
import { IngressRouterActor } from './ingress/ingress-router.actor';
import { INGRESS_ROUTER_OPTIONS, resolveIngressRouterOptions } from './ingress/ingress-router.options';

/** The runtime app: hosts the actors of this node (the ingress router today; the session, model and limiter actors come with the turn pipeline). */
@Module({})
export class RuntimeModule {
  static register(config: WarrenConfig, store: WarrenStore): DynamicModule {
    return {
      module: RuntimeModule,
      imports: [
        WarrenConfigModule.forRoot(config),
        WarrenModule.forRoot({
          amqp: amqpOptionsFromConfig(config),
          runtime: runtimeOptionsFromConfig(config),
          store: store.actors,
          // Sessions are sent to by the ingress router (the session actor itself comes with the turn pipeline).
          types: { kinds: { session: 'entity' } },
          hosting: { ingress: { source: 'ingress' } },
        }),
      ],
      controllers: [HealthController],
      providers: [
        {
          provide: INGRESS_ROUTER_OPTIONS,
          useValue: resolveIngressRouterOptions({ ...config.ingress, tenantsByUser: { ...config.ingress.tenantsByUser } }),
        },
        IngressRouterActor,
      ],
    };
  }
}
