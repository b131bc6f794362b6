import 'reflect-metadata';
import { runWarrenApp } from '@warren/amqp';
import { SchedulerAppModule } from './scheduler-app.module';

/** The reminder scheduler on its own (several may run: each claims different reminders). */
runWarrenApp({ name: 'scheduler', hostsActors: false, module: (config, store) => SchedulerAppModule.register(config, store) });
