import 'reflect-metadata';
import { runWarrenApp } from '@warren/amqp';
import { SchedulerAppModule } from './scheduler-app.module';

/**
 * The reminder scheduler on its own (several may run: each claims different reminders). Its HTTP
 * (health, metrics) is on `scheduler.metricsPort`, not `PORT`, which is the gateway's.
 */
runWarrenApp({
  name: 'scheduler',
  hostsActors: false,
  module: (config, store) => SchedulerAppModule.register(config, store),
  port: (config) => config.scheduler.metricsPort,
});
