import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClusterView } from '@warren/actors';
import { ApiProblems } from '../errors/api-errors.decorator';
import { AdminGuard } from './admin.guard';
import { ClusterViewDto } from './cluster.view';

/**
 * Runtime nodes, the shards each owns, hand-offs in progress and recent ones with their durations.
 * The gateway builds it from the nodes' announcements on `warren.control` (it hears them like any
 * node does), so a standalone gateway answers as well as the all-in-one app. Admin keys only.
 */
@ApiTags('admin: cluster')
@ApiBearerAuth()
@ApiProblems(401, 403, 500)
@Controller('v1/admin/cluster')
@UseGuards(AdminGuard)
export class ClusterController {
  constructor(@Inject(ClusterView) private readonly view: ClusterView) {}

  @Get()
  @ApiOperation({
    operationId: 'getCluster',
    summary: 'Runtime nodes, the entity shards each owns, and shard hand-offs (in progress and recent, with durations)',
  })
  @ApiOkResponse({ type: ClusterViewDto })
  get(): ClusterViewDto {
    return this.view.snapshot();
  }
}
