import { type DynamicModule, Module } from '@nestjs/common';
import { type ActorTypeTable, warrenAppImports } from '@warren/amqp';
import type { WarrenConfig } from '@warren/config';
import { CHAT_ADDRESS, EMBEDDING_ACTOR_TYPE, parseAddress } from '@warren/contracts';
import { embeddingsFromConfig, knowledgeEmbedderOf } from '@warren/models';
import { KnowledgeBase, type WarrenStore } from '@warren/store';
import { GatewayModule } from './gateway.module';
import type { GatewayOptions } from './gateway.options';
import { type ModelCatalogInput, modelCatalogFromConfig } from './openai/model-catalog';

/**
 * The gateway's options from the configuration: `gateway.tenants`, `gateway.admins`,
 * `gateway.deadLetterRetentionDays`, `gateway.sseHeartbeatMs`, `gateway.fastPostMessage` and `gateway.admissionTimeoutMs`;
 * the text limit is the ingress router's (`ingress.maxTextLength`), so HTTP and AMQP accept the same.
 */
export function gatewayOptionsFromConfig(config: WarrenConfig): Partial<GatewayOptions> {
  return {
    tenants: Object.fromEntries(Object.entries(config.gateway.tenants).map(([t, v]) => [t, { apiKeys: [...v.apiKeys] }])),
    admins: Object.fromEntries(Object.entries(config.gateway.admins).map(([a, v]) => [a, { apiKeys: [...v.apiKeys] }])),
    deadLetterRetentionDays: config.gateway.deadLetterRetentionDays,
    sseHeartbeatMs: config.gateway.sseHeartbeatMs,
    fastPostMessage: config.gateway.fastPostMessage,
    maxTextLength: config.ingress.maxTextLength,
    models: modelCatalogFromConfig(config as unknown as ModelCatalogInput),
    admissionTimeoutMs: config.gateway.admissionTimeoutMs,
  };
}

/**
 * The knowledge base of the admin routes over a store, as the runtime builds its own: passages of
 * `knowledge.maxPassageChars`, vectors of `knowledge.embedder` (called in process) when one is named.
 */
export function gatewayKnowledgeFromConfig(config: WarrenConfig): (store: WarrenStore) => KnowledgeBase {
  const embeddings = (config.models as { embeddings?: Record<string, unknown> }).embeddings ?? {};
  const embedder = knowledgeEmbedderOf(embeddingsFromConfig(embeddings), config.knowledge.embedder);
  return (store) =>
    new KnowledgeBase(store.knowledge, { maxPassageChars: config.knowledge.maxPassageChars, ...(embedder ? { embedder } : {}) });
}

/**
 * The actor types the gateway sends to, none of which it hosts: session actors (messages), intent
 * actors (a pending proactive message deleted), limiter actors (the accept-time check of a turn), the `chat/default` worker pool (the
 * OpenAI-compatible chat endpoint asks it) and the `embedding/<name>` pools of the configured
 * embedding endpoints (`POST /v1/embeddings`; without `config`, `embedding/local`). Declaring them
 * declares their queues, so what is sent waits there for a runtime instead of being refused as
 * unknown or unroutable.
 */
export function gatewayTypes(config?: WarrenConfig): ActorTypeTable {
  const chat = parseAddress(CHAT_ADDRESS);
  const embeddings = config ? modelCatalogFromConfig(config as unknown as ModelCatalogInput).embeddings : ['local'];
  return {
    kinds: { session: 'entity', intent: 'entity', limiter: 'entity', [chat.type]: 'worker', [EMBEDDING_ACTOR_TYPE]: 'worker' },
    workerPools: [{ type: chat.type, key: chat.key }, ...embeddings.map((key) => ({ type: EMBEDDING_ACTOR_TYPE, key }))],
  };
}

/**
 * Root module of the standalone gateway process: configuration, the store under `WARREN_STORE`
 * (with `/health` and `/ready`), metrics (`/metrics`), the broker (it sends to the actors of
 * {@link gatewayTypes}, hosts none) and the gateway's routes.
 */
@Module({})
export class GatewayAppModule {
  static register(config: WarrenConfig, store: WarrenStore): DynamicModule {
    return {
      module: GatewayAppModule,
      imports: [
        ...warrenAppImports(config, store, { types: gatewayTypes(config) }),
        GatewayModule.register(gatewayOptionsFromConfig(config), gatewayKnowledgeFromConfig(config)),
      ],
    };
  }
}
