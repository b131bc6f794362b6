import { IsArray, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * Moderation of text into and out of the model (`moderation:`). The rules are checked in
 * full when the runtime starts (see libs/moderation, `resolveModerationRules`).
 */
export class ModerationConfig {
  /**
   * Category name → `{ action: block|flag, directions?: [in, out], words?: [...], patterns?: [...], safeReply? }`.
   * Unset: the built-in categories (violence-threat, self-harm, hate). `{}` turns them all off.
   */
  @IsOptional()
  @IsObject()
  categories?: Record<string, unknown>;

  /**
   * Personal data redacted in the given directions.
   * @default ['email', 'phone', 'card']
   */
  @IsArray()
  @IsString({ each: true })
  piiKinds: string[] = ['email', 'phone', 'card'];

  /**
   * What a blocked text is answered with (a category may have its own).
   * @default "I can't help with that."
   */
  @IsString()
  @MaxLength(2000)
  safeReply = "I can't help with that.";
}
