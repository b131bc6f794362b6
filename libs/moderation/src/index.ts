export type { ModeratedEnd } from './moderated-stream';
export { ModeratedStream } from './moderated-stream';
export type {
  ModerationAction,
  ModerationCategory,
  ModerationDirection,
  ModerationRules,
  ModerationRulesInput,
  PiiRules,
} from './moderation-rules';
export type { ModerationDecision, ModerationResult } from './moderator';
export { Moderator } from './moderator';
export type { PiiCandidate, PiiKind } from './pii-redactor';
