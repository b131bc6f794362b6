import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  Length,
  Matches,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

/** A BCP 47 language tag as Warren takes it (the store checks the same). */
const LOCALE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,4}$/;
/** `HH:MM`, 00:00 to 23:59. */
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A profile tag: put into prompts, so short and plain. */
const TAG = /^[\p{L}\p{N}][\p{L}\p{N} _:.-]{0,63}$/u;
/** A proactive rule's name (`proactive.rules`), as the runtime names them. */
const RULE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** An IANA time zone the runtime knows (`Europe/Paris`). */
@ValidatorConstraint({ name: 'isTimeZone' })
class IsTimeZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || value.length === 0 || value.length > 64) return false;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }

  defaultMessage(): string {
    return 'timeZone must be an IANA time zone such as "Europe/Paris"';
  }
}

/** `:userId` of the user routes: the `userId` of the tenant's messages. */
export class UserParams {
  @ApiProperty({ description: 'The end user, as in the `userId` of messages (URL-encoded).', maxLength: 256, example: 'u-42' })
  @IsString()
  @Length(1, 256)
  userId!: string;
}

/** Quiet hours in the user's time zone: no proactive message between `start` and `end` (may wrap past midnight). */
export class QuietHoursBody {
  @ApiProperty({ example: '22:00', pattern: HH_MM.source })
  @Matches(HH_MM, { message: 'start must be HH:MM' })
  start!: string;

  @ApiProperty({ example: '07:00', pattern: HH_MM.source })
  @Matches(HH_MM, { message: 'end must be HH:MM' })
  end!: string;
}

/** What the user wants of proactive messages. */
export class ProactiveSettingsBody {
  @ApiPropertyOptional({ description: 'True: no proactive message at all (reminders the user asks for included).' })
  @IsOptional()
  @IsBoolean()
  optOut?: boolean;

  @ApiPropertyOptional({
    type: [String],
    description: 'Rules (`proactive.rules` names) the user does not want, e.g. `idleAfterQuestion`; replaces the list.',
    example: ['idleAfterQuestion', 'unfinishedTask'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @Matches(RULE, { each: true, message: 'optOutOf must name rules ([A-Za-z][A-Za-z0-9_-]{0,63})' })
  optOutOf?: string[];

  @ApiPropertyOptional({ type: QuietHoursBody, nullable: true, description: '`null` removes them.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuietHoursBody)
  quietHours?: QuietHoursBody | null;
}

/** Body of `PATCH /v1/users/:userId/settings`: the fields given change, `null` removes, the others stay. */
export class UpdateUserSettingsBody {
  @ApiPropertyOptional({
    type: [String],
    description: 'Tags put into the prompt of every turn (at most 32); replaces the list.',
    example: ['vip'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @Matches(TAG, { each: true, message: 'tags must be 1-64 letters, digits, spaces or _:.- (starting with a letter or digit)' })
  tags?: string[];

  @ApiPropertyOptional({
    nullable: true,
    description:
      "BCP 47 language tag: the turn's language when its request has no `locale` and its text is not clearly another language. `null` removes it.",
    example: 'fr-CA',
  })
  @IsOptional()
  @Matches(LOCALE, { message: 'locale must be a BCP 47 language tag such as "fr" or "pt-BR"' })
  locale?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    description: 'IANA time zone: of quiet hours, daily caps and times read from text ("at 8"). `null` removes it.',
    example: 'Europe/Paris',
  })
  @IsOptional()
  @Validate(IsTimeZone)
  timeZone?: string | null;

  @ApiPropertyOptional({ type: ProactiveSettingsBody })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProactiveSettingsBody)
  proactive?: ProactiveSettingsBody;
}

/** Quiet hours as stored. */
export class QuietHoursView {
  @ApiProperty({ example: '22:00' }) start!: string;
  @ApiProperty({ example: '07:00' }) end!: string;
}

/** A user's proactive settings. */
export class ProactiveSettingsView {
  @ApiProperty({ description: 'No proactive message at all.' }) optOut!: boolean;
  @ApiProperty({ type: [String], description: 'Rules the user does not want.' }) optOutOf!: string[];
  @ApiProperty({ type: QuietHoursView, nullable: true }) quietHours!: QuietHoursView | null;
}

/** A user's settings (the store's profile). */
export class UserSettingsView {
  @ApiProperty() userId!: string;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: String, nullable: true, example: 'fr-CA' }) locale!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Europe/Paris' }) timeZone!: string | null;
  @ApiProperty({ type: ProactiveSettingsView }) proactive!: ProactiveSettingsView;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Last change; `null`: never set (the defaults).' })
  updatedAt!: string | null;
}
