export { WARREN_CONFIG } from './config.constants';
export { WarrenConfigModule } from './config.module';
export type { ConfigEnv } from './env-overrides';
export { CONFIG_ENV_VARS, GENERIC_ENV_PREFIX } from './env-overrides';
export type { LoadConfigOptions } from './load-config';
export { CONFIG_EXTENSIONS, DEFAULT_CONFIG_PATH, findConfigFile, loadConfig, PRODUCTION_CONFIG_PATH } from './load-config';
export type { ConfigSource } from './resolve-config';
export { defaultNodeId, resolveWarrenConfig } from './resolve-config';
export type { LogFormat, LogLevel } from './sections/log.config';
export { LOG_FORMATS, LOG_LEVELS } from './sections/log.config';
export type {
  AnthropicModelEndpointConfig,
  EmbeddingEndpointConfig,
  LocalModelEndpointConfig,
  ModelEndpointConfig,
  OpenAiModelEndpointConfig,
} from './sections/models.config';
export type { WarrenConfig, WarrenConfigInput } from './warren-config.schema';
