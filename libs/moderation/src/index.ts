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
export { DEFAULT_MODERATION_RULES, resolveModerationRules } from './moderation-rules';
export type { ModerationDecision, ModerationResult } from './moderator';
export { MAX_HOLD_BACK_TOKENS, Moderator } from './moderator';
export type { PiiCandidate, PiiKind } from './pii-redactor';
export { luhnValid, REDACTION_MASKS } from './pii-redactor';
