import 'reflect-metadata';
import { runWarrenApp } from '@warren/amqp';
import { CalendarToolModule } from './calendar-tool.module';

/** The calendar tool's process: the same configuration as every Warren app (`AMQP_URL`, `WARREN_DATA_DIR` …); health on `CALENDAR_TOOL_PORT`. */
runWarrenApp({
  name: 'calendar-tool',
  module: (config, store) => CalendarToolModule.register(config, store),
  port: () => Number(process.env.CALENDAR_TOOL_PORT ?? 9470),
});
