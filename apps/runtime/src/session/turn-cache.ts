/**
 * A session turn's answer-cache steps: look the turn's answer up before the limiter, answer
 * from the cache instead of a model on a hit, and remember a model's answer for later turns.
 */

import { type ChatMessage, SESSION_EVENT_TYPES } from '@warren/contracts';
import { cacheKey, cacheScope } from './cache-key';
import { type CachedAnswer, cachedDeltas } from './semantic-cache';
import { SessionRouting } from './session-routing';
import { INTERRUPTED } from './session-turn.types';
import type { Answer, Prepared } from './turn-results';
import type { TurnScope } from './turn-scope';

/**
 * The semantic cache's key of this turn (tenant, route, system message, last messages of the
 * context, new text; see `cacheKey`) and the answer stored under it, if any. Undefined when the
 * cache is off.
 */
export async function lookupCache(
  turn: TurnScope,
  prompt: ChatMessage[],
  input: Pick<Prepared, 'text' | 'language'>,
): Promise<Prepared['cache']> {
  const cache = turn.deps.cache;
  if (!cache?.enabled) return undefined;
  const routing = turn.deps.routing ?? SessionRouting.fromConfig({}, turn.deps.options.model);
  let route: string;
  try {
    const { decision } = routing.router.route(await turn.routeInput(input, routing));
    route = JSON.stringify([decision.strategy, decision.arm?.name ?? '', turn.msg.channel ?? '']);
  } catch {
    return undefined; // the model step reports the routing error
  }
  const material = { tenant: turn.tenant, route, prompt, contextMessages: cache.options.contextMessages };
  const key = cacheKey(material);
  const hit = cache.get(key);
  if (hit || !cache.semantic) {
    turn.deps.metrics?.cacheLookup?.(hit ? 'hit' : 'miss');
    return hit ? { key, hit } : { key };
  }
  // Semantic mode: a question close enough in meaning, asked after the same context.
  const scope = cacheScope(material);
  let similar: Awaited<ReturnType<typeof cache.lookupSimilar>>;
  try {
    similar = await cache.lookupSimilar(scope, prompt.at(-1)?.content ?? '', turn.ctx.signal);
  } catch {
    similar = undefined; // the embedder failed: the turn goes on without the cache
  }
  turn.deps.metrics?.cacheLookup?.(similar ? 'hit' : 'miss');
  return similar ? { key, scope, hit: similar.answer, similarity: similar.similarity } : { key, scope };
}

/** Stores a model's answer in the answer cache: whole, unmoderated, not from the cache, input not masked. */
export function rememberAnswer(turn: TurnScope, prepared: Prepared, answer: Answer): void {
  const cache = turn.deps.cache;
  if (!cache?.enabled || !prepared.cache || prepared.cache.hit || prepared.redactedIn) return;
  if (answer.cached || answer.interrupted || answer.moderated || answer.text.length === 0) return;
  // An answer built on tool results holds what the tools said then (a calendar, a balance): never reused.
  if (answer.timings.some((t) => t.name === 'tool')) return;
  const { key, scope } = prepared.cache;
  const question = scope !== undefined ? { scope, text: prepared.prompt.at(-1)?.content ?? '' } : undefined;
  // Not awaited: storing (and embedding the question, in semantic mode) is not on the reply's path.
  cache.remember(key, { text: answer.text, model: answer.model }, question).catch(() => undefined);
}

/**
 * A turn answered from the semantic cache: the stored answer streamed as deltas (word-aligned
 * parts), no model called. The answer was moderated when it was stored.
 */
export async function cachedAnswer(turn: TurnScope, hit: CachedAnswer): Promise<Answer> {
  let sent = '';
  await turn.steps.run('model', async () => {
    let seq = 0;
    for (const text of cachedDeltas(hit.text)) {
      if (turn.ctx.signal.aborted) break;
      await turn.emit('delta', SESSION_EVENT_TYPES.DELTA, { taskId: turn.clientTaskId, seq: seq++, text });
      sent += text;
      turn.streamed = sent;
    }
  });
  turn.steps.skip('moderation-out');
  if (turn.ctx.signal.aborted && turn.ctx.signal.reason === INTERRUPTED) {
    return { ...turn.partial(sent), model: hit.model, cached: true, timings: turn.steps.snapshot() };
  }
  return {
    text: hit.text,
    model: hit.model,
    usage: { promptTokens: 0, completionTokens: 0 },
    interrupted: false,
    moderated: false,
    moderationOut: [],
    cached: true,
    timings: turn.steps.snapshot(),
  };
}
