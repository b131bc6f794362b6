import 'reflect-metadata';
import { runWarrenApp } from '@warren/amqp';
import { configureGatewayHttp } from '../../gateway/src/configure-gateway-http';
import { WarrenAppModule } from './warren-app.module';

/** `npm start`: gateway, runtime and scheduler in one process. */
runWarrenApp({
  name: 'warren',
  module: (config, store) => WarrenAppModule.register(config, store),
  configure: (app) => configureGatewayHttp(app),
});
