/** Every RabbitMQ name Warren uses, in one place (docs/architecture.md, "RabbitMQ topology"). */
export const EXCHANGES = Object.freeze({
  INGRESS: 'warren.ingress',
  INGRESS_HASH: 'warren.ingress.hash',
  EVENTS: 'warren.events',
  WORKERS: 'warren.workers',
  CONTROL: 'warren.control',
  KNOWLEDGE: 'warren.knowledge',
} as const);

/** The queue of the knowledge base's change events, bound to `warren.knowledge` with `document.*`. */
export const KNOWLEDGE_QUEUE = 'warren.knowledge.ingest';
/** The binding of `warren.knowledge.ingest`: routing keys `document.upsert` and `document.delete`. */
export const KNOWLEDGE_BINDING = 'document.*';

export const DEAD_LETTER_QUEUE = 'warren.dead';
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/** Consistent-hash exchange of an entity actor type. */
export const actorExchange = (type: string): string => `warren.actors.${type}`;
/** Shard `n` of an entity actor type. */
export const shardQueue = (type: string, n: number): string => `warren.${type}.shard.${n}`;
/** Shard `n` of the ingress router. */
export const ingressShardQueue = (n: number): string => `warren.ingress.shard.${n}`;
/** Routing key of a worker pool on `warren.workers` (`model.local`). */
export const workerRoutingKey = (type: string, key: string): string => `${type}.${key}`;
/** Queue of a worker pool (`warren.worker.model.local`). */
export const workerQueue = (type: string, key: string): string => `warren.worker.${type}.${key}`;
/** Routing key of a request pool on `warren.workers` (`rpc.model.local`): not the quorum pool's, so the two never share a message. */
export const requestRoutingKey = (type: string, key: string): string => `rpc.${type}.${key}`;
/** Queue of a request pool: classic, transient messages (`warren.rpc.model.local`). */
export const requestQueue = (type: string, key: string): string => `warren.rpc.${type}.${key}`;
/** Retry tier: an exchange and a TTL queue of the same name. */
export const retryTier = (delayMs: number): string => `warren.retry.${delayMs}`;
/** This node's exclusive control queue. */
export const controlQueue = (nodeId: string): string => `warren.control.${nodeId}`;
