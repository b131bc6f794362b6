import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { AmqpTransport } from '@warren/amqp';

/** Liveness (the process answers) and readiness (the broker connection is up). */
@Controller()
export class HealthController {
  constructor(@Inject(AmqpTransport) private readonly transport: AmqpTransport) {}

  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  ready(): { status: 'ready'; broker: 'up' } {
    if (!this.transport.connected) throw new HttpException({ status: 'not-ready', broker: 'down' }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'ready', broker: 'up' };
  }
}
