import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEAD_LETTER_STATUSES } from './dead-letter-requests.dto';

/** OpenAPI views of the admin API's answers (the bodies are the store's records, dates as ISO strings). */

/** One failed attempt at handling the message. */
export class DeadLetterAttemptView {
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'WARREN_HANDLER_FAILED' }) code!: string;
  @ApiProperty({ example: 'TypeError' }) errorClass!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ description: 'First lines of the stack trace.' }) stackHead?: string;
  @ApiPropertyOptional() handler?: string;
  @ApiPropertyOptional() node?: string;
}

/** Where the message was going. */
export class DeadLetterOriginView {
  @ApiProperty({ example: 'warren.actors.session' }) exchange!: string;
  @ApiProperty({ example: 'dev~s1' }) routingKey!: string;
  @ApiPropertyOptional({ example: 'warren.session.shard.3' }) queue?: string;
}

/** A dead letter record. */
export class DeadLetterView {
  @ApiProperty({ description: "The dead message's id." }) messageId!: string;
  @ApiProperty({ enum: DEAD_LETTER_STATUSES }) status!: string;
  @ApiProperty({ example: 'session' }) actorType!: string;
  @ApiPropertyOptional({ example: 'session/dev~s1' }) address?: string;
  @ApiPropertyOptional() queue?: string;
  @ApiPropertyOptional() taskId?: string;
  @ApiPropertyOptional() tenant?: string;
  @ApiProperty({ example: 'WARREN_HANDLER_FAILED' }) errorCode!: string;
  @ApiProperty({ example: 'TypeError' }) errorClass!: string;
  @ApiProperty() errorMessage!: string;
  @ApiPropertyOptional() handler?: string;
  @ApiPropertyOptional() node?: string;
  @ApiPropertyOptional({ description: '`x-warren-sender`.' }) sender?: string;
  @ApiPropertyOptional({ type: DeadLetterOriginView }) origin?: DeadLetterOriginView;
  @ApiProperty({ type: String, format: 'date-time' }) firstFailureAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) lastFailureAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The CloudEvent as it was.' }) envelope!: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Its AMQP headers.' }) headers!: Record<string, unknown>;
  @ApiProperty({ type: [DeadLetterAttemptView] }) attempts!: DeadLetterAttemptView[];
  @ApiPropertyOptional({ description: 'Lineage: the dead letter this message was a replay of.' }) replayOf?: string;
  @ApiProperty({ type: [String], description: 'Message ids of the replays published from it, oldest first.' }) replayedAs!: string[];
  @ApiPropertyOptional({ description: "Operator's note on the last status change." }) note?: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
}

/** A replay published from a record, and whether it failed again (then it is a dead letter itself). */
export class ReplayLineageView {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'True when the replay was dead-lettered too (see `GET /v1/admin/dead-letters/{id}`).' })
  deadLettered!: boolean;
  @ApiPropertyOptional({ enum: DEAD_LETTER_STATUSES }) status?: string;
}

/** `GET /v1/admin/dead-letters/:id`: the record and its replay lineage. */
export class DeadLetterDetailView extends DeadLetterView {
  @ApiProperty({ type: [ReplayLineageView] }) replays!: ReplayLineageView[];
}

/** A page of records. */
export class DeadLetterPageView {
  @ApiProperty({ type: [DeadLetterView] }) items!: DeadLetterView[];
  @ApiPropertyOptional({ description: 'Pass it back as `cursor` for the next page; absent on the last one.' }) nextCursor?: string;
}

/** One group of the stats. */
export class DeadLetterStatsGroupView {
  @ApiProperty() errorClass!: string;
  @ApiProperty() errorCode!: string;
  @ApiProperty() actorType!: string;
  @ApiPropertyOptional() handler?: string;
  @ApiProperty() count!: number;
  @ApiProperty({ type: String, format: 'date-time' }) firstSeen!: string;
  @ApiProperty({ type: String, format: 'date-time' }) lastSeen!: string;
}

/** `GET /v1/admin/dead-letters/stats`. */
export class DeadLetterStatsView {
  @ApiProperty({ description: 'Records matching the filters.' }) total!: number;
  @ApiProperty({ type: [DeadLetterStatsGroupView], description: 'Largest first.' }) groups!: DeadLetterStatsGroupView[];
}

/** A record an action did not touch, and why. */
export class SkippedView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'already replayed (pass force to replay it again)' }) reason!: string;
}

/** A record replayed (or, in a dry run, that would be). */
export class ReplayedView {
  @ApiProperty() id!: string;
  @ApiPropertyOptional({ description: 'Message id of the replay (absent in a dry run).' }) newId?: string;
  @ApiPropertyOptional() address?: string;
  @ApiProperty({ example: 'warren.actors.session' }) exchange!: string;
  @ApiProperty({ example: 'dev~s1' }) routingKey!: string;
}

/** `POST /v1/admin/dead-letters/replay`. */
export class ReplayResultView {
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ type: [ReplayedView] }) replayed!: ReplayedView[];
  @ApiProperty({ type: [SkippedView] }) skipped!: SkippedView[];
  @ApiPropertyOptional({ description: 'With a filter: pass it back as `cursor` for the next batch.' }) nextCursor?: string;
}

/** `POST /v1/admin/dead-letters/:id/edit`. */
export class EditResultView {
  @ApiProperty() dryRun!: boolean;
  @ApiProperty() id!: string;
  @ApiPropertyOptional({ description: 'Message id of the edited replay (absent in a dry run).' }) newId?: string;
  @ApiProperty() exchange!: string;
  @ApiProperty() routingKey!: string;
}

/** `POST /v1/admin/dead-letters/discard` and `/restore`. */
export class StatusChangeResultView {
  @ApiProperty({ type: [String] }) changed!: string[];
  @ApiProperty({ type: [SkippedView] }) skipped!: SkippedView[];
  @ApiPropertyOptional({ description: 'With a filter: pass it back as `cursor` for the next batch.' }) nextCursor?: string;
}

/** `POST /v1/admin/dead-letters/purge`. */
export class PurgeResultView {
  @ApiProperty({ description: 'Discarded records deleted.' }) purged!: number;
  @ApiProperty({ type: String, format: 'date-time', description: 'Records discarded before this time were deleted.' })
  discardedBefore!: string;
}

/** One operator action. */
export class AuditEntryView {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'The admin (gateway.admins name).', example: 'dev-admin' }) actor!: string;
  @ApiProperty({ example: 'dlq.replay' }) action!: string;
  @ApiProperty() count!: number;
  @ApiPropertyOptional({ description: 'The ids or the filter.' }) target?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) details?: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
}

/** `GET /v1/admin/audit`. */
export class AuditPageView {
  @ApiProperty({ type: [AuditEntryView] }) items!: AuditEntryView[];
  @ApiPropertyOptional() nextCursor?: string;
}
