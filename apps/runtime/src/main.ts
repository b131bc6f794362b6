import 'reflect-metadata';
import { runWarrenApp } from '@warren/amqp';
import { RuntimeAppModule } from './runtime-app.module';

/**
 * The runtime on its own (production: several of these share the shard and worker queues). Its
 * HTTP (health, metrics) is on `runtime.metricsPort`, not `PORT`, which is the gateway's.
 */
runWarrenApp({
  name: 'runtime',
  module: (config, store) => RuntimeAppModule.register(config, store),
  port: (config) => config.runtime.metricsPort,
});
