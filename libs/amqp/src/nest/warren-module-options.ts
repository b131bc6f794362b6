import type { HostOptions, ReminderRegistry, RuntimeLogger, RuntimeOptionsInput } from '@warren/actors';
import type { ActorStateStore } from '@warren/store';
import type { AmqpTransportOptions } from '../amqp-options';
import type { ActorTypeTable } from '../amqp-transport';

/** Options of `WarrenModule.forRoot` / `forRootAsync`. */
export interface WarrenModuleOptions {
  amqp?: Partial<AmqpTransportOptions>;
  runtime?: RuntimeOptionsInput;
  /** Kinds of the actor types this app sends to (hosted types are added by themselves). */
  types?: ActorTypeTable;
  /** Where entity actors keep state. Required to host entity actors. */
  store?: ActorStateStore;
  /** Durable reminders for `ctx.remind` (the store's `reminders`). Without it the reminder methods reject. */
  reminders?: ReminderRegistry;
  /** Per-type hosting options (worker pools, prefetch). */
  hosting?: Record<string, HostOptions>;
  /** @default a pino-compatible logger from Nest's Logger */
  logger?: RuntimeLogger;
}
