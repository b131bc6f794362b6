import 'reflect-metadata';
import { runWarrenApp } from '@warren/amqp';
import { configureGatewayHttp } from './configure-gateway-http';
import { GatewayAppModule } from './gateway-app.module';

/** The gateway on its own: it sends to session actors and hosts none. */
runWarrenApp({
  name: 'gateway',
  module: (config, store) => GatewayAppModule.register(config, store),
  hostsActors: false,
  configure: (app) => configureGatewayHttp(app),
});
