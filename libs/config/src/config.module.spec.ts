import { Inject, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InvalidOptionsError } from '@warren/contracts';
import { WARREN_CONFIG } from './config.constants';
import { WarrenConfigModule } from './config.module';
import type { WarrenConfig } from './warren-config.schema';

@Injectable()
class NeedsConfig {
  constructor(@Inject(WARREN_CONFIG) readonly config: WarrenConfig) {}
}

describe('WarrenConfigModule', () => {
  it('WarrenConfigModule.forRoot(config) provides the resolved config under WARREN_CONFIG', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [WarrenConfigModule.forRoot({ gateway: { port: 0 } })],
      providers: [NeedsConfig],
    }).compile();
    const { config } = moduleRef.get(NeedsConfig);
    expect(config.gateway.port).toBe(0);
    expect(config.amqp.shardCount).toBe(16);
    expect(moduleRef.get(WARREN_CONFIG)).toBe(config);
  });

  it('WarrenConfigModule.forRoot(config) throws InvalidOptionsError for a bad config', () => {
    expect(() => WarrenConfigModule.forRoot({ runtime: { shardPrefetch: 8, mailboxCapacity: 8 } })).toThrow(InvalidOptionsError);
  });

  it('WarrenConfigModule.forRoot() loads from the environment and config/default', () => {
    const previous = process.env.WARREN__RUNTIME__ASK_TIMEOUT_MS;
    process.env.WARREN__RUNTIME__ASK_TIMEOUT_MS = '1234';
    try {
      const module = WarrenConfigModule.forRoot();
      expect(module.global).toBe(true);
      const provider = module.providers?.[0] as { useValue: WarrenConfig };
      expect(provider.useValue.runtime.askTimeoutMs).toBe(1234);
    } finally {
      if (previous === undefined) delete process.env.WARREN__RUNTIME__ASK_TIMEOUT_MS;
      else process.env.WARREN__RUNTIME__ASK_TIMEOUT_MS = previous;
    }
  });
});
