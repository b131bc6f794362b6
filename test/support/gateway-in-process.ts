// The HTTP gateway in process for its e2e: a Nest app with the gateway's module on a vhost and a
// store of the test's, two tenants and an admin with keys, small limits; a stand-in session actor
// that records what the gateway sent, and a stand-in chat worker pool that answers every completion.
import type { INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Actor, type ActorContext, Handle } from '@warren/actors';
import { WarrenModule, WarrenStoreModule } from '@warren/amqp';
import { ChatComplete, type ChatCompletionDelta, type ChatCompletionEnd, Message, SessionMessage } from '@warren/contracts';
import type { WarrenStore } from '@warren/store';
import { MetricsModule, traceIdOf } from '@warren/telemetry';
import { configureGatewayHttp } from '../../apps/gateway/src/configure-gateway-http';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { type GatewayOptions, hashApiKey } from '../../apps/gateway/src/gateway.options';
import { gatewayTypes } from '../../apps/gateway/src/gateway-app.module';

export const DEV = 'dev-key';
export const OTHER = 'other-key-0123456789';
export const ADMIN = 'admin-key-0123456789';

@Message('test.gateway.read')
export class ReadReceived {}

export interface Received {
  text: string;
  messageId: string;
  taskId: string | undefined;
  traceId: string | undefined;
  locale: string | undefined;
}

/** Stands in for the session actor: records what the gateway sent, with ids and trace. */
@Actor('session')
export class ReceivingSession {
  @Handle(SessionMessage)
  message(msg: SessionMessage, ctx: ActorContext<Received[]>): void {
    ctx.state = [
      ...(ctx.state ?? []),
      { text: msg.text, messageId: ctx.messageId, taskId: ctx.taskId, traceId: traceIdOf(ctx.trace), locale: msg.locale },
    ];
  }

  @Handle(ReadReceived, { interleave: true })
  read(_msg: ReadReceived, ctx: ActorContext<Received[]>): Received[] {
    return ctx.state ?? [];
  }
}

/** Stands in for the `chat/default` worker pool (host it with `keys: ['default']`): one delta, then the end. */
@Actor('chat', { kind: 'worker' })
export class AnsweringChat {
  @Handle(ChatComplete)
  async *complete(msg: ChatComplete): AsyncGenerator<ChatCompletionDelta, ChatCompletionEnd, undefined> {
    yield { text: 'answer' };
    return { model: msg.model, usage: { promptTokens: msg.messages.length, completionTokens: 1 }, finishReason: 'stop' };
  }
}

/**
 * The gateway listening on a free port of 127.0.0.1, with the actor types of the standalone gateway:
 * tenants `dev` and `other`, admin `ops`, text limit 50, history pages of 20. `options.gateway` adds
 * gateway options; `options.before` runs on the app before `configureGatewayHttp` (app-wide middleware); `options.nodeId` for a second app.
 */
export async function startGatewayApp(
  amqpUrl: string,
  store: WarrenStore,
  options: { gateway?: Partial<GatewayOptions>; before?: (app: INestApplication) => void; nodeId?: string } = {},
): Promise<INestApplication> {
  @Module({
    imports: [
      // The store before WarrenModule, as warrenAppImports has it: the store closes after the broker.
      WarrenStoreModule.forRoot(store),
      WarrenModule.forRoot({
        amqp: { url: amqpUrl, shardCount: 4, nodeId: options.nodeId ?? 'gateway-e2e', publishTimeoutMs: 1500 },
        types: gatewayTypes(),
      }),
      MetricsModule.forRoot({ defaultMetrics: false }),
      GatewayModule.register({
        tenants: { dev: { apiKeys: [hashApiKey(DEV)] }, other: { apiKeys: [hashApiKey(OTHER)] } },
        admins: { ops: { apiKeys: [hashApiKey(ADMIN)] } },
        maxTextLength: 50,
        sseHeartbeatMs: 100,
        historyMaxPageSize: 20,
        ...options.gateway,
      }),
    ],
  })
  class GatewayTestApp {}
  const app = await NestFactory.create(GatewayTestApp, { logger: ['error', 'warn'] });
  options.before?.(app);
  configureGatewayHttp(app);
  await app.listen(0, '127.0.0.1');
  return app;
}
