import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

/** Statuses of a dead letter. */
export const DEAD_LETTER_STATUSES = ['open', 'replayed', 'discarded'] as const;
/** Most records one admin call touches (the store pages at most 1000). */
export const MAX_ADMIN_BATCH = 1000;

/** Filters of the dead letter listing, stats and bulk actions; all optional, combined with AND. */
export class DeadLetterFilterDto {
  @ApiPropertyOptional({ enum: DEAD_LETTER_STATUSES })
  @IsOptional()
  @IsIn(DEAD_LETTER_STATUSES)
  status?: (typeof DEAD_LETTER_STATUSES)[number];

  @ApiPropertyOptional({ description: 'Stable code of the final error.', example: 'WARREN_HANDLER_FAILED' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  errorCode?: string;

  @ApiPropertyOptional({ description: 'Class name of the final error.', example: 'TypeError' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  errorClass?: string;

  @ApiPropertyOptional({ description: 'Actor type the message was sent to.', example: 'session' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  actorType?: string;

  @ApiPropertyOptional({ description: 'Exact actor address the message was sent to.', example: 'session/dev~s1' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  address?: string;

  @ApiPropertyOptional({ description: 'Dead-lettered at or after (ISO 8601).', format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Dead-lettered before (ISO 8601).', format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive text in the error message.', example: 'timeout' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  text?: string;
}

/** Query of `GET /v1/admin/dead-letters`: the filters and paging. */
export class DeadLetterListQuery extends DeadLetterFilterDto {
  @ApiPropertyOptional({ description: `Records per page, 1 to ${MAX_ADMIN_BATCH}.`, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ADMIN_BATCH)
  limit?: number;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page (with the same filters and order).' })
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  cursor?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: '`desc` (default): newest first; `asc`: in dead-lettering order.' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

/** `:id` of the record routes: the dead message's id. */
export class DeadLetterParams {
  @ApiProperty({ description: "The dead message's id (the record's key)." })
  @IsString()
  @Length(1, 512)
  id!: string;
}

/** What a bulk action applies to: `ids`, or a `filter` paged through with `limit`/`cursor`. */
export class DeadLetterSelection {
  @ApiPropertyOptional({ type: [String], description: `Dead message ids (1 to ${MAX_ADMIN_BATCH}); not with \`filter\`.` })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ADMIN_BATCH)
  @IsString({ each: true })
  @Length(1, 512, { each: true })
  ids?: string[];

  @ApiPropertyOptional({ type: DeadLetterFilterDto, description: 'Every record matching it, a page at a time; not with `ids`.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DeadLetterFilterDto)
  filter?: DeadLetterFilterDto;

  @ApiPropertyOptional({ description: `With \`filter\`: records this call takes, 1 to ${MAX_ADMIN_BATCH}.`, default: MAX_ADMIN_BATCH })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ADMIN_BATCH)
  limit?: number;

  @ApiPropertyOptional({ description: 'With `filter`: `nextCursor` of the previous call.' })
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  cursor?: string;
}

/** Body of `POST /v1/admin/dead-letters/replay`. */
export class ReplayBody extends DeadLetterSelection {
  @ApiPropertyOptional({ description: 'Send nothing; answer what would be replayed.', default: false })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({ description: 'Replay records that were replayed already (else they are skipped).', default: false })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

/** Body of `POST /v1/admin/dead-letters/discard`. */
export class DiscardBody extends DeadLetterSelection {
  @ApiProperty({ description: 'Why (kept on the records and in the audit log).', example: 'duplicate orders from the 3 May outage' })
  @IsString()
  @Length(1, 1000)
  reason!: string;
}

/** Body of `POST /v1/admin/dead-letters/restore`. */
export class RestoreBody {
  @ApiProperty({ type: [String], description: `Discarded records to open again (1 to ${MAX_ADMIN_BATCH}).` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ADMIN_BATCH)
  @IsString({ each: true })
  @Length(1, 512, { each: true })
  ids!: string[];
}

/** Body of `POST /v1/admin/dead-letters/:id/edit`. */
export class EditBody {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The message's new `data`, validated against the message class of its CloudEvents type.",
    example: { text: 'hello again' },
  })
  @IsObject()
  data!: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Validate only; send nothing.', default: false })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

/** Query of `GET /v1/admin/audit`. */
export class AuditQuery {
  @ApiPropertyOptional({ description: 'Entries per page, 1 to 1000.', default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  cursor?: string;
}
