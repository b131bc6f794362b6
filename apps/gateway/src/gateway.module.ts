import { type DynamicModule, Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ClusterView } from '@warren/actors';
import { AmqpTransport } from '@warren/amqp';
import { KnowledgeBase, WARREN_STORE, type WarrenStore } from '@warren/store';
import { AdminGuard } from './admin/admin.guard';
import { AuditController } from './admin/audit.controller';
import { ClusterController } from './admin/cluster.controller';
import { DeadLetterAdminService } from './admin/dead-letter-admin.service';
import { DeadLettersController } from './admin/dead-letters.controller';
import { EndpointsController } from './admin/endpoints.controller';
import { GatewayHealth } from './admin/gateway-health';
import { InspectController } from './admin/inspect.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ConsoleController } from './console/console.controller';
import { GatewayExceptionFilter } from './errors/gateway-exception.filter';
import { SessionEventHub } from './events/session-event-hub';
import { GATEWAY_OPTIONS, type GatewayOptions, noTenantKeysWarning, resolveGatewayOptions } from './gateway.options';
import { GATEWAY_KNOWLEDGE, KnowledgeAdminController } from './knowledge/knowledge-admin.controller';
import { ChatCompletionsController } from './openai/chat-completions.controller';
import { EmbeddingsController } from './openai/embeddings.controller';
import { ModelsController } from './openai/models.controller';
import { SessionMessagesService } from './sessions/session-messages.service';
import { SessionsController } from './sessions/sessions.controller';
import { TurnAdmission } from './sessions/turn-admission';
import { SessionTasksController } from './tasks/session-tasks.controller';
import { TasksController } from './tasks/tasks.controller';
import { TasksService } from './tasks/tasks.service';
import { UserSettingsController } from './users/user-settings.controller';
import { UserSettingsService } from './users/user-settings.service';

/**
 * The HTTP gateway's routes (`/v1/sessions/…`, `/v1/tasks/…`, `/v1/users/:userId/settings`, the OpenAI-compatible
 * `/v1/chat/completions`, `/v1/models`, `/v1/embeddings`), under the API-key guard, and the operators' admin routes
 * (`/v1/admin/dead-letters/…`, `/v1/admin/audit`, `/v1/admin/endpoints`, `/v1/admin/cluster`, `/v1/admin/tasks/:taskId`,
 * `/v1/admin/sessions/:tenant/:sessionId/timeline`) and the web console (`/console`), under the admin-key guard; errors
 * are RFC 9457 problem details (`application/problem+json`), on the OpenAI-compatible routes OpenAI's `{ error }`
 * (see GatewayExceptionFilter).
 * Controllers and providers only: the app imports `WarrenModule.forRoot(...)` (global:
 * `WarrenClient`, `AmqpTransport`) and provides the store under `WARREN_STORE` from a global
 * module, so the gateway and the runtime can share one broker connection in one process.
 * `WarrenMetrics`, when a global module provides it, records accepted messages; requests are recorded,
 * traced and logged by `configureGatewayHttp` (every request, unmatched ones included).
 * A gateway without any tenant key says so once at start-up (every tenant request would get 401).
 */
@Module({})
export class GatewayModule implements OnModuleInit {
  private readonly log = new Logger('Gateway');

  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  onModuleInit(): void {
    const warning = noTenantKeysWarning(this.options);
    if (warning) this.log.warn(warning);
  }

  /**
   * Resolves `options` (defaults filled, bad values refused with `InvalidOptionsError`). `knowledge`
   * builds the knowledge base of the admin routes over the store (the app passes one with
   * `knowledge.embedder`; default: lexical only).
   */
  static register(
    options: Partial<GatewayOptions> = {},
    knowledge: (store: WarrenStore) => KnowledgeBase = (store) => new KnowledgeBase(store.knowledge),
  ): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [
        SessionsController,
        TasksController,
        SessionTasksController,
        DeadLettersController,
        AuditController,
        EndpointsController,
        ClusterController,
        InspectController,
        ConsoleController,
        ChatCompletionsController,
        ModelsController,
        EmbeddingsController,
        UserSettingsController,
        KnowledgeAdminController,
      ],
      providers: [
        { provide: GATEWAY_OPTIONS, useValue: resolveGatewayOptions(options) },
        { provide: GATEWAY_KNOWLEDGE, useFactory: knowledge, inject: [WARREN_STORE] },
        // App-wide, but it only answers `/v1/…` requests (see GatewayExceptionFilter).
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
        ApiKeyGuard,
        AdminGuard,
        DeadLetterAdminService,
        SessionMessagesService,
        TurnAdmission,
        GatewayHealth,
        TasksService,
        UserSettingsService,
        SessionEventHub,
        {
          // The runtime nodes as their announcements on warren.control show them (GET /v1/admin/cluster).
          provide: ClusterView,
          inject: [AmqpTransport],
          useFactory: (transport: AmqpTransport) => {
            const view = new ClusterView(transport.nodeId);
            // (A stand-in transport — the OpenAPI writer's, a unit test's — has no control plane.)
            transport.onControl?.((command) => {
              if (command.kind === 'member') view.observe(command.member);
            });
            return view;
          },
        },
      ],
      exports: [GATEWAY_OPTIONS, SessionEventHub],
    };
  }
}
