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
