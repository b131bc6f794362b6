import { Controller, Get, Inject, Param, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TaskRecord } from '@warren/store';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { Tenant } from '../auth/tenant.decorator';
import { ApiProblems } from '../errors/api-errors.decorator';
import { gatewayValidationPipe } from '../errors/validation.pipe';
import { TaskParams, TaskView } from './task.dto';
import { TasksService } from './tasks.service';

/** Tasks (turns) of the caller's tenant. */
@ApiTags('tasks')
@ApiBearerAuth()
@ApiProblems(400, 401, 500, 503)
@Controller('v1/tasks')
@UseGuards(ApiKeyGuard)
@UsePipes(gatewayValidationPipe())
export class TasksController {
  constructor(@Inject(TasksService) private readonly tasks: TasksService) {}

  @Get(':taskId')
  @ApiOperation({ operationId: 'getTask', summary: 'A task: status, steps with timings, routing, usage, error, transitions' })
  @ApiOkResponse({ type: TaskView })
  @ApiProblems([404, 'No such task for this tenant (`WARREN_NOT_FOUND`).'])
  get(@Tenant() tenant: string, @Param() params: TaskParams): Promise<TaskRecord> {
    return this.tasks.get(tenant, params.taskId);
  }
}
