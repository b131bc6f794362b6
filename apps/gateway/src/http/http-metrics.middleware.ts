import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type NestMiddleware, Optional } from '@nestjs/common';
import { WarrenMetrics } from '@warren/telemetry';

/**
 * Records every gateway request (including those the guard refuses) as
 * `WarrenMetrics#httpRequest(route pattern, method, status, ms)` when the response finishes.
 * A middleware rather than an interceptor, because guards run before interceptors.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(@Optional() @Inject(WarrenMetrics) private readonly metrics?: WarrenMetrics) {}

  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const metrics = this.metrics;
    if (metrics) {
      const started = performance.now();
      res.once('close', () => {
        // Express sets `route` on the request it matched: the pattern keeps label cardinality bounded.
        const route = (req as { route?: { path?: unknown } }).route?.path;
        metrics.httpRequest(
          typeof route === 'string' ? route : 'unmatched',
          req.method ?? 'GET',
          res.statusCode,
          performance.now() - started,
        );
      });
    }
    next();
  }
}
