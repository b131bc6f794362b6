import { Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { runningTracing } from './tracing-sdk';

/** Exports the spans still buffered when the app shuts down (after the actors drained). */
@Injectable()
export class TracingShutdown implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await runningTracing()?.shutdown();
  }
}

/** Flushes and stops the tracing SDK (`startTracingFromEnv`) at shutdown; harmless when none runs. */
@Module({ providers: [TracingShutdown] })
export class TracingModule {}
