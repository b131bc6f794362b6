/**
 * The `retrieve` step of a session turn (between moderation in and the prompt): the tenant's best
 * knowledge passages for the user's text, put into the prompt with their ids and cited by the
 * reply. Runs only when retrieval is on for the tenant (`knowledge.retrieval`, `knowledge.tenants`).
 */

import type { KnowledgeBase, KnowledgeHit } from '@warren/store';
import { type KnowledgeOptions, retrievalFor } from '../knowledge/knowledge.options';
import type { PromptPassage } from './prompt-builder';
import type { TurnScope } from './turn-scope';

/** What a turn needs to retrieve (absent: no retrieval). */
export interface TurnKnowledge {
  base: KnowledgeBase;
  options: KnowledgeOptions;
}

/** A passage the reply cites (`data.citations` of `warren.session.reply`). */
export interface Citation {
  /** The passage id, `<documentId>#<n>`: what the prompt names it by. */
  id: string;
  documentId: string;
  collection: string;
  title?: string;
  version: number;
  /** The fused score (0..1). */
  score: number;
}

/** What the step gives the prompt and the reply. */
export interface Retrieved {
  passages: PromptPassage[];
  citations: Citation[];
}

/**
 * Runs the `retrieve` step when the tenant has retrieval on: recorded on the task with its timing
 * and, as details, the ids and scores of the passages used. A failed or slow search (past
 * `knowledge.timeoutMs`) is recorded as the step's error and the turn goes on without passages:
 * knowledge improves an answer, its absence does not fail the turn. An interrupt still ends it.
 */
export async function retrieve(turn: TurnScope, text: string): Promise<Retrieved | undefined> {
  const knowledge = turn.deps.knowledge;
  if (!knowledge) return undefined;
  const options = retrievalFor(knowledge.options, turn.tenant);
  if (!options.enabled) return undefined;
  let hits: KnowledgeHit[];
  try {
    hits = await turn.steps.run('retrieve', () =>
      withTimeout(knowledge.options.timeoutMs, turn.ctx.signal, (signal) =>
        knowledge.base.search({
          tenant: turn.tenant,
          text,
          topK: options.topK,
          minScore: options.minScore,
          collections: options.collections,
          signal,
        }),
      ),
    );
  } catch (error) {
    if (turn.ctx.signal.aborted) throw error;
    return undefined;
  }
  turn.steps.annotate('retrieve', {
    hybrid: knowledge.base.hybrid,
    passages: hits.map((h) => ({
      id: h.passageId,
      score: round(h.score),
      ...(h.lexical ? { lexical: { rank: h.lexical.rank, score: round(h.lexical.score) } } : {}),
      ...(h.vector ? { vector: { rank: h.vector.rank, score: round(h.vector.score) } } : {}),
    })),
  });
  return {
    passages: hits.map((h) => ({ id: h.passageId, ...(h.title ? { title: h.title } : {}), text: h.text })),
    citations: hits.map((h) => ({
      id: h.passageId,
      documentId: h.documentId,
      collection: h.collection,
      ...(h.title ? { title: h.title } : {}),
      version: h.version,
      score: round(h.score),
    })),
  };
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

/** Runs `work` with a signal that aborts after `ms` or with `outer`; rejects when either comes first. */
async function withTimeout<T>(ms: number, outer: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer.reason);
  outer.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(controller.signal),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          // rejected before the abort, so the step records why
          reject(new Error(`retrieval took longer than ${ms} ms (knowledge.timeoutMs)`));
          controller.abort();
        }, ms);
        controller.signal.addEventListener('abort', () => reject(new Error('retrieval cancelled')), { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onAbort);
  }
}
