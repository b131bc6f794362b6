import { Inject, Optional } from '@nestjs/common';
import { Actor, type ActorContext, Handle } from '@warren/actors';
import { EMBEDDING_ACTOR_TYPE, type EmbeddingResult, EmbedTexts, LimiterAcquire, LimiterSettle, NotFoundError } from '@warren/contracts';
import { countTokens } from '../tokens/token-counter';
import { EMBEDDING_ENDPOINTS, type EmbeddingEndpointRegistry } from './embedding-endpoint.port';

/** How the embedding workers charge their calls. */
export interface EmbeddingWorkerOptions {
  /** Reserve the texts' tokens with `limiter/<tenant>` before the call and settle after (`session.rateLimit`). @default true */
  rateLimit: boolean;
}

/** Nest injection token of the `EmbeddingWorkerOptions`. */
export const EMBEDDING_WORKER_OPTIONS = Symbol('warren:embedding-worker-options');

/**
 * The `embedding/<name>` worker pool: answers an `EmbedTexts` ask with one vector per text from
 * endpoint `<name>`. The texts' tokens (counted with the o200k tokenizer) are reserved with the
 * tenant's limiter first, so embeddings count against the same requests-per-minute, tokens and
 * budgets as completions (a refusal is the asker's `WARREN_RATE_LIMITED` or
 * `WARREN_BUDGET_EXCEEDED`), and settled to what the provider counted (nothing when the call failed).
 */
@Actor(EMBEDDING_ACTOR_TYPE, { kind: 'worker' })
export class EmbeddingWorkerActor {
  private readonly rateLimit: boolean;

  constructor(
    @Inject(EMBEDDING_ENDPOINTS) private readonly endpoints: EmbeddingEndpointRegistry,
    @Optional() @Inject(EMBEDDING_WORKER_OPTIONS) options?: EmbeddingWorkerOptions,
  ) {
    this.rateLimit = options?.rateLimit ?? true;
  }

  @Handle(EmbedTexts)
  async embed(msg: EmbedTexts, ctx: ActorContext): Promise<EmbeddingResult> {
    const endpoint = this.endpoints.get(ctx.key);
    if (!endpoint) throw new NotFoundError('embedding endpoint', ctx.key);
    const limiter = `limiter/${msg.tenant}`;
    const user = msg.userId === undefined ? {} : { userId: msg.userId };
    const reserved = msg.input.reduce((sum, text) => sum + countTokens(text), 0);
    if (this.rateLimit) await ctx.ask(limiter, Object.assign(new LimiterAcquire(), { tokens: reserved, ...user }));
    let used = 0;
    try {
      const out = await endpoint.embed(
        { input: msg.input, ...(msg.dimensions === undefined ? {} : { dimensions: msg.dimensions }) },
        ctx.signal,
      );
      // The provider's count when it gave one, else the reservation (our own count of the same texts).
      used = out.promptTokens ?? reserved;
      return { model: endpoint.name, vectors: out.vectors, usage: { promptTokens: used } };
    } finally {
      if (this.rateLimit) await ctx.tell(limiter, Object.assign(new LimiterSettle(), { reserved, used, ...user })).catch(() => undefined);
    }
  }
}
