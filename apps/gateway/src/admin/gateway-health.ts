import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AmqpTransport } from '@warren/amqp';
import { ClusterHealth, HealthAnnouncer } from '@warren/models';

/**
 * The gateway's own view of endpoint health, for a gateway without a runtime in its process: it
 * measures nothing, and listens to the runtime nodes' announcements on `warren.control`
 * (`HealthAnnouncer`). In the all-in-one app `GET /v1/admin/endpoints` reads the runtime's
 * `ClusterHealth` instead (it holds this node's own measurements too).
 */
@Injectable()
export class GatewayHealth implements OnModuleInit, OnModuleDestroy {
  readonly cluster: ClusterHealth;
  private readonly announcer: HealthAnnouncer;

  constructor(@Inject(AmqpTransport) transport: AmqpTransport) {
    this.cluster = new ClusterHealth(transport.nodeId);
    this.announcer = new HealthAnnouncer(this.cluster, transport);
  }

  onModuleInit(): void {
    this.announcer.start();
  }

  onModuleDestroy(): void {
    this.announcer.stop();
  }
}
