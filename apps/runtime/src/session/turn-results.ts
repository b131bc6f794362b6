/**
 * What a session turn's steps produce: `Prepared` (preprocess, moderation in, cache lookup,
 * limiter) and `Answer` (the model step, saved with the actor's state).
 */

import type { ChatMessage } from '@warren/contracts';
import type { ModerationDecision } from '@warren/moderation';
import type { RoutingJournal } from './routed-call';
import type { CachedAnswer } from './semantic-cache';
import type { Citation } from './turn-retrieval';
import type { StepTiming } from './turn-steps';

/**
 * Result of preprocessing, moderation in and the limiter. Not saved: a turn that runs again
 * (after a crash, or a retry in place) prepares again, which is cheap and gives the same result;
 * its one side effect, the reservation, is named by the task id, and the limiter grants a
 * reservation it holds again without charging twice.
 */
export interface Prepared {
  /** Normalised user text with personal data masked: what the model and the history see. */
  text: string;
  language?: string;
  languageSource: string;
  moderationIn: ModerationDecision[];
  redactedIn: boolean;
  /** Set when input moderation blocked the text: the reply to give instead. */
  blocked?: { reply: string; categories: string[] };
  prompt: ChatMessage[];
  /** What the limiter granted: the counted prompt and the whole reservation (prompt + max output), settled after the model. */
  reservation?: { promptTokens: number; reserved: number };
  /**
   * The answer cache's key of this turn and, on a hit, the answer to reuse (only with the cache on);
   * in semantic mode the conversation scope, and the similarity of a hit by meaning.
   */
  cache?: { key: string; hit?: CachedAnswer; scope?: string; similarity?: number };
  /** The knowledge passages put into the prompt (the `retrieve` step), cited by the reply. */
  citations?: Citation[];
}

/** Result of the `model` step (saved). */
export interface Answer {
  text: string;
  model: string;
  usage: { promptTokens: number; completionTokens: number };
  interrupted: boolean;
  moderated: boolean;
  moderationOut: ModerationDecision[];
  /** The decision journal (strategy, candidates, arm, every call); absent when no model was called. */
  routing?: RoutingJournal;
  /** True when the answer came from the semantic cache (no model was called). */
  cached?: boolean;
  timings: StepTiming[];
}
