import type { LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { GatewayModule } from './gateway.module';
import { type GatewayOptions, hashApiKey } from './gateway.options';

/** Collects what the app logs at warn level, with its context. */
class WarnRecorder implements LoggerService {
  readonly warnings: { message: unknown; context: unknown }[] = [];
  log() {}
  error() {}
  warn(message: unknown, context?: unknown) {
    this.warnings.push({ message, context });
  }
}

/** Starts the gateway's module alone: everything it needs from the app (client, store …) is a stand-in. */
async function startGateway(options: Partial<GatewayOptions>): Promise<WarnRecorder> {
  const logger = new WarnRecorder();
  const ref = await Test.createTestingModule({ imports: [GatewayModule.register(options)] })
    .useMocker(() => ({ onControl: () => undefined })) // a transport stand-in hears no control messages
    .compile();
  const app = ref.createNestApplication({ logger });
  await app.init();
  await app.close();
  return logger;
}

describe('GatewayModule start-up', () => {
  it('warns once, naming WARREN__GATEWAY__TENANTS, when no tenant is configured: every tenant request would get 401', async () => {
    const { warnings } = await startGateway({ tenants: {} });
    expect(warnings).toEqual([
      { message: expect.stringContaining('no tenant is configured (gateway.tenants is empty)'), context: 'Gateway' },
    ]);
    const message = warnings[0]?.message as string;
    expect(message).toContain('will get 401');
    expect(message).toContain(`WARREN__GATEWAY__TENANTS='{"acme":{"apiKeys":["sha256:<hex>"]}}'`);
  });

  it('warns when the tenants are listed without any key', async () => {
    const { warnings } = await startGateway({ tenants: { acme: { apiKeys: [] } } });
    expect(warnings).toEqual([
      { message: expect.stringContaining('no tenant has an API key (gateway.tenants: acme)'), context: 'Gateway' },
    ]);
  });

  it('says nothing when a tenant has a key', async () => {
    const { warnings } = await startGateway({ tenants: { empty: { apiKeys: [] }, dev: { apiKeys: [hashApiKey('dev-key')] } } });
    expect(warnings).toEqual([]);
  });
});
