import { type DynamicModule, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { WarrenMetrics, type WarrenMetricsOptions } from './warren-metrics';

/**
 * Global module providing one {@link WarrenMetrics} (inject it by class) and `GET /metrics`.
 * Import it once per app, in the root module.
 */
@Module({})
export class MetricsModule {
  static forRoot(options: WarrenMetricsOptions = {}): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [{ provide: WarrenMetrics, useFactory: () => new WarrenMetrics(options) }],
      exports: [WarrenMetrics],
    };
  }
}
