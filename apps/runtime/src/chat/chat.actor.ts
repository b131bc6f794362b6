import { Inject, Optional } from '@nestjs/common';
import { Actor, type ActorContext, Handle } from '@warren/actors';
import { ChatComplete, type ChatCompletionDelta, type ChatCompletionEnd } from '@warren/contracts';
import { MODEL_ENDPOINTS, type ModelEndpointRegistry } from '@warren/models';
import { Moderator } from '@warren/moderation';
import { WARREN_STORE, type WarrenStore } from '@warren/store';
import { LimiterLeases } from '../session/limiter-leases';
import { SESSION_OPTIONS, type SessionOptions } from '../session/session.options';
import { SESSION_ROUTING, type SessionRouting } from '../session/session-routing';
import { SESSION_METRICS, type TurnMetrics } from '../session/session-turn.types';
import { TOOL_OPTIONS, type ToolOptions } from '../tools/tool-options';
import { ChatCompletion } from './chat-completion';

/**
 * `chat/default`: stateless chat completions for the gateway's OpenAI-compatible endpoint, a
 * worker pool (no history, nothing to keep in order), streamed back with `askStream`: moderated
 * deltas, then a `ChatCompletionEnd`. Sessions' options, moderator and routing are shared with
 * session turns, so a completion goes through the same router, limiter and moderation.
 */
@Actor('chat', { kind: 'worker' })
export class ChatActor {
  private readonly endpoints: ReadonlySet<string>;

  constructor(
    @Inject(SESSION_OPTIONS) private readonly options: SessionOptions,
    @Inject(WARREN_STORE) private readonly store: WarrenStore,
    @Inject(Moderator) private readonly moderator: Moderator,
    @Inject(MODEL_ENDPOINTS) endpoints: ModelEndpointRegistry,
    @Optional() @Inject(SESSION_ROUTING) private readonly routing?: SessionRouting,
    @Optional() @Inject(SESSION_METRICS) private readonly metrics?: TurnMetrics,
    @Optional() @Inject(LimiterLeases) private readonly leases?: LimiterLeases,
    @Optional() @Inject(TOOL_OPTIONS) private readonly tools?: ToolOptions,
  ) {
    this.endpoints = new Set(endpoints.keys());
  }

  @Handle(ChatComplete)
  async *complete(msg: ChatComplete, ctx: ActorContext): AsyncGenerator<ChatCompletionDelta, ChatCompletionEnd, undefined> {
    const deps = {
      options: this.options,
      store: this.store,
      moderator: this.moderator,
      endpoints: this.endpoints,
      ...(this.routing ? { routing: this.routing } : {}),
      ...(this.metrics ? { metrics: this.metrics } : {}),
      ...(this.leases ? { limiter: this.leases } : {}),
      ...(this.tools ? { tools: this.tools } : {}),
    };
    return yield* new ChatCompletion(deps, msg, ctx).run();
  }
}
