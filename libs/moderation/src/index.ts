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
export { Moderator } from './moderator';
export type { PiiKind } from './pii-redactor';
export { luhnValid, REDACTION_MASKS } from './pii-redactor';
