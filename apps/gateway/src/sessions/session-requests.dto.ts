import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SessionMessage } from '@warren/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Min } from 'class-validator';

const SESSION_ID = '^[A-Za-z0-9_-]{1,128}$';

/** `:sessionId` of the session routes: the wire session id (`.`, `*`, `#` would break topic routing). */
export class SessionParams {
  @ApiProperty({ description: 'Session id, unique within the tenant.', pattern: SESSION_ID, example: 's1' })
  @Matches(new RegExp(SESSION_ID), { message: 'sessionId must match [A-Za-z0-9_-]{1,128}' })
  sessionId!: string;
}

/**
 * Body of `POST /v1/sessions/:sessionId/messages`: the wire contract's `SessionMessage` (its
 * class-validator rules are inherited); the configured `maxTextLength` is checked by the service.
 */
export class PostMessageBody extends SessionMessage {
  @ApiProperty({ description: "The user's text; at most the configured maxTextLength (4000 by default).", minLength: 1, example: 'hello' })
  declare text: string;

  @ApiPropertyOptional({ description: 'BCP 47 language tag; detected when absent.', example: 'en-GB' })
  declare locale?: string;

  @ApiPropertyOptional({ description: 'The end user (profiles, erasure).', maxLength: 256, example: 'u-42' })
  declare userId?: string;

  @ApiPropertyOptional({ enum: ['voice', 'text'], description: 'Routing rules may use it.' })
  declare channel?: 'voice' | 'text';

  @ApiPropertyOptional({
    description:
      'Where this turn is routed, as the OpenAI-compatible `model`: `auto`, a strategy, a route or an endpoint, one of the chat models ' +
      "`GET /v1/models` lists (400 naming the field otherwise). Wins over the tenant's and the channel's routing. Not with `strategy`.",
    example: 'auto',
  })
  declare model?: string;

  @ApiPropertyOptional({
    description:
      'A routing strategy this turn is routed by (a `kind: strategy` model of `GET /v1/models`; 400 naming the field otherwise). Not with `model`.',
    example: 'fastest',
  })
  declare strategy?: string;
}

/** Query of `GET /v1/sessions/:sessionId/messages`. */
export class HistoryQuery {
  @ApiPropertyOptional({ description: 'Items per page (default 50, at most the configured maximum, 200 by default).', minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  limit?: number;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  cursor?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: '`desc` (default): newest first; `asc`: oldest first.' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

/** Query of `GET /v1/sessions/:sessionId/events`. */
export class EventsQuery {
  @ApiPropertyOptional({ description: 'Only the events of this task.' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  taskId?: string;
}

/** `:sessionId/reminders/:reminderId`. */
export class ReminderParams extends SessionParams {
  @ApiProperty({ description: 'The `reminderId` of a pending proactive message.', example: 'proactive:reminder:6f1c2a8e' })
  @IsString()
  @Length(1, 256)
  reminderId!: string;
}
