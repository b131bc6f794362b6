import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MetricsModule } from './metrics.module';
import { WarrenMetrics } from './warren-metrics';

describe('MetricsModule', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const ref = await Test.createTestingModule({ imports: [MetricsModule.forRoot({ defaultMetrics: false })] }).compile();
    app = ref.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(() => app.close());

  it('provides one WarrenMetrics and serves it at GET /metrics with the registry content type', async () => {
    const metrics = app.get(WarrenMetrics);
    metrics.turnEnded('interrupted');
    const res = await fetch(`${await app.getUrl()}/metrics`);
    expect(res.status).toBe(200);
    // Express's send() normalises the order of the parameters: compare them as a set.
    const params = (type: string | null) => new Set((type ?? '').split(';').map((p) => p.trim()));
    expect(params(res.headers.get('content-type'))).toEqual(params(metrics.contentType));
    expect(await res.text()).toContain('warren_turns_total{outcome="interrupted"} 1');
  });
});
