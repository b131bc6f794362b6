import type { RuntimeOptionsInput } from '@warren/actors';
import type { WarrenConfig } from '@warren/config';
import type { AmqpTransportOptions } from '../amqp-options';

/** Maps the validated configuration file onto the transport's and the runtime's options. */
export function amqpOptionsFromConfig(config: WarrenConfig): Partial<AmqpTransportOptions> {
  return {
    url: config.amqp.url,
    nodeId: config.runtime.nodeId,
    shardCount: config.amqp.shardCount,
    connectRetries: config.amqp.connectRetries,
    heartbeatSeconds: config.amqp.heartbeatSeconds,
    publishTimeoutMs: config.amqp.publishTimeoutMs,
    connectTimeoutMs: config.amqp.connectTimeoutMs,
    operationTimeoutMs: config.amqp.operationTimeoutMs,
    closeTimeoutMs: config.amqp.closeTimeoutMs,
    setupTimeoutMs: config.amqp.setupTimeoutMs,
    requestPools: [...config.amqp.requestPools],
    shardPrefetch: config.runtime.shardPrefetch,
    workerPrefetch: config.runtime.workerPrefetch,
    deliveryLimit: config.runtime.deliveryLimit,
    workerRetryTiersMs: [...config.runtime.workerRetryTiersMs],
  };
}

export function runtimeOptionsFromConfig(config: WarrenConfig): RuntimeOptionsInput {
  const r = config.runtime;
  return {
    askTimeoutMs: r.askTimeoutMs,
    drainTimeoutMs: r.drainTimeoutMs,
    mailboxCapacity: r.mailboxCapacity,
    processedWindow: r.processedWindow,
    passivateAfterMs: r.passivateAfterMs,
    maxActivations: r.maxActivations,
    retry: { entityBackoffMs: [...r.entityBackoffMs], workerTiersMs: [...r.workerRetryTiersMs] },
    cluster: {
      heartbeatMs: r.clusterHeartbeatMs,
      failureTimeoutMs: r.clusterFailureTimeoutMs,
      joinWindowMs: r.clusterJoinWindowMs,
      maxMovesPerStep: r.clusterMovesPerStep,
    },
  };
}
