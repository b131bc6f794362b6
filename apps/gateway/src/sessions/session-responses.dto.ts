import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** 202 answer of `POST /v1/sessions/:sessionId/messages`. */
export class AcceptedMessage {
  @ApiProperty({ description: 'Id of the turn: `GET /v1/tasks/:taskId`, and `data.taskId` of its events.' })
  taskId!: string;
}

/** Token counts of one model call. */
export class TokenCountsView {
  @ApiPropertyOptional() prompt?: number;
  @ApiPropertyOptional() completion?: number;
  @ApiPropertyOptional() total?: number;
}

/** One part of a conversation (a user or assistant turn). */
export class TurnPartView {
  @ApiProperty() id!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty() sessionId!: string;
  @ApiPropertyOptional() userId?: string;
  @ApiProperty({ enum: ['user', 'assistant', 'system', 'tool'] }) role!: string;
  @ApiProperty() content!: string;
  @ApiPropertyOptional() model?: string;
  @ApiPropertyOptional({ type: TokenCountsView }) tokens?: TokenCountsView;
  @ApiPropertyOptional() taskId?: string;
  @ApiProperty({ enum: ['complete', 'interrupted'] }) status!: string;
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
}

/** One page of a session's history. */
export class HistoryPageView {
  @ApiProperty({ type: [TurnPartView] }) items!: TurnPartView[];
  @ApiPropertyOptional({ description: 'Pass it as `cursor` for the next page; absent on the last page.' })
  nextCursor?: string;
}

/** A pending proactive message of a session. */
export class PendingReminderItemView {
  @ApiProperty({ description: 'Name of the reminder, `proactive:<intent>:<taskId>`: the `reminderId` of its proactive event.' })
  reminderId!: string;
  @ApiProperty({ description: 'The intent that scheduled it (`reminder`, `unfinishedTask` …).' }) intent!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'When it is due (quiet hours and turns in progress defer it).' })
  dueAt!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'It is dropped when it cannot be sent by then.' })
  expiresAt!: string;
  @ApiPropertyOptional({ description: 'The message, when its rule has a template.' }) text?: string;
  @ApiPropertyOptional() template?: string;
  @ApiPropertyOptional({ description: 'The prompt the model composes it with, when its rule has one.' }) prompt?: string;
  @ApiProperty({ description: 'The turn that caused it.' }) taskId!: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) priority!: number;
  @ApiProperty({ description: 'How often it was deferred.' }) deferrals!: number;
}

/** `GET /v1/sessions/:sessionId/reminders`. */
export class PendingRemindersView {
  @ApiProperty({ type: [PendingReminderItemView] }) items!: PendingReminderItemView[];
}
