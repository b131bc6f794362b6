import type { ServerResponse } from 'node:http';
import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { WarrenClient } from '@warren/amqp';
import { type Page, type TurnPart, WARREN_STORE, type WarrenStore } from '@warren/store';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { Tenant } from '../auth/tenant.decorator';
import { ApiProblems } from '../errors/api-errors.decorator';
import { gatewayValidationPipe } from '../errors/validation.pipe';
import { SessionEventHub } from '../events/session-event-hub';
import { SseStream } from '../events/sse-stream';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import type { GatewayRequest } from '../http/gateway-request';
import { postMessage } from './post-message';
import { SessionMessagesService } from './session-messages.service';
import { SessionReminders } from './session-reminders';
import { EventsQuery, HistoryQuery, PostMessageBody, ReminderParams, SessionParams } from './session-requests.dto';
import { AcceptedMessage, HistoryPageView, PendingRemindersView } from './session-responses.dto';

/**
 * A tenant's sessions: send a message, read the history, follow the events, list and cancel the
 * pending proactive messages. The tenant comes from the API key.
 */
@ApiTags('sessions')
@ApiBearerAuth()
@ApiProblems(400, 401, 500, 503)
@Controller('v1/sessions')
@UseGuards(ApiKeyGuard)
@UsePipes(gatewayValidationPipe())
export class SessionsController {
  constructor(
    @Inject(SessionMessagesService) private readonly messages: SessionMessagesService,
    @Inject(SessionEventHub) private readonly hub: SessionEventHub,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(WARREN_STORE) store: WarrenStore,
    @Inject(WarrenClient) warren: WarrenClient,
  ) {
    this.reminders = new SessionReminders(store, (address, message, options) => warren.ref(address, 'gateway').tell(message, options));
  }

  private readonly reminders: SessionReminders;

  @Post(':sessionId/messages')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'postSessionMessage',
    summary: 'Send a user message to the session',
    description:
      'Starts a turn of `session/<tenant>~<sessionId>`. Answers 202 once the broker has the message (persistent, confirmed), ' +
      "also when the turn will wait in the tenant's limiter queue; 429 when the tenant's limiter is sure to refuse it now " +
      '(nothing is recorded or sent). `model` or `strategy` routes this turn (a name `GET /v1/models` lists). ' +
      'An incoming W3C `traceparent` is continued and the response carries the `traceparent` of the request span.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Makes retries safe: the same key for the same session gives the same taskId, and the turn runs once.',
  })
  @ApiAcceptedResponse({ type: AcceptedMessage })
  @ApiProblems(
    413,
    415,
    [
      429,
      "The tenant's limiter is sure to refuse the turn now: rate limit reached in refuse mode or with a full queue, a user over their own limit " +
        '(`WARREN_RATE_LIMITED`), or a token budget used up (`WARREN_BUDGET_EXCEEDED`); `Retry-After` in seconds (for a budget, until its period ends). ' +
        'Nothing is recorded or sent.',
    ],
    [
      503,
      'The broker or the store cannot be reached (`WARREN_BROKER_UNAVAILABLE`, `WARREN_STORE_UNAVAILABLE`, `WARREN_PUBLISH_REJECTED`; `Retry-After: 1`).',
    ],
  )
  async post(
    @Tenant() tenant: string,
    @Param() params: SessionParams,
    @Body() body: PostMessageBody,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() req: GatewayRequest,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<AcceptedMessage> {
    const taskId = await postMessage(this.messages, { tenant, sessionId: params.sessionId }, body, idempotencyKey, req, res);
    return { taskId };
  }

  @Get(':sessionId/messages')
  @ApiOperation({
    operationId: 'listSessionMessages',
    summary: "A page of the session's history",
    description: 'Newest first by default; pass `nextCursor` back as `cursor`.',
  })
  @ApiOkResponse({ type: HistoryPageView })
  history(@Tenant() tenant: string, @Param() params: SessionParams, @Query() query: HistoryQuery): Promise<Page<TurnPart>> {
    return this.messages.history({ tenant, sessionId: params.sessionId }, query);
  }

  @Get(':sessionId/reminders')
  @ApiOperation({
    operationId: 'listSessionReminders',
    summary: "The session's pending proactive messages",
    description:
      'What Warren means to say first and when (reminders the user asked for, unfinished tasks, …), by due time. ' +
      'Each one arrives as a `proactive` event with the same `reminderId` unless the policy holds it back.',
  })
  @ApiOkResponse({ type: PendingRemindersView })
  @ApiProblems([404, 'No such session for this tenant (`WARREN_NOT_FOUND`).'])
  async listReminders(@Tenant() tenant: string, @Param() params: SessionParams): Promise<PendingRemindersView> {
    return { items: await this.reminders.list({ tenant, sessionId: params.sessionId }) };
  }

  @Delete(':sessionId/reminders/:reminderId')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'cancelSessionReminder',
    summary: 'Cancel a pending proactive message',
    description: 'It will not be sent.',
  })
  @ApiNoContentResponse({ description: 'Cancelled.' })
  @ApiProblems([404, 'No such pending message in this session (`WARREN_NOT_FOUND`).'])
  async cancelReminder(@Tenant() tenant: string, @Param() params: ReminderParams): Promise<void> {
    await this.reminders.cancel({ tenant, sessionId: params.sessionId }, params.reminderId);
  }

  @Get(':sessionId/events')
  @ApiOperation({
    operationId: 'streamSessionEvents',
    summary: "The session's events as Server-Sent Events",
    description:
      'One frame per event: `id:` the CloudEvent id, `event:` the kind (delta, reply, failed, interrupted, switched, proactive), ' +
      '`data:` the JSON of the CloudEvent data (`taskId` in each). Comment lines keep the stream open. Events are not replayed: ' +
      'connect before sending, or read the task and the history afterwards.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An event stream.', schema: { type: 'string' } })
  async events(
    @Tenant() tenant: string,
    @Param() params: SessionParams,
    @Query() query: EventsQuery,
    @Res() res: ServerResponse,
  ): Promise<void> {
    const stream = new SseStream(res, this.options.sseHeartbeatMs);
    const remove = await this.hub.watch({
      tenant,
      sessionId: params.sessionId,
      taskId: query.taskId,
      send: (kind, event) => stream.send(event.id, kind, event.data),
      close: () => stream.end(),
    });
    stream.onClose(remove);
    stream.open();
  }
}
