export type { AnthropicEndpointOptions } from './anthropic/anthropic.endpoint';
export { AnthropicEndpoint, toAnthropicPrompt } from './anthropic/anthropic.endpoint';
export { toCompletion } from './completion-stream';
export type { EmbeddingEndpoint, EmbeddingEndpointRegistry, EmbeddingRequest, Embeddings } from './embeddings/embedding-endpoint.port';
export { EMBEDDING_ENDPOINTS } from './embeddings/embedding-endpoint.port';
export type { OpenAiEmbeddingOptions } from './embeddings/embedding-options';
export { EMBEDDING_ENDPOINT_DEFAULTS, resolveOpenAiEmbeddingOptions } from './embeddings/embedding-options';
export type { EmbeddingWorkerOptions } from './embeddings/embedding-worker.actor';
export { EMBEDDING_WORKER_OPTIONS, EmbeddingWorkerActor } from './embeddings/embedding-worker.actor';
export type { EmbeddingEndpointEntry } from './embeddings/embeddings-from-config';
export { embeddingsFromConfig, LOCAL_EMBEDDER_NAME } from './embeddings/embeddings-from-config';
export { embedText, LOCAL_EMBEDDING_DIMENSIONS, LocalEmbedder } from './embeddings/local-embedder';
export { OpenAiEmbeddingEndpoint } from './embeddings/openai-embedding.endpoint';
export type { ModelsConfigInput, OpenAiEndpointConfig, ProviderEndpointConfig } from './endpoints-from-config';
export { endpointsFromConfig, LOCAL_ENDPOINT_NAME, openAiOptionsFromConfig } from './endpoints-from-config';
export { ContextTooLongError, ModelEndpointError, ModelRejectedError, ModelUnavailableError } from './errors/model.errors';
export type { ModelErrorCode } from './errors/model-error-codes';
export { MODEL_ERROR_CODES } from './errors/model-error-codes';
export type { NodeHealth } from './health/cluster-health';
export { CLUSTER_HEALTH, ClusterHealth, HEALTH_ANNOUNCE_MS } from './health/cluster-health';
export type { ControlPlane } from './health/health-announcer';
export { HealthAnnouncer } from './health/health-announcer';
export type { EndpointHealthState, EndpointState, HealthClock } from './health/endpoint-health';
export { ENDPOINT_HEALTH, EndpointHealth } from './health/endpoint-health';
export type { EndpointHealthOptions } from './health/endpoint-health-options';
export { ENDPOINT_HEALTH_DEFAULTS, resolveEndpointHealthOptions } from './health/endpoint-health-options';
export { trackCompletion } from './health/track-completion';
export { TenantBudgetBook } from './limiter/budget-book';
export type { ActorRecordStore, BudgetStore, SavedBudget } from './limiter/budget-store';
export { ActorStateBudgetStore, LIMITER_BUDGET_STORE } from './limiter/budget-store';
export { LIMITER_CLOCK, LimiterActor } from './limiter/limiter.actor';
// LimiterCapacityError stays internal: callers get it from another node as a RemoteError, so they test the code.
export { isLimiterCapacityError, LIMITER_ERROR_CODES } from './limiter/limiter.errors';
export type { BucketLimits, LimiterContext, LimiterMode, LimiterOptions, TenantLimits } from './limiter/limiter-options';
export {
  capacitiesOf,
  LIMITER_DEFAULTS,
  LIMITER_OPTIONS,
  limitsOf,
  QUEUE_REPLY_MARGIN_MS,
  resolveLimiterOptions,
  userLimitsOf,
} from './limiter/limiter-options';
export type { AcquireResult } from './limiter/tenant-buckets';
export { TenantBuckets } from './limiter/tenant-buckets';
export type { Clock, TakeResult } from './limiter/token-bucket';
export { SYSTEM_CLOCK, TokenBucket } from './limiter/token-bucket';
export type { BudgetLimits, BudgetUsage } from './limiter/token-budget';
export { dayResetOf, monthResetOf, periodsOf, TokenBudget } from './limiter/token-budget';
export type { Admission, Waiter, WaitOutcome } from './limiter/wait-queue';
export { WaitQueue } from './limiter/wait-queue';
export { LocalModel } from './local/local-model.endpoint';
export type { LocalModelOptions } from './local/local-model-options';
export { LOCAL_MODEL_DEFAULTS, resolveLocalModelOptions } from './local/local-model-options';
export type { Completion, CompletionRequest, CompletionResult, ModelEndpoint } from './model-endpoint.port';
export type { ModelEndpointRegistry } from './model-endpoint-registry';
export { createModelEndpointRegistry, MODEL_ENDPOINTS } from './model-endpoint-registry';
export { ModelWorkerActor } from './model-worker.actor';
export { OpenAiCompatibleEndpoint } from './openai/openai-compatible.endpoint';
export type { ProviderErrorBody, RateLimitedModelError } from './providers/http-error-classifier';
export { retryAfterMsOf } from './providers/http-error-classifier';
export type { ProviderChunk } from './providers/provider-endpoint';
export { ProviderEndpoint } from './providers/provider-endpoint';
export type { ProviderFailure } from './providers/provider-failure';
export type { OpenAiEndpointOptions, ProviderEndpointOptions } from './providers/provider-options';
export {
  ANTHROPIC_BASE_URL,
  ENDPOINT_NAME_PATTERN,
  OPENAI_ENDPOINT_DEFAULTS,
  PROVIDER_ENDPOINT_DEFAULTS,
  resolveOpenAiEndpointOptions,
  resolveProviderOptions,
} from './providers/provider-options';
export type { EnsembleAnswer } from './router/ensemble-pick';
export { judgedAnswer, judgePrompt, pickAnswer, voteKey } from './router/ensemble-pick';
export type { NextEndpoint } from './router/fallback-chain';
export { errorCode, FallbackChain, fallsThrough } from './router/fallback-chain';
export type { RouteInput, RoutingPlan } from './router/model-router';
export { ModelRouter } from './router/model-router';
export type { ClassifiedRequest, RequestClassifier } from './router/request-classifier';
export { PatternClassifier, REQUEST_CLASSIFIER } from './router/request-classifier';
// FallbacksExhaustedError stays internal (see fallbacksExhausted()); test the code.
export { fallbacksExhausted, ROUTER_ERROR_CODES } from './router/router.errors';
export type { RouterHealthView } from './router/router-health.port';
export { NO_HEALTH } from './router/router-health.port';
export type { RoutingAttempt, RoutingCandidate, RoutingDecision } from './router/routing-decision';
export type { RoutingOptions, RuleCondition, Strategy, StrategyKind, Target } from './router/routing-options';
export { DEFAULT_CLASSIFIER, ROUTING_DEFAULTS, resolveRoutingOptions } from './router/routing-options';
export { fnv1a, pickWeighted } from './router/sticky-hash';
export { estimateTokens } from './token-estimate';
export type { CountableMessage } from './tokens/token-counter';
export { countChatTokens, countTokens, TOKENS_PER_MESSAGE, TOKENS_PER_REPLY } from './tokens/token-counter';
