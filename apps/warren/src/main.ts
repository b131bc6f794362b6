import 'reflect-metadata';
import { runWarrenApp } from '@warren/amqp';
import { setupGatewayDocs } from '../../gateway/src/docs/gateway-docs';
import { WarrenAppModule } from './warren-app.module';

/** `npm start`: gateway, runtime and scheduler in one process. */
runWarrenApp({
  name: 'warren',
  module: (config, store) => WarrenAppModule.register(config, store),
  configure: (app) => setupGatewayDocs(app),
});
