import type { INestApplication } from '@nestjs/common';
import { Controller, Get, Inject, Injectable, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WarrenClient, WarrenModule, WarrenServer } from '@warren/amqp';
import { createStore } from '@warren/store';
import { Add, CounterActor, GetCount } from './fixtures/test-actors';
import { autoTeardown, useVhost } from './support/broker';
import { tempDir } from './support/runtime';

const vhost = useVhost('nest');

/** Any Nest provider can send to actors through WarrenClient. */
@Injectable()
class CounterService {
  constructor(@Inject(WarrenClient) private readonly warren: WarrenClient) {}
  add(id: string, by: number): Promise<number> {
    return this.warren.ref(`counter/${id}`).ask<number>(Object.assign(new Add(), { by }));
  }
  count(id: string): Promise<{ count: number }> {
    return this.warren.ref(`counter/${id}`).ask(new GetCount());
  }
}

@Controller('counters')
class CounterController {
  constructor(@Inject(CounterService) private readonly counters: CounterService) {}
  @Get(':id/add/:by')
  add(@Param('id') id: string, @Param('by') by: string) {
    return this.counters.add(id, Number(by));
  }
}

let app: INestApplication;

beforeAll(async () => {
  const store = createStore({ dataDir: tempDir('nest') });
  await store.init();
  @Module({
    imports: [WarrenModule.forRoot({ amqp: { url: vhost.url, shardCount: 2 }, store: store.actors })],
    providers: [CounterActor, CounterService],
    controllers: [CounterController],
  })
  class AppModule {}
  app = await NestFactory.create(AppModule, { logger: false });
  app.connectMicroservice({ strategy: app.get(WarrenServer) });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  autoTeardown({
    close: async () => {
      await app.close();
      await store.close();
    },
  });
});

test("connectMicroservice({ strategy: WarrenServer }) hosts the app's @Actor providers; WarrenClient sends from any provider", async () => {
  const url = await app.getUrl();
  const res = await fetch(`${url}/counters/n1/add/3`);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('3');
  expect(await app.get(CounterService).count('n1')).toMatchObject({ count: 3 });
});
