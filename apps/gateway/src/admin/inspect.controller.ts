import { Controller, Get, Inject, Param, Query, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InvalidMessageError, InvalidOptionsError, NotFoundError } from '@warren/contracts';
import { type TaskRecord, type TurnPart, WARREN_STORE, type WarrenStore } from '@warren/store';
import { ApiProblems } from '../errors/api-errors.decorator';
import { gatewayValidationPipe } from '../errors/validation.pipe';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { TaskParams, TaskView } from '../tasks/task.dto';
import { AdminGuard } from './admin.guard';
import { AdminSessionParams, type TimelineKind, TimelinePageView, TimelineQuery } from './inspect.dto';

/** A page of a session's timeline as the route answers it. */
export interface TimelinePage {
  tenant: string;
  sessionId: string;
  items: {
    id: string;
    at: Date;
    kind: TimelineKind;
    content: string;
    taskId?: string;
    model?: string;
    taskStatus?: string;
    error?: { code: string; message: string };
  }[];
  nextCursor?: string;
}

/**
 * Operators' read-only views of any tenant's work (the console's task and session screens): a
 * task with its steps, routing and moderation decisions and trace id, and a session's timeline.
 * Admin keys only; reads are not written to the audit log.
 */
@ApiTags('admin: inspect')
@ApiBearerAuth()
@ApiProblems(400, 401, 403, 500, 503)
@Controller('v1/admin')
@UseGuards(AdminGuard)
@UsePipes(gatewayValidationPipe())
export class InspectController {
  constructor(
    @Inject(WARREN_STORE) private readonly store: WarrenStore,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  @Get('tasks/:taskId')
  @ApiOperation({
    operationId: 'getAnyTask',
    summary: 'Any tenant’s task: status, steps with timings, routing and moderation decisions, usage, error, trace id',
    description: 'The trace id of the turn is `routing.traceId` (set when the turn ends).',
  })
  @ApiOkResponse({ type: TaskView })
  @ApiProblems([404, 'No such task (`WARREN_NOT_FOUND`).'])
  async task(@Param() params: TaskParams): Promise<TaskRecord> {
    const task = await this.store.tasks.get(params.taskId);
    if (!task) throw new NotFoundError('task', params.taskId);
    return task;
  }

  @Get('sessions/:tenant/:sessionId/timeline')
  @ApiOperation({
    operationId: 'getSessionTimeline',
    summary: "A session's timeline: the user's messages, replies, interrupted answers and proactive messages, with each turn's task status",
    description: 'Oldest first by default (`order=desc`: newest first); pass `nextCursor` back as `cursor`.',
  })
  @ApiOkResponse({ type: TimelinePageView })
  async timeline(@Param() params: AdminSessionParams, @Query() query: TimelineQuery): Promise<TimelinePage> {
    const limit = Math.min(query.limit ?? this.options.historyPageSize, this.options.historyMaxPageSize);
    const ref = { tenant: params.tenant, sessionId: params.sessionId };
    let page: { items: TurnPart[]; nextCursor?: string };
    try {
      page = await this.store.history.page(ref, { limit, cursor: query.cursor, order: query.order ?? 'asc' });
    } catch (err) {
      if (err instanceof InvalidOptionsError) throw new InvalidMessageError(err.message, [{ field: err.key, constraints: [err.message] }]);
      throw err;
    }
    const taskIds = [...new Set(page.items.map((p) => p.taskId).filter((id): id is string => id !== undefined))];
    const tasks = new Map<string, TaskRecord>();
    for (const task of await Promise.all(taskIds.map((id) => this.store.tasks.get(id)))) if (task) tasks.set(task.id, task);
    return {
      ...ref,
      items: page.items.map((part) => {
        const task = part.taskId ? tasks.get(part.taskId) : undefined;
        return {
          id: part.id,
          at: part.at,
          kind: kindOf(part),
          content: part.content,
          ...(part.taskId ? { taskId: part.taskId } : {}),
          ...(part.model ? { model: part.model } : {}),
          ...(task ? { taskStatus: task.status } : {}),
          ...(task?.error && part.role === 'user' ? { error: { code: task.error.code, message: task.error.message } } : {}),
        };
      }),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }
}

/** What a history part is on the timeline: an assistant part without a task is a proactive message. */
function kindOf(part: TurnPart): TimelineKind {
  if (part.role === 'user') return 'user';
  if (part.role !== 'assistant') return 'other';
  if (part.status === 'interrupted') return 'interrupted';
  return part.taskId ? 'reply' : 'proactive';
}
