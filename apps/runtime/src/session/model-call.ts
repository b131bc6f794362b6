/**
 * The steps every model turn shares, whether a session turn or a one-shot chat completion: the
 * reservation with the tenant's limiter, the routed model call whose deltas leave only through
 * output moderation, moderation of the whole answer, and what the reservation settles to. Each
 * caller adds what is its own around them (a session: history, prompt, events, one commit; a chat
 * completion: the caller's messages, a stream of chunks, the task) — the lean path exists once.
 */

import { Logger } from '@nestjs/common';
import type { ActorContext } from '@warren/actors';
import {
  type ChatMessage,
  ModelComplete,
  type ModelCompletionEnd,
  type ModelTool,
  type ModelToolCall,
  type ModelToolChoice,
} from '@warren/contracts';
import { countChatTokens, countTokens, type RouteInput } from '@warren/models';
import type { ModerationDecision, Moderator } from '@warren/moderation';
import { ToolCaller, type ToolScope } from '../tools/tool-caller';
import type { ToolOptions } from '../tools/tool-options';
import { type LimiterReservation, PER_REQUEST, type TokenReserver } from './limiter-reservation';
import { ModeratedOutput } from './moderated-output';
import { type RoutingJournal, routedCall, routingJournalOf, type SwitchedData } from './routed-call';
import type { SessionOptions } from './session.options';
import { SessionRouting } from './session-routing';
import type { TurnMetrics } from './session-turn.types';
import type { TurnSteps } from './turn-steps';

const log = new Logger('ModelCall');

/** What the shared steps need. */
export interface ModelCallDeps {
  options: Pick<SessionOptions, 'rateLimit' | 'model' | 'modelTimeoutMs'>;
  moderator: Moderator;
  routing?: SessionRouting;
  metrics?: TurnMetrics;
  /** `LimiterLeases` (a lease when it can); absent: per request with `limiter/<tenant>`. */
  limiter?: TokenReserver;
  /** Warren-hosted tools (`tools:`); absent: none are offered. */
  tools?: ToolOptions;
}

/** The tools of one call: Warren's for the scope's tenant (run here), and the caller's own (returned when called). */
export interface CallTools {
  /** Whose turn it is: which declared tools are offered, and what a tool is told. */
  scope: ToolScope;
  /** A chat completion's own tools (OpenAI's `tools`): offered, and when the model calls one, returned to the caller, never run. */
  client?: readonly ModelTool[];
  /** OpenAI's `tool_choice`, for the first round (later rounds: `auto`, or `none` when it was `none`). */
  choice?: ModelToolChoice;
}

/** What a granted reservation holds: the counted prompt and the whole reservation (prompt + most output). */
export interface Reservation {
  promptTokens: number;
  reserved: number;
}

/** A moderated answer from the model (or from the safe reply that replaced a blocked one). */
export interface ModelAnswer {
  /** What the user gets: the streamed text, or the safe reply when output moderation blocked the answer. */
  text: string;
  model: string;
  usage: { promptTokens: number; completionTokens: number };
  finishReason: ModelCompletionEnd['finishReason'];
  /** Output moderation blocked the answer. */
  blocked: boolean;
  /** Blocked, or personal data was masked. */
  moderated: boolean;
  decisions: ModerationDecision[];
  journal: RoutingJournal;
  endpoint: string;
  /** The caller's own tools the model asks for (`finishReason: 'tool_calls'`; only with `CallTools.client`). */
  toolCalls?: ModelToolCall[];
}

/** How the caller takes part in the call. */
export interface ModelCallHooks {
  /** Each delta released by output moderation, in order; `moderated` marks the safe reply replacing a blocked answer. */
  onDelta(text: string, moderated: boolean): void;
  /** A broken stream goes on with another endpoint (a session announces it with a `switched` event). */
  onSwitched?(data: SwitchedData): Promise<void>;
  /** Awaited before the router runs (a failpoint). */
  beforeCall?(): Promise<void>;
  /** Awaited once the stream has ended, before the answer is moderated as a whole (a failpoint). */
  afterStream?(): Promise<void>;
}

/** The model turn's shared steps on one handler's context; `sent` and `journal` stay readable after a failure. */
export class ModelCall {
  /** The text released to the user so far (what an interrupted or failed end keeps and bills). */
  sent = '';
  /** The decision journal, once routed (also after a failure). */
  journal: RoutingJournal | undefined;

  constructor(
    private readonly deps: ModelCallDeps,
    private readonly ctx: ActorContext<unknown>,
    private readonly steps: TurnSteps,
  ) {}

  private get reserver(): TokenReserver {
    return this.deps.limiter ?? PER_REQUEST;
  }

  /**
   * The `limiter` step: reserves the counted prompt plus the most output (or `fixedTokens`, a cache
   * hit's price) unless rate limiting is off. A refusal (`RateLimitedError`, `BudgetExceededError`)
   * is thrown; in queue mode this waits.
   */
  async reserve(r: LimiterReservation, prompt: ChatMessage[], maxTokens: number, fixedTokens?: number): Promise<Reservation | undefined> {
    if (!this.deps.options.rateLimit) {
      this.steps.skip('limiter');
      return undefined;
    }
    return this.steps.run('limiter', async () => {
      const promptTokens = fixedTokens === undefined ? countChatTokens(prompt) : 0;
      const reserved = fixedTokens ?? promptTokens + maxTokens;
      await this.reserver.reserve(this.ctx, r, reserved);
      return { promptTokens, reserved };
    });
  }

  /**
   * Settles a reservation to what was used: the model's reported usage; for a call that ended early,
   * the prompt plus what was released (nothing when nothing was: a refused or unreachable endpoint
   * bills nothing); a fixed price when given. Never fails its caller: a lost settle leaves the
   * estimate charged.
   */
  settle(r: LimiterReservation, reservation: Reservation | undefined, answer?: Pick<ModelAnswer, 'usage' | 'text'>, fixed = false): void {
    if (!reservation) return;
    const reported = answer ? answer.usage.promptTokens + answer.usage.completionTokens : 0;
    const partial = answer?.text ?? this.sent;
    const used = fixed
      ? reservation.reserved
      : reported > 0
        ? reported
        : partial.length > 0
          ? reservation.promptTokens + countTokens(partial)
          : 0;
    this.reserver.settle(this.ctx, r, reservation.reserved, used).catch((err: unknown) => {
      log.warn(`${this.ctx.self}: could not settle reservation ${r.reservationId} (the estimate stays charged): ${(err as Error).message}`);
    });
  }

  /**
   * The `model`, `tool` and `moderation-out` steps: routes `route`, calls the chain (fallbacks,
   * continued streams, health), releases each delta through output moderation to `hooks.onDelta`,
   * then moderates the whole answer (a blocked one ends with the safe reply, marked). With `tools`,
   * a model that asks for Warren-hosted tools gets their results (see `ToolCaller`) and is called
   * again, up to `tools.maxRounds` rounds (then once more without them: it must answer in text); a
   * call to one of the caller's own tools ends the call with those calls (`toolCalls`). Each round
   * is a `model` step; the answer's text is what every round said, its usage their sum.
   */
  async call(request: ModelComplete, route: RouteInput, hooks: ModelCallHooks, tools?: CallTools): Promise<ModelAnswer> {
    const { options, moderator, metrics } = this.deps;
    const routing = this.deps.routing ?? SessionRouting.fromConfig({}, options.model);
    const output = new ModeratedOutput(moderator);
    const caller = tools && this.deps.tools ? new ToolCaller(this.deps.tools, this.ctx, this.steps, tools.scope) : undefined;
    const client = tools?.client ?? [];
    const clientNames = new Set(client.map((t) => t.name));
    // The caller's own tools shadow Warren's of the same name.
    const hosted = (caller?.offered() ?? []).filter((t) => !clientNames.has(t.name));
    const maxRounds = hosted.length > 0 ? (caller?.maxRounds ?? 0) : 0;
    const t0 = performance.now();
    const messages: ChatMessage[] = [...request.messages];
    const usage = { promptTokens: 0, completionTokens: 0 };
    let said = '';
    let freshRound = false;
    let result: Awaited<ReturnType<typeof routedCall>> | undefined;
    let toolCalls: ModelToolCall[] | undefined;
    const sink = {
      push: (raw: string) => {
        // A round after a tool call goes on from what was said before it.
        const text = freshRound && needsSpace(said, raw) ? ` ${raw}` : raw;
        freshRound = false;
        said += text;
        const released = output.push(text);
        if (released !== undefined) {
          hooks.onDelta(released, false);
          this.sent = output.sent;
        }
        return !output.blocked;
      },
      sentChars: () => output.sent.length,
      switched: (data: SwitchedData) => hooks.onSwitched?.(data) ?? Promise.resolve(),
    };
    for (let round = 0; ; round++) {
      const offered = [...(round < maxRounds ? hosted : []), ...client];
      const choice = choiceFor(round === 0 ? tools?.choice : tools?.choice === 'none' ? 'none' : 'auto', offered);
      const asked = Object.assign(new ModelComplete(), {
        ...request,
        messages: [...messages],
        ...(offered.length > 0 ? { tools: offered, ...(choice ? { toolChoice: choice } : {}) } : {}),
      });
      const before = said.length;
      freshRound = said.length > 0;
      let r: Awaited<ReturnType<typeof routedCall>>;
      try {
        r = await this.steps.run('model', async () => {
          if (round === 0) await hooks.beforeCall?.();
          const plan = routing.router.route(route);
          return routedCall(this.ctx, plan, asked, sink, {
            timeoutMs: options.modelTimeoutMs,
            health: routing.health,
            contextWindows: routing.options.contextWindows,
            continueStreams: routing.options.continueStreams,
            continueInstruction: routing.options.continueInstruction,
          });
        });
      } catch (error) {
        this.journal = mergeJournal(this.journal, routingJournalOf(error));
        throw error;
      }
      this.journal = mergeJournal(round === 0 ? undefined : this.journal, r.journal);
      result = r;
      usage.promptTokens += r.end.usage?.promptTokens ?? 0;
      usage.completionTokens += r.end.usage?.completionTokens ?? 0;
      const calls = r.end.finishReason === 'tool_calls' ? (r.end.toolCalls ?? []) : [];
      if (calls.length === 0 || output.blocked) break;
      if (calls.some((c) => clientNames.has(c.name))) {
        toolCalls = calls.filter((c) => clientNames.has(c.name));
        break;
      }
      if (!caller || round >= maxRounds) break; // asked for tools it was not offered: what it said is the answer
      messages.push({ role: 'assistant', content: said.slice(before).trim(), toolCalls: calls });
      messages.push(...(await caller.run(calls)));
    }
    await hooks.afterStream?.();
    if (!result) throw new Error('unreachable: a model call without a round');
    const journal = this.journal ?? result.journal;
    const arm = journal.arm;
    metrics?.routingDecision?.(arm?.strategy ?? 'none', arm?.name ?? 'none', result.endpoint);
    const finished = await this.steps.run('moderation-out', async () => output.finish());
    // Blocked: the safe reply, marked: it replaces the clean start released before it.
    if (finished.rest) hooks.onDelta(finished.rest, finished.blocked);
    this.sent = output.sent;
    const model = result.end.model ?? options.model;
    metrics?.modelCall(model, performance.now() - t0, usage.promptTokens, usage.completionTokens);
    if (finished.blocked)
      for (const d of finished.result.decisions) if (d.action === 'block') metrics?.moderationBlocked('out', d.category);
    return {
      text: finished.text,
      model,
      usage,
      finishReason: toolCalls ? 'tool_calls' : result.end.finishReason === 'tool_calls' ? 'stop' : result.end.finishReason,
      blocked: finished.blocked,
      moderated: finished.blocked || finished.result.redactions.length > 0,
      decisions: finished.result.decisions,
      journal,
      endpoint: result.endpoint,
      ...(toolCalls && !finished.blocked ? { toolCalls } : {}),
    };
  }
}

/** The tool choice to send with `offered`: none when nothing is offered, and a named one only when it is offered. */
function choiceFor(choice: ModelToolChoice | undefined, offered: readonly ModelTool[]): ModelToolChoice | undefined {
  if (offered.length === 0 || choice === undefined) return undefined;
  if (typeof choice === 'object' && !offered.some((t) => t.name === choice.name)) return 'auto';
  return choice;
}

/** The journal of several rounds: the first round's decision, every round's attempts and switches, the last endpoint. */
function mergeJournal(before: RoutingJournal | undefined, next: RoutingJournal | undefined): RoutingJournal | undefined {
  if (!before) return next;
  if (!next) return before;
  return {
    ...before,
    attempts: [...before.attempts, ...next.attempts],
    switches: [...before.switches, ...next.switches],
    ...(next.endpoint ? { endpoint: next.endpoint } : {}),
  };
}

function needsSpace(before: string, next: string): boolean {
  return next.length > 0 && !/\s$/u.test(before) && !/^[\s.,;:!?]/u.test(next);
}
