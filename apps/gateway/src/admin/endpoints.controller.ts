import { hostname } from 'node:os';
import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CLUSTER_HEALTH, type ClusterHealth, HEALTH_ANNOUNCE_MS, MODEL_ENDPOINTS, type ModelEndpointRegistry } from '@warren/models';
import { ApiProblems } from '../errors/api-errors.decorator';
import { AdminGuard } from './admin.guard';
import type { EndpointHealthView, EndpointsView } from './endpoints.view';
import { EndpointsView as EndpointsViewDto } from './endpoints.view';
import { GatewayHealth } from './gateway-health';

/** What a gateway says when no runtime node announced endpoint health lately (none is running, or none made a model call yet). */
export const NO_HEALTH_HERE =
  'endpoint health is measured by the runtime nodes, from the model calls each makes, and announced on warren.control every ' +
  `${HEALTH_ANNOUNCE_MS / 1000} s; no runtime node announced any lately (none runs, or none has called a model yet). ` +
  'Every runtime node also serves its own call latencies per endpoint on its /metrics (warren_model_call_duration_seconds).';

/**
 * Model endpoint health as the cluster sees it: healthy or in cooldown (until when), recent
 * latency, calls in flight. Each runtime node measures the calls its sessions make and announces
 * its view on `warren.control` (`HealthAnnouncer`); this route merges the fresh views (`ClusterHealth`:
 * the runtime's in the all-in-one app, the gateway's own listener otherwise), as the routers do,
 * and lists the nodes that took part (`scope: cluster`); with none, `scope: unavailable` and a note.
 * Admin keys only.
 */
@ApiTags('admin: endpoints')
@ApiBearerAuth()
@ApiProblems(401, 403, 500)
@Controller('v1/admin/endpoints')
@UseGuards(AdminGuard)
export class EndpointsController {
  constructor(
    @Inject(ModuleRef) private readonly modules: ModuleRef,
    @Inject(GatewayHealth) private readonly gateway: GatewayHealth,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listEndpointHealth',
    summary: "Each model endpoint's health as the cluster's runtime nodes measure it (state, cooldown end, EWMA latency, outstanding)",
  })
  @ApiOkResponse({ type: EndpointsViewDto })
  list(): EndpointsView {
    const node = `${hostname()}-${process.pid}`;
    const cluster = this.find<ClusterHealth>(CLUSTER_HEALTH) ?? this.gateway.cluster;
    const nodes = cluster.nodes();
    if (nodes.length === 0) return { scope: 'unavailable', node, nodes: [], note: NO_HEALTH_HERE, endpoints: [] };
    const served = new Set(this.find<ModelEndpointRegistry>(MODEL_ENDPOINTS)?.keys() ?? []);
    const endpoints: EndpointHealthView[] = Object.entries(cluster.snapshot(served)).map(([name, s]) => ({
      name,
      state: s.state,
      ...(s.cooldownUntil !== undefined ? { cooldownUntil: new Date(s.cooldownUntil).toISOString() } : {}),
      ...(s.samples > 0 ? { latencyMs: Math.round(s.ewmaLatencyMs * 10) / 10 } : {}),
      samples: s.samples,
      outstanding: s.outstanding,
      consecutiveFailures: s.consecutiveFailures,
      served: served.has(name),
    }));
    return { scope: 'cluster', node, nodes: nodes.map((n) => ({ node: n.node, at: new Date(n.at).toISOString() })), endpoints };
  }

  /** A provider of another module of this app (the runtime's), if the app has one. */
  private find<T>(token: symbol): T | undefined {
    try {
      return this.modules.get<T>(token, { strict: false });
    } catch {
      return undefined;
    }
  }
}
