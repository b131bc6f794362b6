import { type DynamicModule, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { ActorRuntime, type HostOptions } from '@warren/actors';
import type { WarrenConfig } from '@warren/config';
import {
  ActorStateBudgetStore,
  EMBEDDING_ENDPOINTS,
  EMBEDDING_WORKER_OPTIONS,
  type EmbeddingEndpointRegistry,
  EmbeddingWorkerActor,
  ENDPOINT_HEALTH,
  EndpointHealth,
  type EndpointHealthOptions,
  embeddingsFromConfig,
  endpointsFromConfig,
  LIMITER_BUDGET_STORE,
  LIMITER_OPTIONS,
  LimiterActor,
  MODEL_ENDPOINTS,
  type ModelEndpointRegistry,
  ModelWorkerActor,
  resolveLimiterOptions,
} from '@warren/models';
import { type ModerationRulesInput, Moderator, type PiiKind } from '@warren/moderation';
import { WARREN_STORE, type WarrenStore } from '@warren/store';
import { WarrenMetrics } from '@warren/telemetry';
import { ChatActor } from './chat/chat.actor';
import { DeadLetterKeeperService } from './dead-letters/dead-letter-keeper.service';
import { IngressRouterActor } from './ingress/ingress-router.actor';
import { INGRESS_ROUTER_OPTIONS, resolveIngressRouterOptions } from './ingress/ingress-router.options';
import { IntentActor, PROACTIVE_METRICS } from './intents/intent.actor';
import { INTENT_CLASSIFIER, RuleIntentClassifier } from './intents/intent-classifier';
import { PROACTIVE_OPTIONS, resolveProactiveOptions } from './intents/proactive.options';
import { LimiterLeases } from './session/limiter-leases';
import { CACHE_DEFAULTS, SESSION_CACHE, SemanticCache } from './session/semantic-cache';
import { SessionActor } from './session/session.actor';
import { resolveSessionOptions, SESSION_OPTIONS } from './session/session.options';
import { SESSION_ROUTING, SessionRouting } from './session/session-routing';
import { SESSION_METRICS } from './session/session-turn.types';

/**
 * The model endpoints a runtime node serves: `model/local` plus one per `models.endpoints` entry
 * (validated; `apiKeyEnv` read from the environment). Its names are the worker pools the node consumes.
 */
export function servedModels(config?: Pick<WarrenConfig, 'models'>): ModelEndpointRegistry {
  return endpointsFromConfig(config ?? { models: { local: {} } });
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
  };
}

/**
 * The actors of a runtime node: the ingress router, sessions, their intent actors (proactive
 * messages), the limiter, the model and embedding endpoint workers, with their options from config/, and the node's dead-letter keeper. The app's root imports WarrenModule
 * (which hosts them), MetricsModule and WarrenStoreModule.
 */
@Module({})
export class RuntimeModule implements OnModuleInit {
  constructor(
    @Inject(WarrenMetrics) private readonly metrics: WarrenMetrics,
    @Inject(ActorRuntime) private readonly runtime: ActorRuntime,
  ) {}

  static register(config: WarrenConfig): DynamicModule {
    // Health of the endpoints as this node's sessions call them (per node: each node measures its own calls).
    const health = new EndpointHealth({ ...(config.models as { health?: Partial<EndpointHealthOptions> }).health });
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
        { provide: INTENT_CLASSIFIER, useValue: new RuleIntentClassifier(proactive.intents) },
        { provide: PROACTIVE_METRICS, useExisting: WarrenMetrics },
        { provide: Moderator, useValue: new Moderator(moderationRules(config)) },
        { provide: SESSION_METRICS, useExisting: WarrenMetrics },
        { provide: ENDPOINT_HEALTH, useValue: health },
        { provide: SESSION_ROUTING, useValue: SessionRouting.fromConfig(config.routing, config.session.model, health) },
        // The semantic cache (off by default): per node, in memory (see SemanticCache).
        { provide: SESSION_CACHE, useValue: new SemanticCache({ ...CACHE_DEFAULTS, ...config.cache }) },
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
        { provide: EMBEDDING_ENDPOINTS, useValue: servedEmbeddings(config) },
        { provide: EMBEDDING_WORKER_OPTIONS, useValue: { rateLimit: config.session.rateLimit } },
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
