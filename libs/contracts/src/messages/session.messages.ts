import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Message } from './message.decorator';

/** CloudEvents types of the session wire contract (in and out). */
export const SESSION_EVENT_TYPES = Object.freeze({
  MESSAGE: 'warren.session.message',
  INTERRUPT: 'warren.session.interrupt',
  DELTA: 'warren.session.delta',
  REPLY: 'warren.session.reply',
  FAILED: 'warren.session.failed',
  INTERRUPTED: 'warren.session.interrupted',
  SWITCHED: 'warren.session.switched',
  PROACTIVE: 'warren.session.proactive',
} as const);

/** Routing-key suffixes on `warren.events`: `session.<sessionId>.<kind>`. */
export const SESSION_EVENT_KINDS = ['delta', 'reply', 'failed', 'interrupted', 'switched', 'proactive'] as const;
export type SessionEventKind = (typeof SESSION_EVENT_KINDS)[number];

/** What a `model` or `strategy` of a message may look like (the names of `GET /v1/models`). */
const ROUTING_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/;

/** A user utterance: `warren.session.message`, the CloudEvent `id` is the task id. */
@Message('warren.session.message')
export class SessionMessage {
  /** The user's text (the configured limit is checked by the ingress router and the gateway). */
  @IsString() @MinLength(1) text!: string;
  @IsOptional() @IsString() @MaxLength(256) userId?: string;
  /** BCP 47 tag, e.g. `en-GB`. */
  @IsOptional() @IsString() @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/) locale?: string;
  /** `voice` or `text`; routing rules may use it. */
  @IsOptional() @IsIn(['voice', 'text']) channel?: 'voice' | 'text';
  /**
   * Where this turn is routed, read as the OpenAI-compatible `model` is: `auto` (the tenant's or the
   * default routing), a strategy, a route (`voice`, `text`) or an endpoint name (`GET /v1/models`).
   */
  @IsOptional() @IsString() @Matches(ROUTING_NAME, { message: 'model must be a name of GET /v1/models' }) model?: string;
  /** A routing strategy (`routing.strategies`) this turn is routed by; not with `model`. */
  @IsOptional() @IsString() @Matches(ROUTING_NAME, { message: 'strategy must be a routing strategy name' }) strategy?: string;
}

/** Barge-in: cut off the turn in progress (or the one named). */
@Message('warren.session.interrupt')
export class SessionInterrupt {
  @IsOptional() @IsString() @MaxLength(256) taskId?: string;
}
