import type { ServerResponse } from 'node:http';
import { Body, Controller, HttpCode, Inject, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WarrenClient } from '@warren/amqp';
import { EMBEDDING_ACTOR_TYPE, type EmbeddingResult, EmbedTexts, NotFoundError } from '@warren/contracts';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { Tenant } from '../auth/tenant.decorator';
import { ApiOpenAiErrors } from '../errors/api-errors.decorator';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { type EmbeddingRequest, parseEmbeddingRequest } from './embedding-request';
import { OpenAiExceptionFilter } from './openai-error';
import { EmbeddingListView, EmbeddingRequestView } from './openai-views.dto';

/** Longest wait for an embedding worker's answer (it includes a queued limiter ask and the provider's call). */
export const EMBEDDING_TIMEOUT_MS = 60_000;

/**
 * OpenAI's embeddings API (`openai.embeddings.create(…)`): the texts are asked of the
 * `embedding/<model>` worker pool, which charges them to the tenant's limiter and calls the
 * embedding endpoint. `model` must be one of the configured embedding endpoints (`local` is built
 * in); the vectors come back as floats or, as the OpenAI SDKs ask by default, base64 float32.
 */
@ApiTags('openai')
@ApiBearerAuth()
@Controller('v1/embeddings')
@UseGuards(ApiKeyGuard)
@UseFilters(OpenAiExceptionFilter)
export class EmbeddingsController {
  constructor(
    @Inject(WarrenClient) private readonly warren: WarrenClient,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'createEmbedding',
    summary: 'Create embeddings (OpenAI-compatible)',
    description:
      "One vector per text, in input order. The texts' tokens count against the tenant's limits and budgets like a completion's. " +
      "Errors use OpenAI's shape `{ error: { message, type, param, code } }` with Warren's `WARREN_*` code.",
  })
  @ApiBody({ type: EmbeddingRequestView })
  @ApiOkResponse({ type: EmbeddingListView })
  @ApiOpenAiErrors(
    [400, 'A wrong field (`param` names it): an empty text, token arrays, more than 2048 texts (`WARREN_INVALID_MESSAGE`).'],
    401,
    [404, '`model` names no embedding endpoint (`WARREN_NOT_FOUND`, `param: model`).'],
    413,
    415,
    429,
    500,
    [502, 'The embedding endpoint refused the request (`WARREN_MODEL_REJECTED`).'],
    [503, 'The embedding endpoint or the broker is unavailable (`WARREN_MODEL_UNAVAILABLE`, …; `Retry-After`).'],
    504,
  )
  async create(@Tenant() tenant: string, @Body() body: unknown, @Res({ passthrough: true }) res: ServerResponse): Promise<object> {
    const request = parseEmbeddingRequest(body);
    if (!this.options.models.embeddings.includes(request.model)) throw new NotFoundError('model', request.model);
    const abort = new AbortController();
    const onClose = () => abort.abort();
    res.on('close', onClose);
    try {
      const result = await this.warren
        .ref(`${EMBEDDING_ACTOR_TYPE}/${request.model}`, `gateway:${tenant}`)
        .ask<EmbeddingResult>(toMessage(tenant, request), { timeoutMs: EMBEDDING_TIMEOUT_MS, signal: abort.signal });
      return embeddingList(result, request.encodingFormat);
    } finally {
      res.off('close', onClose);
    }
  }
}

function toMessage(tenant: string, r: EmbeddingRequest): EmbedTexts {
  return Object.assign(new EmbedTexts(), {
    tenant,
    input: r.input,
    ...(r.dimensions === undefined ? {} : { dimensions: r.dimensions }),
    ...(r.user === undefined ? {} : { userId: r.user }),
  });
}

/** OpenAI's answer: a list of `embedding` objects, the model and the usage. */
export function embeddingList(result: EmbeddingResult, format: 'float' | 'base64') {
  return {
    object: 'list' as const,
    data: result.vectors.map((vector, index) => ({
      object: 'embedding' as const,
      index,
      embedding: format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
    })),
    model: result.model,
    usage: { prompt_tokens: result.usage.promptTokens, total_tokens: result.usage.promptTokens },
  };
}
