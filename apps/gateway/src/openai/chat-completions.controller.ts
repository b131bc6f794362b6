import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Body, Controller, HttpCode, Inject, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AmqpTransport, WarrenClient } from '@warren/amqp';
import { CHAT_ADDRESS, ChatComplete, type ChatCompletionDelta, type ChatCompletionEnd } from '@warren/contracts';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { Tenant } from '../auth/tenant.decorator';
import { type ChatRequest, parseChatRequest } from './chat-request';
import { OpenAiExceptionFilter, toOpenAiError } from './openai-error';
import { chatCompletion, chunk, completionId, finishChunk, roleChunk, usageChunk } from './openai-format';

/** Longest wait for the next part of a completion (the first one includes a queued limiter ask and the model's first token). */
export const CHAT_IDLE_TIMEOUT_MS = 120_000;

/**
 * OpenAI's chat completions API, so any OpenAI SDK is a Warren client: the tenant's key as the
 * bearer key, the request asked of the `chat/default` worker pool (moderation, limiter, routed
 * model call, as a session turn) under a new task id, returned in `x-warren-task-id`.
 */
@ApiTags('openai')
@ApiBearerAuth()
@Controller('v1/chat')
@UseGuards(ApiKeyGuard)
@UseFilters(OpenAiExceptionFilter)
export class ChatCompletionsController {
  constructor(
    @Inject(WarrenClient) private readonly warren: WarrenClient,
    @Inject(AmqpTransport) private readonly transport: AmqpTransport,
  ) {}

  @Post('completions')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create a chat completion (OpenAI-compatible)',
    description:
      "OpenAI's request (`model`, `messages`, `stream`, `stream_options.include_usage`, `max_tokens` or `max_completion_tokens`, `temperature`, `user`; " +
      'other fields are ignored). `model` is `auto` (the routing default), an endpoint (`local`, `models.endpoints.<name>`), a routing strategy or a route. ' +
      "Goes through input moderation (blocked: the safe reply with `finish_reason: content_filter`), the tenant's limiter, the router with its " +
      'fallbacks and output moderation before streaming: text is sent only once nothing after it can block or mask it; a blocked answer ' +
      'ends with the safe reply and `finish_reason: content_filter` (not streamed: only the safe reply), a redacted one carries the masked text. No history is kept; the task (`GET /v1/tasks/:taskId`) records the steps and the routing journal. ' +
      "With `stream: true`, `chat.completion.chunk` Server-Sent Events and `data: [DONE]`. Errors use OpenAI's shape `{ error: { message, type, param, code } }` " +
      "with Warren's `WARREN_*` code. A client that disconnects cancels the model call.",
  })
  @ApiBody({ schema: { type: 'object', required: ['model', 'messages'] } })
  @ApiHeader({ name: 'x-warren-task-id', required: false, description: '(response) the task of this completion' })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ description: 'A `chat.completion` object, or a stream of `chat.completion.chunk` events.' })
  @ApiBadRequestResponse({ description: 'A wrong field (`param` names it), or a prompt too long (`WARREN_CONTEXT_TOO_LONG`).' })
  @ApiUnauthorizedResponse({ description: 'No valid API key (`WARREN_UNAUTHORIZED`).' })
  @ApiResponse({ status: 404, description: '`model` names no endpoint, strategy or route (`WARREN_NOT_FOUND`).' })
  @ApiTooManyRequestsResponse({
    description:
      "The tenant's limiter refused (`rate_limit_exceeded`, `WARREN_RATE_LIMITED`, `Retry-After` in seconds) or its budget is used up (`insufficient_quota`, `WARREN_BUDGET_EXCEEDED`).",
  })
  @ApiResponse({
    status: 502,
    description: 'Every endpoint of the fallback chain failed (`WARREN_FALLBACKS_EXHAUSTED`, `WARREN_MODEL_REJECTED`).',
  })
  @ApiResponse({ status: 503, description: 'The model or the broker is unavailable (`WARREN_MODEL_UNAVAILABLE`, …).' })
  async create(@Tenant() tenant: string, @Body() body: unknown, @Res() res: ServerResponse): Promise<void> {
    const request = parseChatRequest(body);
    const taskId = randomUUID();
    res.setHeader('x-warren-task-id', taskId);
    const abort = new AbortController();
    res.on('close', () => {
      if (res.writableFinished) return;
      // The client went away: stop reading and cancel the task wherever its model call runs.
      abort.abort();
      this.transport.control({ kind: 'cancel', taskId, reason: 'client disconnected' }).catch(() => undefined);
    });
    const parts = this.warren
      .ref(CHAT_ADDRESS, `gateway:${tenant}`)
      .askStream<ChatCompletionDelta, ChatCompletionEnd>(toMessage(tenant, request), {
        taskId,
        signal: abort.signal,
        timeoutMs: CHAT_IDLE_TIMEOUT_MS,
      });
    const id = completionId(taskId);
    const created = Math.floor(Date.now() / 1000);
    if (!request.stream) {
      let text = '';
      let safe: string | undefined;
      for (;;) {
        const next = await parts.next();
        if (next.done) {
          const end = next.value ?? emptyEnd(request.model);
          // Blocked: only the safe reply, not the clean start a stream would have shown before it.
          const content = end.finishReason === 'content_filter' && safe !== undefined ? safe.trimStart() : text;
          sendJson(res, chatCompletion({ id, created, model: end.model }, content, end));
          return;
        }
        text += next.value.text;
        if (next.value.moderated) safe = (safe ?? '') + next.value.text;
      }
    }
    // The first part decides the status: a refusal before it is a plain HTTP error (429, 400, 502 …).
    let next = await parts.next();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const meta = { id, created, model: request.model, includeUsage: request.includeUsage };
    send(res, roleChunk(meta));
    try {
      while (!next.done) {
        send(res, chunk(meta, next.value.text));
        next = await parts.next();
      }
      const end = next.value ?? emptyEnd(request.model);
      send(res, finishChunk({ ...meta, model: end.model }, end));
      if (request.includeUsage) send(res, usageChunk({ ...meta, model: end.model }, end));
      res.end('data: [DONE]\n\n');
    } catch (error) {
      // Headers are sent: the error goes as an SSE frame, as OpenAI does (the SDKs raise it).
      if (!res.writableEnded && !abort.signal.aborted) {
        send(res, toOpenAiError(error).body);
        res.end();
      }
    }
  }
}

function toMessage(tenant: string, r: ChatRequest): ChatComplete {
  return Object.assign(new ChatComplete(), {
    tenant,
    model: r.model,
    messages: r.messages,
    ...(r.maxTokens === undefined ? {} : { maxTokens: r.maxTokens }),
    ...(r.temperature === undefined ? {} : { temperature: r.temperature }),
    ...(r.user === undefined ? {} : { userId: r.user }),
  });
}

function emptyEnd(model: string): ChatCompletionEnd {
  return { model, usage: { promptTokens: 0, completionTokens: 0 }, finishReason: 'stop' };
}

function send(res: ServerResponse, data: object): void {
  res.write(`data: ${JSON.stringify(data)}\n\n`);
}

function sendJson(res: ServerResponse, data: object): void {
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(data));
}
