import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** The reminder scheduler (`scheduler:`): claims due reminders from the store and delivers them. */
export class SchedulerConfig {
  /**
   * Run the scheduler in this process (apps/scheduler, and the all-in-one `npm start`).
   * @default true
   */
  @IsBoolean()
  enabled = true;

  /**
   * How long the scheduler waits between claims when the last one was not full (a full one
   * claims again at once). Bounds the lateness of a reminder.
   * @default 250
   */
  @IsInt()
  @Min(1)
  @Max(60_000)
  pollIntervalMs = 250;

  /**
   * Reminders claimed (leased) at once.
   * @default 500
   */
  @IsInt()
  @Min(1)
  @Max(1000)
  batchSize = 500;

  /**
   * How long a claim holds; a scheduler that crashed gives its reminders up after this, and a
   * delivery that failed is tried again after it.
   * @default 30000
   */
  @IsInt()
  @Min(100)
  leaseMs = 30_000;

  /**
   * A fire later than this is missed, and its reminder's missed-fire policy applies (fire-once,
   * skip, fire-all); a sooner one is on time and always delivered.
   * @default 10000
   */
  @IsInt()
  @Min(0)
  missedFireGraceMs = 10_000;

  /**
   * Fires of one reminder delivered per claim at most (fire-all after a long outage); the rest
   * stay due and are claimed again at once.
   * @default 100
   */
  @IsInt()
  @Min(1)
  @Max(10_000)
  maxFiresPerClaim = 100;

  /**
   * Entity actor types reminders are delivered to (the scheduler declares them to route its
   * deliveries). A reminder of another type is not delivered: it is logged and tried again when
   * its lease expires.
   * @default ['session', 'intent']
   */
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(100)
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { each: true, message: 'each must be an actor type (lower case, digits, -)' })
  actorTypes: string[] = ['session', 'intent'];

  /**
   * This scheduler's lease owner id. Unset: the node id (`<hostname>-<pid>`). Two schedulers
   * running at once must have different ids.
   * @default runtime.nodeId
   */
  @IsOptional()
  @IsString()
  @Matches(/^[\w.:-]{1,128}$/, { message: 'must be 1 to 128 letters, digits, or . _ : -' })
  instanceId?: string;

  /**
   * HTTP port of the standalone scheduler app (`/health`, `/ready`, `/metrics`); 0 picks a free
   * port. Its own, so that a scheduler, a runtime (`runtime.metricsPort`) and a gateway (`PORT`)
   * run side by side on one machine. Environment: `WARREN__SCHEDULER__METRICS_PORT`.
   * @default 9465
   */
  @IsInt()
  @Min(0)
  @Max(65_535)
  metricsPort = 9465;
}
