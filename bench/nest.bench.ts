/**
 * Baseline for ask throughput: Nest's built-in RMQ transport. A microservice (Transport.RMQ)
 * with a @MessagePattern controller and a ClientRMQ from ClientsModule in the same process;
 * `send` with 200 in flight. Runs as a child of run-all (AMQP_URL = its vhost) and prints one
 * `BENCH_RESULT {json}` line. Nest's RMQ transport needs `amqp-connection-manager` (an optional
 * peer of @nestjs/microservices); without it the result says skipped.
 * Run alone: `AMQP_URL=amqp://guest:guest@127.0.0.1:5672/<vhost> node dist/bench/nest.bench.js`.
 */

import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Controller, Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type ClientProxy, ClientsModule, MessagePattern, type MicroserviceOptions, Payload, Transport } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';

const QUICK = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';
const COUNT = Number(process.env.BENCH_ASK_COUNT ?? (QUICK ? 3_000 : 20_000));
const IN_FLIGHT = Number(process.env.BENCH_ASK_IN_FLIGHT ?? 200);
const QUEUE = 'bench_nest_rpc';
const CLIENT = 'BENCH_RMQ';

/** The options both sides use: Nest's defaults but the queue name and TCP_NODELAY. */
function rmqOptions(url: string) {
  return {
    urls: [url],
    queue: QUEUE,
    // Defaults kept: queueOptions {} (classic durable queue), persistent false, server noAck true
    // (auto-ack on delivery), prefetchCount 0 (unlimited), replies via amq.rabbitmq.reply-to.
    socketOptions: { connectionOptions: { noDelay: true } },
  };
}

@Controller()
class EchoController {
  @MessagePattern('bench.echo.ping')
  ping(@Payload() data: { text: string }): string {
    return data.text;
  }
}

@Injectable()
class Sender {
  constructor(@Inject(CLIENT) readonly client: ClientProxy) {}
}

function benchModule(url: string) {
  @Module({
    imports: [ClientsModule.register([{ name: CLIENT, transport: Transport.RMQ, options: rmqOptions(url) }])],
    controllers: [EchoController],
    providers: [Sender],
  })
  class NestBenchModule {}
  return NestBenchModule;
}

async function runConcurrent(count: number, concurrency: number, op: () => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next++ < count) await op();
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

export async function nestAskThroughput(url: string): Promise<{ perSecond: number } | { skipped: string }> {
  try {
    require.resolve('amqp-connection-manager');
  } catch {
    return { skipped: 'amqp-connection-manager is not installed (npm i -D amqp-connection-manager)' };
  }
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(benchModule(url), {
    transport: Transport.RMQ,
    options: rmqOptions(url),
    logger: false,
  });
  await app.listen();
  try {
    const client = app.get(Sender).client;
    await client.connect();
    const once = () => firstValueFrom(client.send<string>('bench.echo.ping', { text: 'hello' }));
    if ((await once()) !== 'hello') throw new Error('Nest echo returned something else');
    await runConcurrent(Math.min(1000, COUNT), IN_FLIGHT, once);
    const t0 = performance.now();
    await runConcurrent(COUNT, IN_FLIGHT, once);
    return { perSecond: (COUNT / (performance.now() - t0)) * 1000 };
  } finally {
    await app.close().catch((err: unknown) => console.error(`nest bench: close failed: ${String(err)}`));
  }
}

if (require.main === module) {
  const url = process.env.AMQP_URL;
  if (!url) throw new Error('set AMQP_URL to the vhost to use');
  // amqp-connection-manager rejects sends still queued in its channel wrapper when Nest closes
  // it, and Nest does not catch that rejection: report it, do not crash after the measurement.
  const unhandled = new Map<string, number>();
  process.on('unhandledRejection', (err) => unhandled.set(String(err), (unhandled.get(String(err)) ?? 0) + 1));
  process.on('exit', () => {
    for (const [err, n] of unhandled) console.error(`nest bench: ${n} × unhandled rejection at close: ${err}`);
  });
  nestAskThroughput(url).then(
    (r) => {
      console.log(`BENCH_RESULT ${JSON.stringify(r)}`);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
