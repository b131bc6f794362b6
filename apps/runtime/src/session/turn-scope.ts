/**
 * What the parts of one session turn share (the orchestrator `SessionTurn`, its outcomes and its
 * cache steps): the turn's identity, dependencies and progress, and the small helpers that read
 * them. `SessionTurn` is one, so sharing it allocates nothing per turn.
 */

import { Logger } from '@nestjs/common';
import type { ActorContext } from '@warren/actors';
import { type SessionEventData, type SessionEventKind, type SessionMessage, sessionEventKey, WARREN_HEADERS } from '@warren/contracts';
import type { NewTask, NewTurnPart } from '@warren/store';
import type { LimiterReservation } from './limiter-reservation';
import { ModelCall } from './model-call';
import { requestTarget } from './request-target';
import type { RoutingJournal } from './routed-call';
import { lastEndpointOf } from './session-affinity';
import type { SessionRouting } from './session-routing';
import type { SessionState } from './session-state';
import type { TurnDeps } from './session-turn.types';
import type { Answer, Prepared } from './turn-results';
import { TurnSteps } from './turn-steps';

const log = new Logger('SessionTurn');

/** One turn's identity, dependencies and progress; `SessionTurn` extends it, the outcome and cache functions take it. */
export abstract class TurnScope {
  readonly tenant: string;
  readonly sessionId: string;
  readonly taskId: string;
  /**
   * The task id the client knows: what events carry as `data.taskId`. The ingress CloudEvent id of
   * a raw producer's turn, whose `taskId` is scoped to the tenant and session; else `taskId`.
   */
  readonly clientTaskId: string;
  readonly steps: TurnSteps;
  /** The model turn's shared steps (reservation, the moderated routed call, settle): see `model-call.ts`. */
  readonly model: ModelCall;
  readonly startedAt = performance.now();
  /** When the user's part happened: the turn's start, so history orders it before the reply. */
  readonly arrivedAt = new Date();
  /** What was streamed to the user so far (what an interrupted or failed end keeps and bills). */
  streamed = '';
  /** The decision journal of this turn's model call, once routed (kept for a failed or interrupted end too). */
  routingJournal: RoutingJournal | undefined;
  /**
   * The broker's confirms of the `delta` events sent. Not waited for (not on the reply's path, not
   * before the commit): deltas are a preview ("zero or more" in the contract), published before the
   * turn's outbox on the same channel, so the `reply` that carries the whole text follows them.
   */
  deltas: Promise<unknown> = Promise.resolve();

  constructor(
    readonly deps: TurnDeps,
    readonly msg: SessionMessage,
    readonly ctx: ActorContext<SessionState>,
  ) {
    const sep = ctx.key.indexOf('~');
    this.tenant = ctx.key.slice(0, sep);
    this.sessionId = ctx.key.slice(sep + 1);
    this.taskId = ctx.taskId ?? ctx.messageId;
    this.clientTaskId = ctx.header(WARREN_HEADERS.CLIENT_TASK_ID) ?? this.taskId;
    this.steps = new TurnSteps((name, ms) => deps.metrics?.stepDuration(name, ms));
    this.model = new ModelCall(deps, ctx, this.steps);
  }

  /** This turn's reservation at `limiter/<tenant>`: named by the task, for the user when known. */
  reservation(): LimiterReservation {
    return { tenant: this.tenant, reservationId: this.taskId, ...(this.msg.userId ? { userId: this.msg.userId } : {}) };
  }

  /** What the router decides on: the turn's tenant, session, text, language, channel, profile tags (when a rule needs them), last endpoint, and the message's own `model`/`strategy`. */
  async routeInput(prepared: Pick<Prepared, 'text' | 'language'>, routing: SessionRouting) {
    const tags =
      routing.needsTags && this.msg.userId ? ((await this.deps.store.profiles.get(this.tenant, this.msg.userId))?.tags ?? []) : [];
    const last = lastEndpointOf(this.ctx.state);
    const strategy = requestTarget(this.msg, routing);
    return {
      tenant: this.tenant,
      sessionKey: this.ctx.key,
      text: prepared.text,
      tags,
      ...(prepared.language ? { language: prepared.language } : {}),
      ...(this.msg.channel ? { channel: this.msg.channel } : {}),
      ...(last ? { lastEndpoint: last } : {}),
      ...(strategy !== undefined ? { strategy } : {}),
    };
  }

  partial(text: string): Omit<Answer, 'timings'> {
    return {
      text,
      model: this.deps.options.model,
      usage: { promptTokens: 0, completionTokens: 0 },
      interrupted: true,
      moderated: false,
      moderationOut: [],
    };
  }

  ref(): { tenant: string; sessionId: string; userId?: string } {
    return { tenant: this.tenant, sessionId: this.sessionId, ...(this.msg.userId ? { userId: this.msg.userId } : {}) };
  }

  userPart(content: string): NewTurnPart {
    return { ...this.ref(), id: `${this.taskId}:user`, role: 'user', content, taskId: this.taskId, at: this.arrivedAt };
  }

  /** The task as this turn creates it when nobody did (the AMQP path; the gateway creates its own). */
  newTask(): NewTask {
    return {
      id: this.taskId,
      ...(this.clientTaskId !== this.taskId ? { clientTaskId: this.clientTaskId } : {}),
      tenant: this.tenant,
      sessionId: this.sessionId,
      ...(this.msg.userId ? { userId: this.msg.userId } : {}),
      actor: this.ctx.self,
      status: 'running',
      at: this.arrivedAt,
    };
  }

  /**
   * Publishes a session event now (deltas, `switched`: a preview, not part of the commit), transient:
   * a durable listener queue does not write it to disk; the `reply` (persistent) carries the whole text.
   */
  emit<K extends SessionEventKind>(kind: K, type: string, data: SessionEventData[K]): Promise<void> {
    return this.ctx.emit(sessionEventKey(this.sessionId, kind), type, data, { subject: this.sessionId, transient: true });
  }

  /** Stages a session event in the turn's outbox: published once the turn's end is committed. */
  emitAfterCommit<K extends SessionEventKind>(kind: K, type: string, data: SessionEventData[K]): void {
    this.ctx
      .emit(sessionEventKey(this.sessionId, kind), type, data, { subject: this.sessionId, afterCommit: true })
      .catch((err: unknown) =>
        log.warn(`${this.ctx.self}: could not stage the ${kind} event of task ${this.taskId}: ${(err as Error).message}`),
      );
  }
}
