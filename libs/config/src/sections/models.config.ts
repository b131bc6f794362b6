import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsObject, Max, Min, ValidateNested } from 'class-validator';

/** The built-in deterministic local model (`models.local`). */
export class LocalModelConfig {
  /**
   * Delay before the first delta, in ms (time to first token).
   * @default 50
   */
  @IsInt()
  @Min(0)
  @Max(600_000)
  latencyMs = 50;

  /**
   * Delay before each following delta, in ms.
   * @default 10
   */
  @IsInt()
  @Min(0)
  @Max(60_000)
  perDeltaMs = 10;

  /**
   * Share of calls that fail with a retryable WARREN_MODEL_UNAVAILABLE, 0..1 (tests, benchmarks).
   * @default 0
   */
  @IsNumber()
  @Min(0)
  @Max(1)
  failureRate = 0;

  /**
   * Prompt plus completion tokens accepted.
   * @default 8192
   */
  @IsInt()
  @Min(1)
  contextWindow = 8192;
}

/** Model endpoints served by this installation (`models:`). */
export class ModelsConfig {
  /** The built-in local model, `model/local`: no network, deterministic replies. */
  @IsObject()
  @ValidateNested()
  @Type(() => LocalModelConfig)
  local = new LocalModelConfig();
}
