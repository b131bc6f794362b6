import { hostname } from 'node:os';
import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ENDPOINT_HEALTH, type EndpointHealth, MODEL_ENDPOINTS, type ModelEndpointRegistry } from '@warren/models';
import { ApiProblems } from '../errors/api-errors.decorator';
import { AdminGuard } from './admin.guard';
import type { EndpointHealthView, EndpointsView } from './endpoints.view';
import { EndpointsView as EndpointsViewDto } from './endpoints.view';

/** What a gateway without a runtime in its process says instead of a view (health is not shared between nodes yet). */
export const NO_HEALTH_HERE =
  'endpoint health is measured by each runtime node, from the model calls made on that node, and is not shared between nodes; ' +
  'this gateway runs without a runtime, so it has no view. The all-in-one app (npm start) answers with its node’s view; ' +
  'every runtime node serves its own call latencies per endpoint on its /metrics (warren_model_call_duration_seconds).';

/**
 * Model endpoint health: healthy or in cooldown (until when), recent latency, calls in flight.
 * Health lives where model calls are made: the runtime's sessions record each call's outcome in
 * their node's tracker (`ENDPOINT_HEALTH`). This route shows the tracker of the process it runs in
 * (the all-in-one app: the gateway and a runtime node share it); a standalone gateway has none and
 * says so (`scope: unavailable`, with a `note` saying where health lives). Admin keys only.
 */
@ApiTags('admin: endpoints')
@ApiBearerAuth()
@ApiProblems(401, 403, 500)
@Controller('v1/admin/endpoints')
@UseGuards(AdminGuard)
export class EndpointsController {
  constructor(@Inject(ModuleRef) private readonly modules: ModuleRef) {}

  @Get()
  @ApiOperation({
    operationId: 'listEndpointHealth',
    summary: "Each model endpoint's health as this node measures it (state, cooldown end, EWMA latency, outstanding)",
  })
  @ApiOkResponse({ type: EndpointsViewDto })
  list(): EndpointsView {
    const node = `${hostname()}-${process.pid}`;
    const health = this.find<EndpointHealth>(ENDPOINT_HEALTH);
    if (!health) return { scope: 'unavailable', node, note: NO_HEALTH_HERE, endpoints: [] };
    const served = new Set(this.find<ModelEndpointRegistry>(MODEL_ENDPOINTS)?.keys() ?? []);
    const endpoints: EndpointHealthView[] = Object.entries(health.snapshot(served)).map(([name, s]) => ({
      name,
      state: s.state,
      ...(s.cooldownUntil !== undefined ? { cooldownUntil: new Date(s.cooldownUntil).toISOString() } : {}),
      ...(s.samples > 0 ? { latencyMs: Math.round(s.ewmaLatencyMs * 10) / 10 } : {}),
      samples: s.samples,
      outstanding: s.outstanding,
      consecutiveFailures: s.consecutiveFailures,
      served: served.has(name),
    }));
    return { scope: 'node', node, endpoints };
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
