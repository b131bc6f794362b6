export type { ActorAddress } from './address';
export { formatAddress, isValidSessionId, parseAddress, SESSION_ID_PATTERN, sessionKey } from './address';
export { CLOUDEVENTS_CONTENT_TYPE, WARREN_HEADERS } from './envelope/amqp-headers';
export type { CloudEvent, CloudEventInit } from './envelope/cloud-event';
export { createCloudEvent, parseCloudEvent, textAttributeProblem } from './envelope/cloud-event';
export { ingressEnvelopeViolations } from './envelope/ingress-envelope';
export { digestMessageId, isUsableMessageId, safeMessageId } from './envelope/message-id';
export type { ReplyBody } from './envelope/reply-body';
export { REPLY_TYPES } from './envelope/reply-body';
export * from './errors/api-errors';
export type { WarrenErrorCode } from './errors/error-codes';
export { WARREN_ERROR_CODES } from './errors/error-codes';
export type { WireError } from './errors/error-wire';
export { fromWireError, RemoteError, toWireError } from './errors/error-wire';
export * from './errors/runtime-errors';
export { ToolArgumentsError, ToolFailedError, ToolNotAllowedError } from './errors/tool-errors';
export type { WarrenErrorOptions } from './errors/warren.error';
export { WarrenApiError, WarrenError, WarrenRuntimeError } from './errors/warren.error';
export type { ChatCompletionDelta, ChatCompletionEnd } from './messages/chat.messages';
export { CHAT_ADDRESS, ChatComplete } from './messages/chat.messages';
export { DeadLetterError, DeadLettered } from './messages/dead-lettered.message';
export type { EmbeddingResult } from './messages/embedding.messages';
export { EMBEDDING_ACTOR_TYPE, EmbedTexts, MAX_EMBED_INPUTS, MAX_EMBED_TEXT } from './messages/embedding.messages';
export {
  KNOWLEDGE_ACTOR_TYPE,
  KNOWLEDGE_EVENT_TYPES,
  KNOWLEDGE_ROUTING_KEYS,
  KnowledgeDelete,
  KnowledgeUpsert,
} from './messages/knowledge.messages';
export type { LimiterCheckAnswer, LimiterGrant, LimiterLeaseAnswer } from './messages/limiter.messages';
export { LimiterAcquire, LimiterCancel, LimiterCheck, LimiterLease, LimiterLeaseReturn, LimiterSettle } from './messages/limiter.messages';
export type { MessageClass } from './messages/message.decorator';
export { Message, messageClassOf, messageTypeOf } from './messages/message.decorator';
export type { ModelCompletionEnd, ModelDelta, ModelUsage } from './messages/model.messages';
export { ChatMessage, ModelComplete } from './messages/model.messages';
export type { PlainCheck } from './messages/plain-check';
export { compilePlainCheck } from './messages/plain-check';
export type {
  ProactiveProbeReply,
  ProactiveReminderPayload,
  SessionProactiveData,
  TurnEventOutcome,
} from './messages/proactive.messages';
export {
  fillProactiveTemplate,
  intentAddress,
  isProactiveReminderPayload,
  PROACTIVE_REMINDER_PREFIX,
  ProactiveDeliver,
  ProactiveForget,
  ProactiveProbe,
  TURN_OUTCOMES,
  TurnEvent,
} from './messages/proactive.messages';
export type { MissedFirePolicy, ReminderInput, ReminderSchedule } from './messages/reminder.messages';
export { ReminderDue } from './messages/reminder.messages';
export type { SessionEventKind } from './messages/session.messages';
export { SESSION_EVENT_KINDS, SESSION_EVENT_TYPES, SessionInterrupt, SessionMessage } from './messages/session.messages';
export type {
  SessionCitation,
  SessionDeltaData,
  SessionEventData,
  SessionFailedData,
  SessionInterruptedData,
  SessionReplyData,
  SessionSwitchedData,
  SessionUsage,
} from './messages/session-events';
export { sessionEventKey } from './messages/session-events';
export type { ModelTool, ModelToolCall, ModelToolChoice, ToolResult } from './messages/tool.messages';
export { TOOL_ACTOR_TYPE, TOOL_NAME_PATTERN, ToolCall, toolAddress } from './messages/tool.messages';
export { scopedTaskId } from './task-ids';
