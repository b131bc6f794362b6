import { type DynamicModule, Module } from '@nestjs/common';
import { ActorRuntime, type Clock, SystemClock } from '@warren/actors';
import { nestRuntimeLogger } from '@warren/amqp';
import type { WarrenConfig } from '@warren/config';
import { WARREN_STORE, type WarrenStore } from '@warren/store';
import { WarrenMetrics } from '@warren/telemetry';
import { resolveSchedulerOptions, type SchedulerOptions } from './scheduler.options';
import { SchedulerService } from './scheduler.service';

/** Injection token of the scheduler's clock (a test overrides it with a `ManualClock`). */
export const SCHEDULER_CLOCK = Symbol('SCHEDULER_CLOCK');
/** Injection token of the resolved {@link SchedulerOptions}. */
export const SCHEDULER_OPTIONS = Symbol('SCHEDULER_OPTIONS');

/** `x-warren-sender` of deliveries: not an actor address, so nothing is ever sent back to it. */
export function schedulerSender(instanceId: string): string {
  return `external:scheduler:${instanceId}`;
}

/** The scheduler's options from config/ (`scheduler:`; the instance id defaults to the node id). */
export function schedulerOptionsFromConfig(config: WarrenConfig): SchedulerOptions {
  // metricsPort is the app's HTTP port (apps/scheduler/src/main.ts), not a scheduler option.
  const { actorTypes: _types, instanceId, metricsPort: _port, ...rest } = config.scheduler;
  return resolveSchedulerOptions({ ...rest, instanceId: instanceId ?? config.runtime.nodeId });
}

/** The entity types the scheduler delivers to, for `WarrenModule.forRoot({ types })` (they must be routable). */
export function schedulerTypes(config: WarrenConfig): { kinds: Record<string, 'entity'> } {
  return { kinds: Object.fromEntries(config.scheduler.actorTypes.map((t) => [t, 'entity' as const])) };
}

/**
 * The reminder scheduler in a Nest app: `SchedulerService` with the store's reminders, the
 * runtime for publishing and the app's metrics; it starts at bootstrap (when
 * `scheduler.enabled`) and stops before the broker connection closes. The app's root imports
 * WarrenModule (with {@link schedulerTypes}), WarrenStoreModule and MetricsModule.
 */
@Module({})
export class SchedulerModule {
  static register(config: WarrenConfig): DynamicModule {
    return {
      module: SchedulerModule,
      providers: [
        { provide: SCHEDULER_OPTIONS, useValue: schedulerOptionsFromConfig(config) },
        { provide: SCHEDULER_CLOCK, useFactory: (): Clock => new SystemClock() },
        {
          provide: SchedulerService,
          inject: [WARREN_STORE, ActorRuntime, WarrenMetrics, SCHEDULER_CLOCK, SCHEDULER_OPTIONS],
          useFactory: (store: WarrenStore, runtime: ActorRuntime, metrics: WarrenMetrics, clock: Clock, options: SchedulerOptions) => {
            const sender = schedulerSender(options.instanceId);
            return new SchedulerService(
              {
                reminders: store.reminders,
                publish: (actor, message, messageId) => runtime.ref(actor, sender).tell(message, { messageId }),
                clock,
                metrics,
                log: nestRuntimeLogger('Scheduler'),
              },
              options,
            );
          },
        },
      ],
      exports: [SchedulerService],
    };
  }
}
