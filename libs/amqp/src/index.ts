export type { AmqpTransportOptions } from './amqp-options';
export { AMQP_DEFAULTS, maskUrl, resolveAmqpOptions } from './amqp-options';
export type { ActorTypeTable, RepublishProperties } from './amqp-transport';
export { AmqpTransport } from './amqp-transport';
export type { DeadLetterConsumerOptions, DeadLetterHandler, DeadLetterMessage } from './dead-letter-consumer';
export { DeadLetterConsumer } from './dead-letter-consumer';
export type { BrokerDeath, DeadLetterHeaders, MessageOrigin } from './dead-letter-headers';
export { headersAsJson, headersJsonText, headerText, isFailureHeader, readDeadLetterHeaders } from './dead-letter-headers';
export type { EventConnection, EventListener } from './event-subscriber';
export { EventSubscriber } from './event-subscriber';
export type { AttemptEntry, FailureHeader } from './failure-headers';
export {
  actorExchange,
  DEAD_LETTER_QUEUE,
  EXCHANGES,
  ingressShardQueue,
  KNOWLEDGE_BINDING,
  KNOWLEDGE_QUEUE,
  retryTier,
  shardQueue,
  workerQueue,
  workerRoutingKey,
} from './names';
export type { Readiness } from './nest/health.controller';
export { HealthController } from './nest/health.controller';
export { nestRuntimeLogger } from './nest/nest-runtime-logger';
export { amqpOptionsFromConfig, runtimeOptionsFromConfig } from './nest/options-from-config';
export type { WarrenAppSpec } from './nest/run-warren-app';
export { runWarrenApp } from './nest/run-warren-app';
export { WarrenModule } from './nest/warren.module';
export { WarrenServer } from './nest/warren.server';
export { warrenAppImports } from './nest/warren-app-imports';
export { WarrenClient } from './nest/warren-client';
export { WARREN_MODULE_OPTIONS } from './nest/warren-module-definition';
export type { WarrenModuleOptions } from './nest/warren-module-options';
export { WarrenStoreModule } from './nest/warren-store.module';
export type { ReplayDestination, ReplaySource } from './replay-route';
export { replayDestination } from './replay-route';
export type { WrappedDeadLetterData } from './safe-dead-letter';
export { WRAPPED_DEAD_LETTER_TYPE } from './safe-dead-letter';
