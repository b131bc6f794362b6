import 'reflect-metadata';
import { runWarrenApp } from '@warren/amqp';
import { setupGatewayDocs } from './docs/gateway-docs';
import { GatewayAppModule } from './gateway-app.module';
import { useFastPostMessage } from './sessions/fast-post-message';

/** The gateway on its own: it sends to session actors and hosts none. */
runWarrenApp({
  name: 'gateway',
  module: (config, store) => GatewayAppModule.register(config, store),
  hostsActors: false,
  configure: (app) => {
    setupGatewayDocs(app);
    useFastPostMessage(app);
  },
});
