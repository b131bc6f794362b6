import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { Message } from './message.decorator';

/** The final error of a dead letter, as it crossed the wire. */
export class DeadLetterError {
  /** Stable `WARREN_*` code. */
  @IsString() @MaxLength(128) code!: string;
  /** Error class name. */
  @IsString() @MaxLength(256) name!: string;
  @IsString() @MaxLength(4096) message!: string;
}

/**
 * Told by the dead-letter keeper to the actor that sent a message that was dead-lettered (the
 * `x-warren-sender`), or, when the sender is outside Warren, to the actor it was addressed to,
 * so that it can compensate (a session fails the turn and tells the user). Its id is
 * `dl:<dead message id>`, so a keeper that records the same dead letter twice tells once.
 */
@Message('warren.dead-letter.notice')
export class DeadLettered {
  /** Id of the dead letter record: the dead message's id. */
  @IsString() @MaxLength(512) deadLetterId!: string;
  /** CloudEvents type of the dead message. */
  @IsString() @MaxLength(256) messageType!: string;
  /** Address the dead message was sent to. */
  @IsOptional() @IsString() @MaxLength(512) target?: string;
  /** `x-warren-task-id` of the dead message. */
  @IsOptional() @IsString() @MaxLength(512) taskId?: string;
  @ValidateNested() @Type(() => DeadLetterError) error!: DeadLetterError;
  /** Attempts made before it was given up. */
  @IsInt() @Min(1) attempts!: number;
  @IsISO8601() firstFailureAt!: string;
  @IsISO8601() lastFailureAt!: string;
}
