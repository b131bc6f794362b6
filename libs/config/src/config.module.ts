import { type DynamicModule, Module } from '@nestjs/common';
import { WARREN_CONFIG } from './config.constants';
import { loadConfig } from './load-config';
import { resolveWarrenConfig } from './resolve-config';
import type { WarrenConfigInput } from './warren-config.schema';

/**
 * Global module providing the resolved configuration under {@link WARREN_CONFIG}.
 * A plain dynamic module rather than `ConfigurableModuleBuilder`: it has one input, the
 * configuration itself, and resolving it is synchronous.
 */
@Module({})
export class WarrenConfigModule {
  /**
   * Without an argument, loads the configuration from file and environment ({@link loadConfig}).
   * With one (tests, embedding), validates it and fills defaults; the environment is not read.
   * Either way an invalid configuration throws here, before any provider starts.
   */
  static forRoot(config?: WarrenConfigInput): DynamicModule {
    const resolved = config === undefined ? loadConfig() : resolveWarrenConfig(config, { file: '(WarrenConfigModule.forRoot argument)' });
    return {
      module: WarrenConfigModule,
      global: true,
      providers: [{ provide: WARREN_CONFIG, useValue: resolved }],
      exports: [WARREN_CONFIG],
    };
  }
}
