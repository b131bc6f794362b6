import { IsArray, IsBoolean, IsInt, IsObject, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/**
 * Model routing (`routing:`): which endpoint answers a turn, what happens when it fails. Shapes
 * are checked here; strategies, rules, names and patterns in full by the router's
 * `resolveRoutingOptions` when the runtime starts (an `InvalidOptionsError` naming the key path).
 */
export class RoutingConfig {
  /**
   * Target of a turn no tenant or route names: a strategy of `strategies`, or an endpoint name.
   * Empty: `session.model` (static).
   * @default ''
   */
  @Matches(/^([A-Za-z0-9][A-Za-z0-9._-]{0,99})?$/)
  default = '';

  /**
   * Target per tenant, e.g. `{ acme: smart }` (wins over routes).
   * @default {}
   */
  @IsObject()
  tenants: Record<string, string> = {};

  /**
   * Target per route, i.e. per channel: `{ voice: fast, text: smart }`.
   * @default {}
   */
  @IsObject()
  routes: Record<string, string> = {};

  /**
   * Named strategies: `{ <name>: { kind: static|rules|content|performance|weighted|ensemble, …, fallbacks? } }`.
   * @default {}
   */
  @IsObject()
  strategies: Record<string, Record<string, unknown>> = {};

  /**
   * Endpoints tried last when a call fails, after the strategies' own fallbacks.
   * @default []
   */
  @IsArray()
  @IsString({ each: true })
  fallbacks: string[] = [];

  /**
   * Context windows (tokens) by endpoint, for going to a larger one on WARREN_CONTEXT_TOO_LONG.
   * @default {}
   */
  @IsObject()
  contextWindows: Record<string, number> = {};

  /**
   * Session affinity: prefer the endpoint of the session's previous turn (prefix / KV-cache reuse)
   * while it is healthy and has fewer than `affinityMaxOutstanding` calls in flight.
   * @default false
   */
  @IsBoolean()
  affinity = false;

  /**
   * Outstanding calls (on this node) above which the previous endpoint is no longer preferred.
   * @default 8
   */
  @IsInt()
  @Min(1)
  @Max(100_000)
  affinityMaxOutstanding = 8;

  /**
   * When a stream fails after deltas were sent, ask the next endpoint of the chain to continue
   * the text (announced by a `switched` event); false: the turn fails with an explicit `failed`.
   * @default true
   */
  @IsBoolean()
  continueStreams = true;

  /**
   * The instruction that follows the partial answer when another endpoint continues it.
   */
  @IsString()
  @MaxLength(2000)
  continueInstruction =
    'Your previous answer was cut off. Continue it exactly where it stopped, without repeating anything already written and without any preamble.';

  /**
   * Classes of the default content classifier: class → regular expressions (case-insensitive),
   * the first class with a match wins. Empty: the built-in code, math and chit-chat classes.
   * @default {}
   */
  @IsObject()
  classifier: Record<string, string[]> = {};
}
