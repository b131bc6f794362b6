import { Controller, Get, Inject, Param, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { TaskRecord } from '@warren/store';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { Tenant } from '../auth/tenant.decorator';
import { ErrorBodyView } from '../errors/error-body.dto';
import { gatewayValidationPipe } from '../errors/validation.pipe';
import { TaskParams, TaskView } from './task.dto';
import { TasksService } from './tasks.service';

/** Tasks (turns) of the caller's tenant. */
@ApiTags('tasks')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorBodyView, description: 'No valid API key (`WARREN_UNAUTHORIZED`).' })
@Controller('v1/tasks')
@UseGuards(ApiKeyGuard)
@UsePipes(gatewayValidationPipe())
export class TasksController {
  constructor(@Inject(TasksService) private readonly tasks: TasksService) {}

  @Get(':taskId')
  @ApiOperation({ summary: 'A task: status, steps with timings, routing, usage, error, transitions' })
  @ApiOkResponse({ type: TaskView })
  @ApiNotFoundResponse({ type: ErrorBodyView, description: 'No such task for this tenant (`WARREN_NOT_FOUND`).' })
  get(@Tenant() tenant: string, @Param() params: TaskParams): Promise<TaskRecord> {
    return this.tasks.get(tenant, params.taskId);
  }
}
