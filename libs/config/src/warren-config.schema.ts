import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import { AmqpConfig } from './sections/amqp.config';
import { CacheConfig } from './sections/cache.config';
import { GatewayConfig } from './sections/gateway.config';
import { IngressConfig } from './sections/ingress.config';
import { KnowledgeConfig } from './sections/knowledge.config';
import { LimiterConfig } from './sections/limiter.config';
import { LogConfig } from './sections/log.config';
import { type LocalModelConfig, ModelsConfig } from './sections/models.config';
import { ModerationConfig } from './sections/moderation.config';
import { ProactiveConfig } from './sections/proactive.config';
import { RoutingConfig } from './sections/routing.config';
import { RuntimeConfig } from './sections/runtime.config';
import { SchedulerConfig } from './sections/scheduler.config';
import { SessionConfig } from './sections/session.config';
import { StoreConfig } from './sections/store.config';
import { ToolsConfig } from './sections/tools.config';

/**
 * The whole configuration file, one nested class per section. Defaults live in the
 * classes' initialisers (and, for reading, in `config/default.yaml`; a test keeps them equal).
 * @internal Use {@link WarrenConfig}, the resolved and frozen result.
 */
export class WarrenConfigSchema {
  /** RabbitMQ connection and topology. */
  @IsObject()
  @ValidateNested()
  @Type(() => AmqpConfig)
  amqp = new AmqpConfig();

  /** Actor runtime: timeouts, mailboxes, prefetch, retries. */
  @IsObject()
  @ValidateNested()
  @Type(() => RuntimeConfig)
  runtime = new RuntimeConfig();

  /** State store: MongoDB or the embedded store. */
  @IsObject()
  @ValidateNested()
  @Type(() => StoreConfig)
  store = new StoreConfig();

  /** HTTP gateway. */
  @IsObject()
  @ValidateNested()
  @Type(() => GatewayConfig)
  gateway = new GatewayConfig();

  /** The ingress router (raw AMQP producers). */
  @IsObject()
  @ValidateNested()
  @Type(() => IngressConfig)
  ingress = new IngressConfig();

  /** The session actor's turn pipeline. */
  @IsObject()
  @ValidateNested()
  @Type(() => SessionConfig)
  session = new SessionConfig();

  /** Model endpoints. */
  @IsObject()
  @ValidateNested()
  @Type(() => ModelsConfig)
  models = new ModelsConfig();

  /** Moderation of model input and output. */
  @IsObject()
  @ValidateNested()
  @Type(() => ModerationConfig)
  moderation = new ModerationConfig();

  /** Per-tenant rate limits. */
  @IsObject()
  @ValidateNested()
  @Type(() => LimiterConfig)
  limiter = new LimiterConfig();

  /** Proactive messages: intents, rules and the policy. */
  @IsObject()
  @ValidateNested()
  @Type(() => ProactiveConfig)
  proactive = new ProactiveConfig();

  /** The reminder scheduler. */
  @IsObject()
  @ValidateNested()
  @Type(() => SchedulerConfig)
  scheduler = new SchedulerConfig();

  /** Model routing: strategies, fallbacks, affinity. */
  @IsObject()
  @ValidateNested()
  @Type(() => RoutingConfig)
  routing = new RoutingConfig();

  /** The semantic cache of session turns (off by default). */
  @IsObject()
  @ValidateNested()
  @Type(() => CacheConfig)
  cache = new CacheConfig();

  /** Tools as actors: what models may call and how calls are made. */
  @IsObject()
  @ValidateNested()
  @Type(() => ToolsConfig)
  tools = new ToolsConfig();
  /** The knowledge base and the retrieve step of turns (retrieval off by default). */
  @IsObject()
  @ValidateNested()
  @Type(() => KnowledgeConfig)
  knowledge = new KnowledgeConfig();

  /** Logging. */
  @IsObject()
  @ValidateNested()
  @Type(() => LogConfig)
  log = new LogConfig();
}

/** Section classes by key, for listing the allowed keys of each section. */
export const CONFIG_SECTIONS = Object.freeze({
  amqp: AmqpConfig,
  runtime: RuntimeConfig,
  store: StoreConfig,
  gateway: GatewayConfig,
  ingress: IngressConfig,
  session: SessionConfig,
  models: ModelsConfig,
  moderation: ModerationConfig,
  limiter: LimiterConfig,
  log: LogConfig,
  proactive: ProactiveConfig,
  scheduler: SchedulerConfig,
  routing: RoutingConfig,
  cache: CacheConfig,
  tools: ToolsConfig,
  knowledge: KnowledgeConfig,
});

type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

type DeepPartial<T> = T extends (infer E)[] ? readonly E[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

type Plain<T> = { [K in keyof T]: T[K] };

/** The sections of the configuration, as plain data. */
interface WarrenConfigSections {
  amqp: Plain<AmqpConfig>;
  runtime: Plain<RuntimeConfig>;
  store: Plain<StoreConfig>;
  gateway: Plain<GatewayConfig>;
  ingress: Plain<IngressConfig>;
  session: Plain<SessionConfig>;
  models: { local: Plain<LocalModelConfig> };
  moderation: Plain<ModerationConfig>;
  limiter: Plain<LimiterConfig>;
  log: Plain<LogConfig>;
  proactive: Plain<ProactiveConfig>;
  scheduler: Plain<SchedulerConfig>;
  routing: Plain<RoutingConfig>;
  cache: Plain<CacheConfig>;
  tools: Plain<ToolsConfig>;
  knowledge: Plain<KnowledgeConfig>;
}

/** Resolved, validated and frozen configuration: what apps and libs receive. */
export type WarrenConfig = DeepReadonly<Omit<WarrenConfigSections, 'runtime'> & { runtime: Plain<RuntimeConfig> & { nodeId: string } }>;

/** Raw configuration before defaults and validation: every key optional (a file's content). */
export type WarrenConfigInput = DeepPartial<WarrenConfigSections>;
