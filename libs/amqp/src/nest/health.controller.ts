import { Controller, Get, HttpException, HttpStatus, Inject, Optional } from '@nestjs/common';
import { WARREN_STORE, type WarrenStore } from '@warren/store';
import { AmqpTransport } from '../amqp-transport';

/** Readiness of the process's dependencies. */
export interface Readiness {
  status: 'ready' | 'not-ready';
  broker: 'up' | 'down';
  store?: 'up' | 'down';
}

/** Liveness (the process answers) and readiness (the broker connection is up and the store answers). */
@Controller()
export class HealthController {
  constructor(
    @Inject(AmqpTransport) private readonly transport: AmqpTransport,
    @Optional() @Inject(WARREN_STORE) private readonly store?: WarrenStore,
  ) {}

  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<Readiness> {
    const broker = this.transport.connected ? 'up' : 'down';
    const store = this.store
      ? await this.store.ping().then(
          () => 'up' as const,
          () => 'down' as const,
        )
      : undefined;
    const ok = broker === 'up' && store !== 'down';
    const body: Readiness = { status: ok ? 'ready' : 'not-ready', broker, ...(store ? { store } : {}) };
    if (!ok) throw new HttpException(body, HttpStatus.SERVICE_UNAVAILABLE);
    return body;
  }
}
