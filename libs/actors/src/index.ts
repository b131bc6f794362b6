export type { ActorDefinition, HandlerDefinition } from './actor-definition';
export { defineActor } from './actor-definition';
export { ActorRef } from './actor-ref';
export type { HostOptions, RuntimeServices } from './actor-runtime';
export { ActorRuntime } from './actor-runtime';
export { ManualClock } from './clock/manual-clock';
export { SystemClock } from './clock/system-clock';
export type {
  ClusterNodeView,
  ClusterSnapshot,
  HandOffDoneView,
  HandOffInProgressView,
  ShardOwnershipView,
} from './cluster/cluster-view';
export { ClusterView } from './cluster/cluster-view';
export type { Member, MemberAnnouncement } from './cluster/member-table';
export { MemberTable } from './cluster/member-table';
export { rendezvousOwner, rendezvousRanking } from './cluster/rendezvous';
export type { RebalanceStep, ShardRef } from './cluster/shard-allocator';
export { ShardAllocator } from './cluster/shard-allocator';
export type { ClusterOptions, CoordinatorListener, HandOff, ShardHost } from './cluster/shard-coordinator';
export { ShardCoordinator } from './cluster/shard-coordinator';
export type { ActorDecoratorOptions, ActorKind } from './decorators/actor.decorator';
export { Actor, getActorMetadata } from './decorators/actor.decorator';
export type { HandleOptions } from './decorators/handle.decorator';
export { Handle } from './decorators/handle.decorator';
export { toValidMessage } from './message-validator';
export type { Clock } from './ports/clock.port';
export type { Delivery, FailedAttempt, FailureReport, UnreadableBody } from './ports/delivery.port';
export { UNREADABLE_TYPE } from './ports/delivery.port';
export type { PendingReminder, ReminderRegistration, ReminderRegistry } from './ports/reminder-registry.port';
export type {
  ActorTransport,
  AnnouncedEndpointHealth,
  AskOptions,
  AskStreamOptions,
  ControlCommand,
  HealthAnnouncement,
  HostedType,
  HostingCallbacks,
  HostingTransport,
  OutboundMessage,
  PublishOptions,
  ReplyAddress,
  StreamPart,
} from './ports/transport.port';
export { MAX_MESSAGE_CLOCK_SKEW_MS, reminderBaseTime } from './reminders/reminder-base-time';
export type { Recurrence } from './reminders/reminder-schedule';
export { nextFireAfter, reminderMessageId, resolveReminderSchedule } from './reminders/reminder-schedule';
export type { ActorContext, DeferredReply } from './runtime/actor-context';
export type { RuntimeLogger } from './runtime/dispatch-support';
export { Mailbox } from './runtime/mailbox';
export type { AskCallOptions, SendOptions } from './runtime/message-sender';
export type { OnRefusal, Refusal, RefusalContext } from './runtime/refusals';
export type { RetryDecision, RetryPolicyOptions } from './runtime/retry-policy';
export { decideRetry, isRetryable } from './runtime/retry-policy';
export type { RuntimeOptions, RuntimeOptionsInput } from './runtime-options';
export { RUNTIME_DEFAULTS, resolveRuntimeOptions } from './runtime-options';
