import { type DynamicModule, Module } from '@nestjs/common';
import { warrenAppImports } from '@warren/amqp';
import type { WarrenConfig } from '@warren/config';
import type { WarrenStore } from '@warren/store';
import { CalendarTool } from './calendar.tool';

/**
 * The calendar tool's app: Warren's broker connection, store and health, and one actor, `tool/calendar`
 * (hosting key `calendar` of the `tool` worker type). The store is given because `ctx.remind` keeps
 * reminders in it (the embedded store is shared by the processes of one machine; MongoDB otherwise).
 */
@Module({})
export class CalendarToolModule {
  static register(config: WarrenConfig, store: WarrenStore): DynamicModule {
    return {
      module: CalendarToolModule,
      imports: [...warrenAppImports(config, store, { hostsEntities: true, hosting: { tool: { keys: ['calendar'] } } })],
      providers: [CalendarTool],
    };
  }
}
