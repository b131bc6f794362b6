import { Controller, Get, Inject, Param, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TaskRecord } from '@warren/store';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { Tenant } from '../auth/tenant.decorator';
import { ApiProblems } from '../errors/api-errors.decorator';
import { gatewayValidationPipe } from '../errors/validation.pipe';
import { SessionTaskParams, TaskView } from './task.dto';
import { TasksService } from './tasks.service';

/**
 * A session's tasks by the id their producer used: a voice server that sent a turn over AMQP
 * knows it by its CloudEvent id (`data.taskId` of the turn's events), not by the scoped id Warren
 * stores it under.
 */
@ApiTags('tasks')
@ApiBearerAuth()
@ApiProblems(400, 401, 500, 503)
@Controller('v1/sessions')
@UseGuards(ApiKeyGuard)
@UsePipes(gatewayValidationPipe())
export class SessionTasksController {
  constructor(@Inject(TasksService) private readonly tasks: TasksService) {}

  @Get(':sessionId/tasks/:taskId')
  @ApiOperation({
    operationId: 'getSessionTask',
    summary: "A session's task by its producer's id (a raw producer's CloudEvent id, or the taskId a POST answered)",
  })
  @ApiOkResponse({ type: TaskView })
  @ApiProblems([404, 'No such task in this session of this tenant (`WARREN_NOT_FOUND`).'])
  get(@Tenant() tenant: string, @Param() params: SessionTaskParams): Promise<TaskRecord> {
    return this.tasks.getInSession(tenant, params.sessionId, params.taskId);
  }
}
