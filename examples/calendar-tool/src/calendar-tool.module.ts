import { type DynamicModule, Module } from '@nestjs/common';
import { warrenAppImports } from '@warren/amqp';
import type { WarrenConfig } from '@warren/config';
import type { WarrenStore } from '@warren/store';
import { CalendarTool } from './calendar.tool';
import { UserCalendarActor } from './user-calendar.actor';

/**
 * The calendar tool's app: Warren's broker connection, store and health, and two actors: the tool,
 * `tool/calendar` (hosting key `calendar` of the `tool` worker type), and the users' calendars,
 * `calendar/<tenant>~u-<user>` (entity actors: their state and their reminders are in the store — the
 * embedded store is shared by the processes of one machine; MongoDB otherwise).
 */
@Module({})
export class CalendarToolModule {
  static register(config: WarrenConfig, store: WarrenStore): DynamicModule {
    return {
      module: CalendarToolModule,
      imports: [...warrenAppImports(config, store, { hostsEntities: true, hosting: { tool: { keys: ['calendar'] } } })],
      providers: [CalendarTool, UserCalendarActor],
    };
  }
}
