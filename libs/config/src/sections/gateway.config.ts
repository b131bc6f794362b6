import { IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';

/** HTTP gateway settings (`gateway:` in the config file). */
export class GatewayConfig {
  /**
   * HTTP port; 0 picks a free port (tests). Overridden by `PORT`.
   * @default 3000
   */
  @IsInt()
  @Min(0)
  @Max(65_535)
  port = 3000;

  /**
   * Interface the HTTP server binds to.
   * @default '0.0.0.0'
   */
  @IsString()
  @IsNotEmpty()
  host = '0.0.0.0';
}
