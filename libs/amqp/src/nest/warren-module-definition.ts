import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { WarrenModuleOptions } from './warren-module-options';

export const { ConfigurableModuleClass: WarrenConfigurableModule, MODULE_OPTIONS_TOKEN: WARREN_MODULE_OPTIONS } =
  new ConfigurableModuleBuilder<WarrenModuleOptions>()
    .setClassMethodName('forRoot')
    .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
    .build();
