export { WARREN_CONFIG } from './config.constants';
export { WarrenConfigModule } from './config.module';
export type { ConfigEnv } from './env-overrides';
export type { LoadConfigOptions } from './load-config';
export { loadConfig } from './load-config';
export type { ConfigSource } from './resolve-config';
export type { LogFormat, LogLevel } from './sections/log.config';
export type {
  AnthropicModelEndpointConfig,
  EmbeddingEndpointConfig,
  LocalModelEndpointConfig,
  ModelEndpointConfig,
  OpenAiModelEndpointConfig,
} from './sections/models.config';
export type { WarrenConfig, WarrenConfigInput } from './warren-config.schema';
