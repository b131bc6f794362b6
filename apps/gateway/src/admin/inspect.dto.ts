import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { HistoryQuery, SessionParams } from '../sessions/session-requests.dto';
import { TaskErrorView } from '../tasks/task.dto';

const TENANT = '^[A-Za-z0-9_-]{1,64}$';

/** `:tenant/:sessionId` of the admin session routes: any tenant's session. */
export class AdminSessionParams extends SessionParams {
  @ApiProperty({ description: 'The tenant of the session.', pattern: TENANT, example: 'dev' })
  @Matches(new RegExp(TENANT), { message: 'tenant must match [A-Za-z0-9_-]{1,64}' })
  tenant!: string;
}

/** Query of the timeline: a page of the history (oldest first unless `order=desc`). */
export class TimelineQuery extends HistoryQuery {}

/** What a timeline entry is. */
export const TIMELINE_KINDS = ['user', 'reply', 'interrupted', 'proactive', 'other'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** One entry of a session's timeline: a part of its history, with what became of its turn. */
export class TimelineEntryView {
  @ApiProperty() id!: string;
  @ApiProperty() at!: Date;
  @ApiProperty({
    enum: TIMELINE_KINDS,
    description:
      "`user`: the user's message; `reply`: the answer; `interrupted`: an answer cut by an interrupt; `proactive`: a message the session sent unasked.",
  })
  kind!: TimelineKind;
  @ApiProperty() content!: string;
  @ApiPropertyOptional() taskId?: string;
  @ApiPropertyOptional() model?: string;
  @ApiPropertyOptional({ description: "The turn's task status (a user message whose turn failed has no reply: `failed`)." })
  taskStatus?: string;
  @ApiPropertyOptional({ type: TaskErrorView }) error?: TaskErrorView;
}

/** A page of a session's timeline. */
export class TimelinePageView {
  @ApiProperty() tenant!: string;
  @ApiProperty() sessionId!: string;
  @ApiProperty({ type: [TimelineEntryView] }) items!: TimelineEntryView[];
  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next page; absent on the last.' }) nextCursor?: string;
}
