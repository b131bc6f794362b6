import type { SessionProactiveData } from './proactive.messages';
import type { SessionEventKind } from './session.messages';

/** Token usage as published in `reply` events. */
export interface SessionUsage {
  promptTokens: number;
  completionTokens: number;
}

/** `session.<id>.delta`: one streamed chunk of the assistant's reply; `seq` counts from 0 per task. */
export interface SessionDeltaData {
  taskId: string;
  seq: number;
  text: string;
}

/** `session.<id>.reply`: the final reply of a turn. */
export interface SessionReplyData {
  taskId: string;
  text: string;
  /** The endpoint that answered (`moderation` when a blocked input got the safe reply). */
  model: string;
  usage: SessionUsage;
  /** BCP 47 language of the user's text, detected or given. */
  language?: string;
  /** True when moderation replaced or redacted text. */
  moderated?: boolean;
  /** True when the answer came from the semantic cache, not from a model call. */
  cached?: boolean;
  /** The knowledge passages the prompt was given (the `retrieve` step), best first. */
  citations?: SessionCitation[];
}

/** A knowledge passage a reply cites. */
export interface SessionCitation {
  /** `<documentId>#<n>`: the id the prompt named the passage by. */
  id: string;
  documentId: string;
  collection: string;
  title?: string;
  /** The document's version the passage comes from. */
  version: number;
  /** Fused retrieval score, 0..1. */
  score: number;
}

/** `session.<id>.failed`: the turn ended without a reply; `code` is a stable `WARREN_*` code. */
export interface SessionFailedData {
  taskId: string;
  code: string;
  message: string;
  /** For `WARREN_RATE_LIMITED`: when trying again may pass. */
  retryAfterMs?: number;
}

/** `session.<id>.interrupted`: the turn was cut off; `partialText` is what was already streamed. */
export interface SessionInterruptedData {
  taskId: string;
  partialText: string;
}

/** `session.<id>.switched`: the router moved the turn to another endpoint mid-answer. */
export interface SessionSwitchedData {
  taskId: string;
  from: string;
  to: string;
  /** The error code of the endpoint that failed. */
  reason: string;
  /** Characters of the answer the user had already been sent. */
  sentChars: number;
}

/** The `data` of each session event kind. */
export interface SessionEventData {
  delta: SessionDeltaData;
  reply: SessionReplyData;
  failed: SessionFailedData;
  interrupted: SessionInterruptedData;
  switched: SessionSwitchedData;
  proactive: SessionProactiveData;
}

/** Routing key of a session event on `warren.events`: `session.<sessionId>.<kind>`. */
export function sessionEventKey(sessionId: string, kind: SessionEventKind): string {
  return `session.${sessionId}.${kind}`;
}
