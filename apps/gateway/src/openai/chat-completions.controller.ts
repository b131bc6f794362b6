import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Body, Controller, HttpCode, Inject, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { AmqpTransport, WarrenClient } from '@warren/amqp';
import { CHAT_ADDRESS, ChatComplete, type ChatCompletionDelta, type ChatCompletionEnd } from '@warren/contracts';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { Tenant } from '../auth/tenant.decorator';
import { ApiOpenAiErrors } from '../errors/api-errors.decorator';
import { type ChatRequest, parseChatRequest } from './chat-request';
import { OpenAiExceptionFilter, toOpenAiError } from './openai-error';
import { chatCompletion, chunk, completionId, finishChunk, roleChunk, toolCallsChunk, usageChunk } from './openai-format';
import { ChatCompletionChunkView, ChatCompletionRequestView, ChatCompletionView, TextPartView } from './openai-views.dto';

/** The task id header of a completion, documented on its 200 answer. */
const TASK_ID_HEADER = {
  'x-warren-task-id': {
    description: 'The task of this completion: its steps, usage and routing journal at `GET /v1/tasks/{taskId}`.',
    schema: { type: 'string', format: 'uuid' },
  },
};

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
    operationId: 'createChatCompletion',
    summary: 'Create a chat completion (OpenAI-compatible)',
    description:
      '`model` is `auto` (the routing default), a routing strategy, a route or a model endpoint (see `GET /v1/models`). ' +
      "Goes through input moderation (blocked: the safe reply with `finish_reason: content_filter`), the tenant's limiter, the router with its " +
      'fallbacks and output moderation before streaming: text is sent only once nothing after it can block or mask it; a blocked answer ' +
      'ends with the safe reply and `finish_reason: content_filter` (not streamed: only the safe reply), a redacted one carries the masked text. ' +
      'No history is kept; the task (`GET /v1/tasks/{taskId}`, id in `x-warren-task-id`) records the steps and the routing journal. ' +
      'Tools: `tools` (function tools) and `tool_choice` in the OpenAI format are passed to the model; when it calls one of them the ' +
      'answer ends with `finish_reason: tool_calls` and the calls (`message.tool_calls`, or one `delta.tool_calls` chunk with each call whole), ' +
      "and the next request carries the results as `tool` messages. The tenant's Warren-hosted tools (`tools.declarations` in the " +
      "configuration) are offered too and run by Warren (each call on the task's steps); `tool_choice: none` turns them off. " +
      'JSON mode and structured outputs (`response_format` `json_object`/`json_schema`), the deprecated `functions`, log probabilities, audio, ' +
      'predicted outputs, stop sequences and `n` > 1 are refused with 400 (`param` names the field), never ignored; sampling hints ' +
      '(`top_p`, `seed`, penalties, `logit_bias`) and unknown fields are not passed on. ' +
      'With `stream: true`, `chat.completion.chunk` Server-Sent Events and `data: [DONE]`; the status is decided before the stream starts, an error after it is one `data: {"error": …}` frame. ' +
      "Errors use OpenAI's shape `{ error: { message, type, param, code } }` with Warren's `WARREN_*` code. A client that disconnects cancels the model call.",
  })
  @ApiExtraModels(TextPartView, ChatCompletionChunkView)
  @ApiBody({ type: ChatCompletionRequestView })
  @ApiOkResponse({
    description: 'A `chat.completion`, or (`stream: true`) a stream of `chat.completion.chunk` events ending with `data: [DONE]`.',
    headers: TASK_ID_HEADER,
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ChatCompletionView) } },
      'text/event-stream': {
        schema: {
          type: 'string',
          description:
            'Server-Sent Events: `data: <chat.completion.chunk JSON>` frames (schema ChatCompletionChunkView), then `data: [DONE]`.',
        },
        example:
          'data: {"id":"chatcmpl-…","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}]}\n\ndata: [DONE]\n\n',
      },
    },
  })
  @ApiExtraModels(ChatCompletionView)
  @ApiOpenAiErrors(
    [400, 'A wrong or unsupported field (`param` names it; `WARREN_INVALID_MESSAGE`), or a prompt too long (`WARREN_CONTEXT_TOO_LONG`).'],
    401,
    [404, '`model` names no endpoint, strategy or route (`WARREN_NOT_FOUND`, `param: model`).'],
    413,
    415,
    [
      429,
      "The tenant's limiter refused (`rate_limit_exceeded`, `WARREN_RATE_LIMITED`, `Retry-After` in seconds) or its budget is used up (`insufficient_quota`, `WARREN_BUDGET_EXCEEDED`).",
    ],
    500,
    [502, 'Every endpoint of the fallback chain failed or refused (`WARREN_FALLBACKS_EXHAUSTED`, `WARREN_MODEL_REJECTED`).'],
    [
      503,
      'The model, the limiter or the broker is unavailable (`WARREN_MODEL_UNAVAILABLE`, `WARREN_BROKER_UNAVAILABLE`, …; `Retry-After`).',
    ],
    [504, 'No part of the answer within 120 s (`WARREN_ASK_TIMEOUT`).'],
  )
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
      if (end.toolCalls && end.toolCalls.length > 0) send(res, toolCallsChunk({ ...meta, model: end.model }, end));
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
    ...(r.tools === undefined ? {} : { tools: r.tools }),
    ...(r.toolChoice === undefined ? {} : { toolChoice: r.toolChoice }),
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
