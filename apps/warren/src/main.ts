import 'reflect-metadata';
import { runWarrenApp } from '@warren/amqp';
import { setupGatewayDocs } from '../../gateway/src/docs/gateway-docs';
import { useFastPostMessage } from '../../gateway/src/sessions/fast-post-message';
import { WarrenAppModule } from './warren-app.module';

/** `npm start`: gateway, runtime and scheduler in one process. */
runWarrenApp({
  name: 'warren',
  module: (config, store) => WarrenAppModule.register(config, store),
  configure: (app) => {
    setupGatewayDocs(app);
    useFastPostMessage(app);
  },
});
