import { type DynamicModule, Inject, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ActorRuntime, type HostOptions } from '@warren/actors';
import type { WarrenConfig } from '@warren/config';
import { TOOL_ACTOR_TYPE } from '@warren/contracts';
import {
  ActorStateBudgetStore,
  CLUSTER_HEALTH,
  ClusterHealth,
  EMBEDDING_ENDPOINTS,
  EMBEDDING_WORKER_OPTIONS,
  type EmbeddingEndpointRegistry,
  EmbeddingWorkerActor,
  ENDPOINT_HEALTH,
  EndpointHealth,
  type EndpointHealthOptions,
  embeddingsFromConfig,
  endpointsFromConfig,
  HealthAnnouncer,
  knowledgeEmbedderOf,
  LIMITER_BUDGET_STORE,
  LIMITER_OPTIONS,
  LimiterActor,
  MODEL_ENDPOINTS,
  type ModelEndpointRegistry,
  ModelWorkerActor,
  resolveLimiterOptions,
} from '@warren/models';
import { type ModerationRulesInput, Moderator, type PiiKind } from '@warren/moderation';
import { KnowledgeBase, WARREN_STORE, type WarrenStore } from '@warren/store';
import { WarrenMetrics } from '@warren/telemetry';
import { ChatActor } from './chat/chat.actor';
import { DeadLetterKeeperService } from './dead-letters/dead-letter-keeper.service';
import { IngressRouterActor } from './ingress/ingress-router.actor';
import { INGRESS_ROUTER_OPTIONS, resolveIngressRouterOptions } from './ingress/ingress-router.options';
import { IntentActor, PROACTIVE_METRICS } from './intents/intent.actor';
import { INTENT_CLASSIFIER, RuleIntentClassifier } from './intents/intent-classifier';
import { PROACTIVE_OPTIONS, resolveProactiveOptions } from './intents/proactive.options';
import { KNOWLEDGE_BASE, KNOWLEDGE_OPTIONS, type KnowledgeOptions, resolveKnowledgeOptions } from './knowledge/knowledge.options';
import { KnowledgeIngestActor } from './knowledge/knowledge-ingest.actor';
import { LimiterLeases } from './session/limiter-leases';
import { resolveCacheOptions, SESSION_CACHE, SemanticCache } from './session/semantic-cache';
import { SessionActor } from './session/session.actor';
import { resolveSessionOptions, SESSION_OPTIONS } from './session/session.options';
import { SESSION_ROUTING, SessionRouting } from './session/session-routing';
import { SESSION_METRICS } from './session/session-turn.types';
import { resolveToolOptions, TOOL_OPTIONS } from './tools/tool-options';

/**
 * The model endpoints a runtime node serves: `model/local` plus one per `models.endpoints` entry
 * (validated; `apiKeyEnv` read from the environment). Its names are the worker pools the node consumes.
 */
export function servedModels(config?: Pick<WarrenConfig, 'models'>): ModelEndpointRegistry {
  return endpointsFromConfig(config ?? { models: { local: {} } });
}

/** The sessions' answer cache from `cache:`; in semantic mode with its embedding endpoint (checked at start). */
function answerCache(config: WarrenConfig, embeddings: EmbeddingEndpointRegistry): SemanticCache {
  const options = resolveCacheOptions({ ...config.cache } as Parameters<typeof resolveCacheOptions>[0], new Set(embeddings.keys()));
  return new SemanticCache(options, Date.now, options.mode === 'semantic' ? embeddings.get(options.embedding) : undefined);
}

/** The names of the configured model endpoints (`local` and `models.endpoints`): what a message's `model` may name. */
function configuredEndpoints(config: WarrenConfig): ReadonlySet<string> {
  return new Set(['local', ...Object.keys((config.models as { endpoints?: Record<string, unknown> }).endpoints ?? {})]);
}

/**
 * The embedding endpoints a runtime node serves: `embedding/local` plus one per `models.embeddings`
 * entry (validated; `apiKeyEnv` read from the environment).
 */
export function servedEmbeddings(config?: Pick<WarrenConfig, 'models'>): EmbeddingEndpointRegistry {
  return embeddingsFromConfig((config?.models as { embeddings?: Record<string, unknown> } | undefined)?.embeddings ?? {});
}

/**
 * Hosting options of the runtime's actor types (pass them to `WarrenModule.forRoot({ hosting })`):
 * the `model` pools are the names of {@link servedModels}, the `embedding` pools those of
 * {@link servedEmbeddings}. Without `config`, only `model/local` and `embedding/local`.
 */
export function runtimeHosting(config?: Partial<Pick<WarrenConfig, 'models' | 'runtime'>>): Record<string, HostOptions> {
  // Shutdown drains the types that ask others first (phase 0), while the workers and the
  // limiter they wait on keep answering (phase 1, the default). Model, chat and embedding pools take
  // `runtime.requestPrefetch` requests at once (a request mostly waits on its model).
  const requests = config?.runtime?.requestPrefetch ?? 128;
  return {
    ingress: { source: 'ingress', drainPhase: 0 },
    session: { drainPhase: 0 },
    chat: { keys: ['default'], drainPhase: 0, prefetch: requests },
    model: { keys: [...servedModels(config as Pick<WarrenConfig, 'models'> | undefined).keys()], prefetch: requests },
    // Embeddings ask the limiter, so they drain with the askers; a request pool like model and chat.
    embedding: {
      keys: [...servedEmbeddings(config as Pick<WarrenConfig, 'models'> | undefined).keys()],
      drainPhase: 0,
      prefetch: requests,
    },
    // Document changes from `warren.knowledge` (queue warren.knowledge.ingest).
    knowledge: { source: 'knowledge', keys: ['ingest'] },
  };
}

/**
 * The actor types a runtime node sends to without hosting them: the tools (`tool/<name>`, hosted by
 * whichever apps provide them). The pools of the declared tools (`tools.declarations`) are declared
 * too, so a call waits in its queue for a tool app (and times out, `WARREN_ASK_TIMEOUT`, when none
 * answers) instead of being refused as unroutable.
 */
export function runtimeTypes(config?: Partial<Pick<WarrenConfig, 'tools'>>): {
  kinds: Record<string, 'worker'>;
  workerPools: { type: string; key: string }[];
} {
  const names = Object.keys(config?.tools?.declarations ?? {});
  return { kinds: { [TOOL_ACTOR_TYPE]: 'worker' }, workerPools: names.map((key) => ({ type: TOOL_ACTOR_TYPE, key })) };
}

/**
 * The knowledge base of a process over its store: passages split at `knowledge.maxPassageChars`,
 * embedded by `knowledge.embedder` (called in process, not through its worker pool: a write or a
 * retrieval waits for it) when one is named. The gateway's admin routes build the same.
 */
export function knowledgeBaseOf(store: WarrenStore, config: Pick<WarrenConfig, 'models' | 'knowledge'>): KnowledgeBase {
  const options = resolveKnowledgeOptions(structuredClone({ ...config.knowledge }) as never);
  const embedder = knowledgeEmbedderOf(servedEmbeddings(config), options.embedder);
  return new KnowledgeBase(store.knowledge, { maxPassageChars: options.maxPassageChars, ...(embedder ? { embedder } : {}) });
}

/**
 * The actors of a runtime node: the ingress router, sessions, their intent actors (proactive
 * messages), the limiter, the model and embedding endpoint workers, with their options from config/, and the node's dead-letter keeper. The app's root imports WarrenModule
 * (which hosts them), MetricsModule and WarrenStoreModule.
 */
@Module({})
export class RuntimeModule implements OnModuleInit, OnModuleDestroy {
  private readonly announcer: HealthAnnouncer;

  constructor(
    @Inject(WarrenMetrics) private readonly metrics: WarrenMetrics,
    @Inject(ActorRuntime) private readonly runtime: ActorRuntime,
    @Inject(CLUSTER_HEALTH) cluster: ClusterHealth,
  ) {
    this.announcer = new HealthAnnouncer(cluster, runtime.transport);
  }

  static register(config: WarrenConfig): DynamicModule {
    // Health of the endpoints as this node's sessions call them (each node measures its own calls;
    // the router reads the cluster's view: this node's merged with the others' announcements).
    const health = new EndpointHealth({ ...(config.models as { health?: Partial<EndpointHealthOptions> }).health });
    const embeddings = servedEmbeddings(config);
    const proactive = resolveProactiveOptions({ ...structuredClone({ ...config.proactive }), rateLimit: config.session.rateLimit });
    return {
      module: RuntimeModule,
      providers: [
        {
          provide: INGRESS_ROUTER_OPTIONS,
          useValue: resolveIngressRouterOptions({ ...config.ingress, tenantsByUser: { ...config.ingress.tenantsByUser } }),
        },
        {
          provide: SESSION_OPTIONS,
          useValue: resolveSessionOptions({
            ...config.session,
            maxAttempts: config.runtime.entityBackoffMs.length + 1,
            proactive: config.proactive.enabled,
          }),
        },
        { provide: PROACTIVE_OPTIONS, useValue: proactive },
        { provide: TOOL_OPTIONS, useValue: resolveToolOptions(structuredClone({ ...config.tools }) as Record<string, unknown>) },
        { provide: INTENT_CLASSIFIER, useValue: new RuleIntentClassifier(proactive.intents) },
        { provide: PROACTIVE_METRICS, useExisting: WarrenMetrics },
        { provide: Moderator, useValue: new Moderator(moderationRules(config)) },
        { provide: SESSION_METRICS, useExisting: WarrenMetrics },
        { provide: ENDPOINT_HEALTH, useValue: health },
        {
          provide: CLUSTER_HEALTH,
          useFactory: (runtime: ActorRuntime) => new ClusterHealth(runtime.transport.nodeId, health),
          inject: [ActorRuntime],
        },
        {
          provide: SESSION_ROUTING,
          useFactory: (cluster: ClusterHealth) =>
            SessionRouting.fromConfig(config.routing, config.session.model, health, {
              endpoints: configuredEndpoints(config),
              view: cluster,
            }),
          inject: [CLUSTER_HEALTH],
        },
        // The answer cache (off by default; exact or semantic): per node, in memory (see SemanticCache).
        { provide: SESSION_CACHE, useValue: answerCache(config, embeddings) },
        {
          provide: LIMITER_OPTIONS,
          useValue: resolveLimiterOptions(structuredClone({ ...config.limiter }), { askTimeoutMs: config.runtime.askTimeoutMs }),
        },
        {
          provide: LIMITER_BUDGET_STORE,
          useFactory: (store: WarrenStore) => new ActorStateBudgetStore(store.actors),
          inject: [WARREN_STORE],
        },
        { provide: MODEL_ENDPOINTS, useValue: servedModels(config) },
        { provide: EMBEDDING_ENDPOINTS, useValue: embeddings },
        { provide: EMBEDDING_WORKER_OPTIONS, useValue: { rateLimit: config.session.rateLimit } },
        {
          provide: KNOWLEDGE_OPTIONS,
          useValue: resolveKnowledgeOptions(structuredClone({ ...config.knowledge }) as never) satisfies KnowledgeOptions,
        },
        { provide: KNOWLEDGE_BASE, useFactory: (store: WarrenStore) => knowledgeBaseOf(store, config), inject: [WARREN_STORE] },
        KnowledgeIngestActor,
        LimiterLeases,
        IngressRouterActor,
        SessionActor,
        IntentActor,
        LimiterActor,
        ModelWorkerActor,
        EmbeddingWorkerActor,
        ChatActor,
        DeadLetterKeeperService,
      ],
    };
  }

  onModuleInit(): void {
    this.metrics.observeRuntime({ activeActors: () => this.runtime.activeActors, mailboxDepth: () => this.runtime.mailboxDepth });
    const coordinator = this.runtime.coordinator;
    if (coordinator) {
      this.metrics.observeCluster({ members: () => coordinator.memberCount(), shardsOwned: () => coordinator.ownedCounts() });
      this.runtime.clusterListeners.push({ handOffDone: (h) => this.metrics.handOffDone(h.type, h.ms) });
    }
    this.announcer.start();
  }

  onModuleDestroy(): void {
    this.announcer.stop();
  }
}

function moderationRules(config: WarrenConfig): ModerationRulesInput {
  const m = config.moderation;
  return {
    ...(m.categories ? { categories: structuredClone(m.categories) as ModerationRulesInput['categories'] } : {}),
    pii: { kinds: [...m.piiKinds] as PiiKind[] },
    safeReply: m.safeReply,
  };
}
