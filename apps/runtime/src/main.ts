import 'reflect-metadata';
import { runWarrenApp } from '@warren/amqp';
import { RuntimeAppModule } from './runtime-app.module';

/** The runtime on its own (production: several of these share the shard and worker queues). */
runWarrenApp({ name: 'runtime', module: (config, store) => RuntimeAppModule.register(config, store) });
