import { Controller, Get, Res } from '@nestjs/common';
import { WarrenMetrics } from './warren-metrics';

/** The part of an HTTP response the controller needs (Express and Node's `ServerResponse` have it). */
interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

/** `GET /metrics`: the Prometheus text exposition of the app's {@link WarrenMetrics}. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: WarrenMetrics) {}

  @Get()
  async scrape(@Res({ passthrough: true }) res: HeaderSink): Promise<string> {
    res.setHeader('Content-Type', this.metrics.contentType);
    return this.metrics.metrics();
  }
}
