import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { SessionParams } from '../sessions/session-requests.dto';

/** `:taskId` of `GET /v1/tasks/:taskId`. */
export class TaskParams {
  @ApiProperty({ description: 'The `taskId` a POST answered.' })
  @IsString()
  @Length(1, 512)
  taskId!: string;
}

/** `:sessionId` and `:taskId` of `GET /v1/sessions/:sessionId/tasks/:taskId`. */
export class SessionTaskParams extends SessionParams {
  @ApiProperty({ description: "The producer's id of the turn: a raw producer's CloudEvent id, or the `taskId` a POST answered." })
  @IsString()
  @Length(1, 512)
  taskId!: string;
}

const STATUSES = ['accepted', 'queued', 'running', 'completed', 'failed', 'compensated', 'interrupted'];

/** An error recorded on a task or a step. */
export class TaskErrorView {
  @ApiProperty({ example: 'WARREN_RATE_LIMITED' }) code!: string;
  @ApiProperty() message!: string;
}

/** A tool call of a turn (step `tool`): what the model asked, and what it got back. */
export class TaskToolCallView {
  @ApiProperty({ example: 'calendar', description: 'The tool (`tool/<name>`).' }) name!: string;
  @ApiProperty({ example: 'call_abc123', description: "The model's id of the call." }) callId!: string;
  @ApiProperty({ description: 'The arguments as the model sent them (parsed when JSON, else the text).', example: { date: '2026-12-08' } })
  arguments!: unknown;
  @ApiPropertyOptional({
    description: 'The result as given to the model (cut at 4,000 characters); absent when the call failed (see `error`).',
  })
  result?: string;
}

/** One step of a turn with its timings. */
export class TaskStepView {
  @ApiProperty({ example: 'model' }) name!: string;
  @ApiProperty({ type: String, format: 'date-time' }) startedAt!: string;
  @ApiPropertyOptional({ type: String, format: 'date-time' }) endedAt?: string;
  @ApiPropertyOptional() durationMs?: number;
  @ApiPropertyOptional({ enum: ['ok', 'error', 'skipped'] }) outcome?: string;
  @ApiPropertyOptional({ type: TaskErrorView }) error?: TaskErrorView;
  @ApiPropertyOptional({ type: TaskToolCallView, description: 'Step `tool`: the call.' }) tool?: TaskToolCallView;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'What the step used (the retrieve step: `passages` with their ids and scores)',
  })
  details?: Record<string, unknown>;
}

/** A status change with its time. */
export class TaskTransitionView {
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
}

/** Token usage and cost of a task. */
export class TaskUsageView {
  @ApiPropertyOptional() promptTokens?: number;
  @ApiPropertyOptional() completionTokens?: number;
  @ApiPropertyOptional() totalTokens?: number;
  @ApiPropertyOptional() costUsd?: number;
}

/** A task (one turn): status, steps with timings, routing decision, usage, error, transitions. */
export class TaskView {
  @ApiProperty() id!: string;
  @ApiProperty() tenant!: string;
  @ApiPropertyOptional() sessionId?: string;
  @ApiPropertyOptional() userId?: string;
  @ApiPropertyOptional({ example: 'session/dev~s1' }) actor?: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ type: [TaskStepView] }) steps!: TaskStepView[];
  @ApiProperty({ type: [TaskTransitionView] }) transitions!: TaskTransitionView[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The routing decision (model, strategy, …).' })
  routing?: Record<string, unknown>;
  @ApiPropertyOptional({ type: TaskUsageView }) usage?: TaskUsageView;
  @ApiPropertyOptional({ type: TaskErrorView }) error?: TaskErrorView;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
}
